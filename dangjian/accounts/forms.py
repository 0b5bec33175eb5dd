from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The login form with the platform's field styling."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"class": "form-control form-control-lg", "autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"class": "form-control form-control-lg"})


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
