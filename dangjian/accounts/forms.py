from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The login form with the platform's field styling.

    A user name locked after too many failures (see ``lockout``) is told so, and until when,
    instead of "wrong password".
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"class": "form-control form-control-lg", "autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"class": "form-control form-control-lg"})

    def get_invalid_login_error(self):
        if self.request is not None and getattr(self.request, "axes_locked_out", False):
            from .lockout import client_ip, locked_until, lockout_message

            self.request.lockout_shown = True
            until = locked_until(self.cleaned_data.get("username") or "", client_ip(self.request))
            return forms.ValidationError(lockout_message(until), code="locked_out")
        return super().get_invalid_login_error()


class OtpCodeForm(forms.Form):
    """A six-digit code from the authenticator app (or, where allowed, a one-time backup code)."""

    token = forms.CharField(label=_("Verification code"), max_length=16, strip=True, widget=forms.TextInput(attrs={
        "class": "form-control form-control-lg", "autocomplete": "one-time-code", "inputmode": "numeric",
        "autofocus": True}))


class PasswordResetForm(forms.Form):
    """An administrator sets a new password for a user who forgot theirs (no e-mail needed)."""

    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput(attrs={"class": "form-control"}),
                               strip=False)
    confirm = forms.CharField(label=_("Repeat the new password"),
                              widget=forms.PasswordInput(attrs={"class": "form-control"}), strip=False)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("confirm"):
            self.add_error("confirm", _("The two passwords do not match."))
        elif data.get("password"):
            try:
                password_validation.validate_password(data["password"], self.user)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data
