"""Forms of assignments to firms and their contacts: one form per event; the services decide."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import DATE_INPUT, OrganizationChoiceField
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .choices import AssignmentRole
from .models import Firm


class FirmField(forms.ModelChoiceField):
    def label_from_instance(self, firm):
        return firm.unit.name


class MemberField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return f"{member.name}（{member.organization.display_name}）"


class AssignmentForm(forms.Form):
    """Assign someone to a firm (选派党建指导员、联络员, 确定联系领导). The firm is the page's; the member
    records offered are the matches of a search."""

    firm = FirmField(label=_("Firm"), queryset=Firm.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=AssignmentRole.choices, widget=forms.RadioSelect)
    appointed_by = OrganizationChoiceField(label=_("Appointed by"), queryset=Organization.objects.none(),
                            help_text=_("The organization in charge by area or by sector (dual management)."))
    member = MemberField(label=_("Member record"), required=False, queryset=Member.objects.none(),
                         help_text=_("If the person is a Party member on the roster, their name is taken from it."))
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    title = forms.CharField(label=_("Post"), max_length=100, required=False,
                            help_text=_("For example 街道党工委副书记."))
    started_on = forms.DateField(label=_("From"), widget=DATE_INPUT, initial=timezone.localdate)

    def __init__(self, *args, firms, organizations, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = firms
        self.fields["firm"].widget = forms.HiddenInput()  # the page is about one firm (``?firm=``)
        self.fields["appointed_by"].queryset = organizations
        self.fields["member"].queryset = members

    def clean(self):
        data = super().clean()
        if not data.get("member") and not (data.get("name") or "").strip():
            self.add_error("name", _("Give the person's name or choose their member record."))
        return data


class AssignmentEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE_INPUT, initial=timezone.localdate)
    reason = forms.CharField(label=_("Why it ended"), max_length=200)


class ContactLogForm(forms.Form):
    """One contact with the firm: a visit, a talk, a call."""

    contacted_on = forms.DateField(label=_("Contacted on"), widget=DATE_INPUT, initial=timezone.localdate)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    problems = forms.CharField(label=_("Problems raised"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("Leave empty if the firm raised none."))


class ContactSolveForm(forms.Form):
    solution = forms.CharField(label=_("How they were solved"), widget=forms.Textarea(attrs={"rows": 2}))
    solved_on = forms.DateField(label=_("Solved on"), widget=DATE_INPUT, initial=timezone.localdate)
