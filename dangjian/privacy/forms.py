"""Forms of the privacy pages, and the consent box that resident forms add (``add_consent``)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import RequestKind, RequestStatus
from .services import CONSENT_FIELD


def add_consent(form, purpose: str) -> None:
    """Add the required consent box (我已阅读并同意…) to a resident form; the page shows the short
    notice of ``purpose`` beside it (``privacy/_consent.html``)."""
    form.fields[CONSENT_FIELD] = forms.BooleanField(
        label=_("I have read and agree to the privacy notice"), required=True,
        error_messages={"required": _("Please read the privacy notice and tick the box to agree.")})
    form.consent_purpose = purpose


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you ask for?"), choices=RequestKind.choices, widget=forms.RadioSelect)
    details = forms.CharField(label=_("Details"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("For a correction: what is wrong and what it should be."))


class DecisionForm(forms.Form):
    to = forms.ChoiceField(label=_("Answer"), widget=forms.RadioSelect, choices=[
        (RequestStatus.DONE, _("Done")), (RequestStatus.REFUSED, _("Refuse"))])
    note = forms.CharField(label=_("What was done, or why it is refused (the resident reads this)"), required=False,
                           max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
