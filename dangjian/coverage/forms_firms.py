"""Forms of the firm register: they parse; the services in ``services_firms``, ``services_surveys``
and ``services_staff`` validate and write."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import DATE_INPUT, OrganizationChoiceField
from dangjian.organizations.choices import OrgType

from .choices import FirmKind, FirmSize, FirmStatus, Industry


class FirmForm(forms.Form):
    """Register a firm or social organization, or correct its register entry."""

    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=FirmKind.choices)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=25,
                                  help_text=_("18 characters, as on the business licence."))
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "—"), *Industry.choices], required=False)
    size = forms.ChoiceField(label=_("Size"), choices=[("", "—"), *FirmSize.choices], required=False)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50, required=False)
    established_on = forms.DateField(label=_("Established on"), required=False, widget=DATE_INPUT)
    employees = forms.IntegerField(label=_("Employees"), min_value=0, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    area_organization = OrganizationChoiceField(label=_("Organization in charge by area"), queryset=None,
                                       help_text=_("The community or sub-district organization that looks after it."))
    sector_organization = OrganizationChoiceField(label=_("Organization in charge by sector"), queryset=None, required=False,
                                         help_text=_("For dual management by the department of its trade."))
    building = forms.ModelChoiceField(label=_("Office building"), queryset=None, required=False)
    floor = forms.IntegerField(label=_("Floor"), required=False, help_text=_("Basement floors as -1, -2."))
    room = forms.CharField(label=_("Room"), max_length=20, required=False)
    is_key = forms.BooleanField(label=_("Key firm"), required=False,
                                help_text=_("A key firm (重点企业) is contacted by a leader."))

    def __init__(self, *args, areas, sectors, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_organization"].queryset = areas
        self.fields["sector_organization"].queryset = sectors
        self.fields["building"].queryset = buildings

    def clean(self):
        data = super().clean()
        if data.get("floor") is not None and not data.get("building"):
            self.add_error("floor", _("Choose the building of this floor."))
        for key in ("industry", "size", "legal_representative", "address", "room"):
            if key in data and data[key] is None:
                data[key] = ""
        return data


class FirmEditForm(FirmForm):
    status = forms.ChoiceField(label=_("Operating status"), choices=FirmStatus.choices)
    closed_on = forms.DateField(label=_("Closed or moved out on"), required=False, widget=DATE_INPUT)


class SurveyForm(forms.Form):
    """One door-to-door survey visit (走访摸底)."""

    surveyed_on = forms.DateField(label=_("Surveyed on"), widget=DATE_INPUT)
    surveyor = forms.CharField(label=_("Surveyed by"), max_length=50)
    status_found = forms.ChoiceField(label=_("Status found"), choices=FirmStatus.choices,
                                     help_text=_("A firm found closed or moved out leaves the register's counts from "
                                                 "the survey day."))
    employees = forms.IntegerField(label=_("Employees"), min_value=0, required=False)
    members_reported = forms.IntegerField(
        label=_("Party members reported"), min_value=0, required=False,
        help_text=_("Members the firm says work there, wherever their relation is kept."))
    has_union = forms.BooleanField(label=_("Has a trade union"), required=False)
    has_youth_league = forms.BooleanField(label=_("Has a Youth League organization"), required=False)
    wants_organization = forms.BooleanField(label=_("Willing to form a Party organization"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("surveyed_on", timezone.localdate())
        super().__init__(*args, **kwargs)


BRANCH_ORG_TYPES = [(t.value, t.label) for t in (OrgType.BRANCH, OrgType.GENERAL_BRANCH, OrgType.COMMITTEE)]


class BranchForm(forms.Form):
    """Set up the firm's own Party organization (单独组建)."""

    parent = OrganizationChoiceField(label=_("Parent organization"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.CharField(label=_("Organization code"), max_length=32,
                           help_text=_("A code no other organization uses."))
    org_type = forms.ChoiceField(label=_("Organization type"), choices=BRANCH_ORG_TYPES)
    on = forms.DateField(label=_("Set up on"), widget=DATE_INPUT)

    def __init__(self, *args, parents, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("Record the organization once it is set up."))
        return on
