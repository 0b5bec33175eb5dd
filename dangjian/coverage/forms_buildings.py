"""Forms of building Party work: one form per event; the services decide."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import DATE_INPUT, OrganizationChoiceField
from dangjian.organizations.models import Organization

from .choices import DeskServiceKind, Industry
from .models import Firm
from .selectors_buildings import floor_label

CHECKS = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


class TenantChoice(forms.ModelChoiceField):
    def label_from_instance(self, firm):
        return f"{floor_label(firm.floor)} {firm.unit.name}"


class TenantChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, firm):
        return f"{floor_label(firm.floor)} {firm.unit.name}"


class BuildingForm(forms.Form):
    area_organization = OrganizationChoiceField(label=_("Organization in charge by area"), queryset=Organization.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200)
    floors_above = forms.IntegerField(label=_("Floors above ground"), min_value=1, max_value=200, initial=1)
    floors_below = forms.IntegerField(label=_("Floors below ground"), min_value=0, max_value=20, initial=0)
    property_company = forms.CharField(label=_("Property company"), max_length=100, required=False)
    property_contact = forms.CharField(label=_("Property contact person"), max_length=50, required=False)
    property_phone = forms.CharField(label=_("Property contact phone"), max_length=20, required=False,
                                     help_text=_("Stored encrypted; pages show it masked."))
    association_name = forms.CharField(label=_("Firms' association"), max_length=100, required=False,
                                       help_text=_("For example 滨江商务大厦楼宇企业联谊会."))

    def __init__(self, *args, organizations, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_organization"].queryset = organizations
        if editing:
            self.fields["property_phone"].help_text = _("Leave blank to keep the number on record.")


class DeskForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For example 党建服务咨询站."))
    location = forms.CharField(label=_("Location"), max_length=100, required=False, help_text=_("Floor and room."))
    hosts = forms.CharField(label=_("Staffed by"), max_length=200, required=False)
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=100, required=False)
    opened_on = forms.DateField(label=_("Opened on"), widget=DATE_INPUT, initial=timezone.localdate)


class DeskCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE_INPUT, initial=timezone.localdate)
    note = forms.CharField(label=_("Why"), max_length=200, required=False)


class DeskServiceForm(forms.Form):
    served_on = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=timezone.localdate)
    kind = forms.ChoiceField(label=_("Kind"), choices=DeskServiceKind.choices)
    firm = TenantChoice(label=_("Firm served"), queryset=Firm.objects.none(), required=False,
                        help_text=_("A tenant of the building; leave empty for a visitor from elsewhere."))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    resolved = forms.BooleanField(label=_("Settled"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("No visitor's personal data."))

    def __init__(self, *args, tenants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = tenants


class SettleForm(forms.Form):
    note = forms.CharField(label=_("How it was settled"), max_length=200, required=False)


class EventForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE_INPUT, initial=timezone.localdate)
    title = forms.CharField(label=_("Title"), max_length=200)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    firms = TenantChoices(label=_("Firms taking part"), queryset=Firm.objects.none(), required=False, widget=CHECKS)
    attendance = forms.IntegerField(label=_("People attending"), min_value=0, initial=0)
    outcomes = forms.CharField(label=_("Outcomes"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Problems solved for firms, suggestions, agreements."))

    def __init__(self, *args, tenants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firms"].queryset = tenants


class TenantFilterForm(forms.Form):
    """Which tenants to offer for a joint branch: a range of floors and one trade."""

    floor_from = forms.IntegerField(label=_("From floor"), required=False)
    floor_to = forms.IntegerField(label=_("To floor"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False,
                                 choices=[("", _("All industries")), *Industry.choices])

    def clean(self):
        data = super().clean()
        low, high = data.get("floor_from"), data.get("floor_to")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("The lower floor must not be above the upper one."))
        return data


class JointBranchForm(forms.Form):
    """Form a joint branch (联合党支部) for tenants by floor and trade."""

    firms = TenantChoices(label=_("Tenants to cover"), queryset=Firm.objects.none(), widget=CHECKS,
                          help_text=_("Tenants without a Party organization of their own or a joint one."))
    name = forms.CharField(label=_("Name of the joint branch"), max_length=100)
    code = forms.CharField(label=_("Organization code"), max_length=20)
    parent = OrganizationChoiceField(label=_("Superior organization"), queryset=Organization.objects.none())

    def __init__(self, *args, candidates, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firms"].queryset = candidates
        self.fields["parent"].queryset = parents


class JointJoinForm(forms.Form):
    """Bring one more tenant into a joint branch already covering firms of the building."""

    organization = OrganizationChoiceField(label=_("Joint branch"), queryset=Organization.objects.none())
    firm = TenantChoice(label=_("Tenant"), queryset=Firm.objects.none())

    def __init__(self, *args, organizations, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["firm"].queryset = candidates
