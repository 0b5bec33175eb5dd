"""Forms of co-building: one form per event; the services decide."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .choices import ProjectArea, ProjectStatus, ResourceKind, UnitKind
from .models import JointProject, PartnerUnit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class OrgField(forms.ModelChoiceField):
    def label_from_instance(self, org):
        return org.display_name


class UnitForm(forms.Form):
    organization = OrgField(label=_("Registered with"), queryset=Organization.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices, widget=forms.RadioSelect)
    registered_on = forms.DateField(label=_("Registered on"), widget=DATE, initial=timezone.localdate)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False,
                                    help_text=_("Stored encrypted; lists show it masked."))
    party_organization = OrgField(label=_("Own Party organization"), required=False,
                                  queryset=Organization.objects.none())

    def __init__(self, *args, organizations, party_organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["party_organization"].queryset = party_organizations


class MemberRegistrationForm(forms.Form):
    organization = OrgField(label=_("Home community"), queryset=Organization.objects.none())
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    registered_on = forms.DateField(label=_("Registered on"), widget=DATE, initial=timezone.localdate)
    intentions = forms.CharField(label=_("Service intentions"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text=_("What the member offers to do, e.g. tutoring, legal advice, patrols."))

    def __init__(self, *args, organizations, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["member"].queryset = members


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=1)
    availability = forms.CharField(label=_("Availability"), max_length=200, required=False,
                                   help_text=_("For example: weekday evenings, Saturday mornings."))


class BookingForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE)
    starts_at = forms.TimeField(label=_("From"), widget=TIME)
    ends_at = forms.TimeField(label=_("Until"), widget=TIME)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)


class BookingStepForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class UnitChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit):
        return unit.name


class ProjectForm(forms.Form):
    organization = OrgField(label=_("Community"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Title"), max_length=100)
    area = forms.ChoiceField(label=_("Area"), choices=ProjectArea.choices, widget=forms.RadioSelect)
    units = UnitChoices(label=_("Units involved"), queryset=PartnerUnit.objects.none(),
                        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
    starts_on = forms.DateField(label=_("Start"), widget=DATE, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("End"), widget=DATE, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)
    outcomes = forms.CharField(label=_("Outcomes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organizations, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["units"].queryset = units


class AgreementForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=PartnerUnit.objects.none())
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE, initial=timezone.localdate)
    term_start = forms.DateField(label=_("Term start"), widget=DATE)
    term_end = forms.DateField(label=_("Term end"), widget=DATE)
    terms = forms.CharField(label=_("Terms"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class BrandForm(forms.Form):
    name = forms.CharField(label=_("Brand name"), max_length=100)
    slogan = forms.CharField(label=_("Slogan"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcomes = forms.CharField(label=_("Outcomes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class BrandActivityForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    title = forms.CharField(label=_("Title"), max_length=100)
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    project = forms.ModelChoiceField(label=_("Joint project"), required=False, queryset=JointProject.objects.none())

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
