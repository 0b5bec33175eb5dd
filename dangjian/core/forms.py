"""Helpers shared by the forms of every app."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .dates import month_start

MONTH_INPUT = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class MonthField(forms.DateField):
    """A month typed as yyyy-mm (the browser's month picker) or a full date; gives the month's first day."""

    widget = MONTH_INPUT
    input_formats = ["%Y-%m", "%Y-%m-%d", "%Y/%m", "%Y年%m月"]
    default_error_messages = {"invalid": _("Enter a month such as 2026-11.")}

    def to_python(self, value):
        day = super().to_python(value)
        return month_start(day) if day else day


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors beside fields, others on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def submit(request, form, action, *, message, next_url):
    """Run a service with a form's data when a valid form is posted.

    Returns the redirect to ``next_url`` after success (with ``message`` shown), or None: the
    form is to be shown again, with the service's errors on it if it refused. ``message`` and
    ``next_url`` may be functions of the service's result.
    """
    from django.contrib import messages
    from django.shortcuts import redirect

    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, message(result) if callable(message) else message)
    return redirect(next_url(result) if callable(next_url) else next_url)


def act(request, action, *, message, next_url, failure_url=None):
    """Run a service for a posted button (publish, retire, a step): its refusal is shown as error
    messages and the user goes to ``failure_url`` (else ``next_url``); on success ``message`` is shown
    and the user goes to ``next_url``. ``message`` and ``next_url`` may be functions of the result."""
    from django.contrib import messages
    from django.shortcuts import redirect

    try:
        result = action()
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect(failure_url or next_url)
    messages.success(request, message(result) if callable(message) else message)
    return redirect(next_url(result) if callable(next_url) else next_url)


# A date field's browser date picker (ISO values both ways).
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganizationChoiceField(forms.ModelChoiceField):
    """A choice of organization shown by its display name (short name if it has one)."""

    def label_from_instance(self, obj):
        return obj.display_name


class RevealForm(forms.Form):
    """The purpose stated before protected personal data is shown (logged with the reveal)."""

    purpose = forms.CharField(label=_("Purpose"), max_length=200, widget=forms.TextInput(
        attrs={"placeholder": _("Why do you need to see it?")}))
