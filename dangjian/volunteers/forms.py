from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.accounts.models import User
from dangjian.grid.models import ServiceRequest
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .choices import TeamKind
from .models import Volunteer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _account(name: str):
    name = (name or "").strip()
    if not name:
        return None
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise forms.ValidationError(_("No account with this user name."))
    return user


class TeamForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamKind.choices, widget=forms.RadioSelect,
                             initial=TeamKind.SERVICE)
    leader = forms.CharField(label=_("Leader (user name)"), max_length=150, required=False,
                             help_text=_("The account of the person who runs the team's activities."))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean_leader(self):
        return _account(self.cleaned_data["leader"])


class VolunteerForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Party member"), queryset=Member.objects.none(), required=False,
                                    help_text=_("Choose a member, or enter a resident's name below."))
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=15, required=False,
                            help_text=_("Optional: only to reach the volunteer about activities."))
    username = forms.CharField(label=_("Account (user name)"), max_length=150, required=False,
                               help_text=_("So the volunteer can sign up and check in on their phone."))
    joined_on = forms.DateField(label=_("Joined on"), widget=DATE)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members

    def clean_username(self):
        return _account(self.cleaned_data["username"])


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    place = forms.CharField(label=_("Place"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    service_request = forms.ModelChoiceField(label=_("Resident request it resolves"), required=False,
                                             queryset=ServiceRequest.objects.none())
    needs = forms.CharField(
        label=_("Needs"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One line per role: role, from, to, how many. For example: 引导员, 09:00, 11:00, 4"))

    def __init__(self, *args, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_request"].queryset = requests

    def clean_needs(self):
        needs = []
        for line in self.cleaned_data["needs"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            try:
                role, start, end, quantity = parts
                needs.append({"role": role, "start_time": forms.TimeField().clean(start),
                              "end_time": forms.TimeField().clean(end), "quantity": int(quantity)})
            except (ValueError, forms.ValidationError) as exc:
                raise forms.ValidationError(_("Write each need as: role, from, to, how many.")) from exc
        return needs


class SignUpForm(forms.Form):
    need = forms.IntegerField(widget=forms.HiddenInput)


class CheckinCodeForm(forms.Form):
    code = forms.CharField(label=_("Check-in code"), max_length=6, min_length=6, widget=forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}))


class LeaderStepForm(forms.Form):
    at = forms.TimeField(label=_("Time"), required=False, widget=TIME,
                         help_text=_("Leave empty for now."))


class CommendationForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=Volunteer.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=200)
    given_on = forms.DateField(label=_("Date"), widget=DATE)
    given_by = forms.CharField(label=_("Given by"), max_length=100)

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers
