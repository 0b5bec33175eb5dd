"""Forms of the grid pages: they parse, the services in ``services_grids`` check and write."""
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.accounts.models import User
from dangjian.core.access import Role

from .choices import BuildingKind, HouseholdTag, VisitKind
from .models import Building, Grid, Household

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COORD = {"max_digits": 9, "decimal_places": 6, "required": False}


class GridForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Community"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.CharField(label=_("Code"), max_length=32, help_text=_("Unique, for example JB0104."))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    lat = forms.DecimalField(label=_("Latitude"), **COORD)
    long = forms.DecimalField(label=_("Longitude"), **COORD)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, organizations=None, grid: Grid | None = None, **kwargs):
        if grid is not None:
            kwargs.setdefault("initial", {f: getattr(grid, f) for f in
                                          ("name", "code", "description", "lat", "long", "active")})
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].label_from_instance = lambda org: org.display_name
        if grid is None:
            del self.fields["active"]


class BuildingForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For example 锦江花园3号楼."))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=BuildingKind.choices, initial=BuildingKind.RESIDENTIAL)
    floors = forms.IntegerField(label=_("Floors"), required=False, min_value=1, max_value=200)
    lat = forms.DecimalField(label=_("Latitude"), **COORD)
    long = forms.DecimalField(label=_("Longitude"), **COORD)

    def __init__(self, *args, building: Building | None = None, **kwargs):
        if building is not None:
            kwargs.setdefault("initial", {f: getattr(building, f) for f in
                                          ("name", "address", "kind", "floors", "lat", "long")})
        super().__init__(*args, **kwargs)


class StaffForm(forms.Form):
    user = forms.CharField(label=_("User"), max_length=150,
                           help_text=_("The account's username or full name."))
    role = forms.ChoiceField(label=_("Role"), choices=[(Role.GRID_WORKER, Role.GRID_WORKER.label),
                                                         (Role.GRID_LEADER, Role.GRID_LEADER.label)])

    def clean_user(self):
        text = self.cleaned_data["user"].strip()
        users = list(User.objects.filter(Q(username=text) | Q(full_name=text), is_active=True)[:3])
        exact = [u for u in users if u.username == text]
        if exact:
            return exact[0]
        if not users:
            raise forms.ValidationError(_("No account has this username or name."))
        if len(users) > 1:
            raise forms.ValidationError(_("Several accounts have this name: enter the username."))
        return users[0]


class HouseholdForm(forms.Form):
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    room = forms.CharField(label=_("Unit and room"), max_length=50, help_text=_("For example 2-301."))
    size = forms.IntegerField(label=_("People"), min_value=1, max_value=30, initial=1)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    clear_phone = forms.BooleanField(label=_("Remove the phone number"), required=False)
    tags = forms.MultipleChoiceField(label=_("Tags"), choices=HouseholdTag.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple,
                                     help_text=_("Only where a service needs it. Every reading of a tagged "
                                                 "household is logged."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    active = forms.BooleanField(label=_("Living here"), required=False, initial=True)

    def __init__(self, *args, grid: Grid, household: Household | None = None, **kwargs):
        if household is not None:
            kwargs.setdefault("initial", {"building": household.building_id, "room": household.room,
                                          "size": household.size, "contact_name": household.contact_name,
                                          "tags": household.tag_list, "note": household.note,
                                          "active": household.active})
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = grid.buildings.order_by("name")
        if household is None:
            del self.fields["clear_phone"]
            del self.fields["active"]
        else:
            # The stored number is never put into the form: blank keeps it.
            del self.fields["building"]
            self.fields["contact_phone"].help_text = _("Now %(masked)s. Leave blank to keep it.") % {
                "masked": household.phone_masked or "—"}


class VisitForm(forms.Form):
    """A visit on a phone in under a minute: building → household (or patrol), kind, date, note."""

    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none(), required=False,
                                      empty_label=_("— the whole grid —"))
    household = forms.ModelChoiceField(label=_("Household"), queryset=Household.objects.none(), required=False,
                                       empty_label=_("— the whole building (patrol) —"))
    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices, initial=VisitKind.DOOR,
                             widget=forms.RadioSelect(attrs={"class": "btn-check"}))
    visited_on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DATE)
    note = forms.CharField(label=_("What was found"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, grid: Grid, building: Building | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = grid.buildings.order_by("name")
        chosen = building
        if self.is_bound and self.data.get("building"):
            chosen = grid.buildings.filter(pk=self.data["building"]).first() if str(
                self.data["building"]).isdigit() else None
        if chosen is not None:
            self.fields["household"].queryset = (Household.objects.filter(building=chosen, active=True)
                                                 .defer("contact_phone").order_by("room"))
        self.fields["household"].label_from_instance = lambda h: f"{h.room} {h.contact_name}".strip()
        self.household_building = chosen
