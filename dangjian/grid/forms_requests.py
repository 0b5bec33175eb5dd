"""Forms of the request pages: filing (staff and resident), the steps of the action panel,
revealing the contact, rating."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.organizations.models import Organization

from .choices import FINISHED, Channel, RequestAction, Satisfaction, TeamLevel, Urgency
from .models import Building, Grid, Household, RequestCategory, ServiceRequest, ServiceTeam
from .workflow import TRANSITIONS

A = RequestAction
PHOTO_WIDGET = forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"})


def teams_for(request: ServiceRequest, level: str):
    """Teams of ``level`` that serve the request's community."""
    return (ServiceTeam.objects.filter(level=level, active=True, organization__path__in=request.organization.lineage_paths)
            .select_related("organization").order_by("-organization__depth", "name"))


def active_categories():
    return RequestCategory.objects.filter(active=True).order_by("order", "code")


class StepForm(forms.Form):
    """One step of the action panel; only the fields the step asks for are kept."""

    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    team = forms.ModelChoiceField(label=_("Team"), queryset=ServiceTeam.objects.none(), required=False,
                                  empty_label=_("The responsible team"))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=[("", _("Keep"))] + Urgency.choices, required=False)
    category = forms.ModelChoiceField(label=_("Request category"), queryset=RequestCategory.objects.none(), required=False,
                                      empty_label=_("Keep"))
    days = forms.IntegerField(label=_("Working days added"), min_value=1, max_value=60, required=False)
    until = forms.DateField(label=_("Review on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=Satisfaction.choices, required=False,
                                     widget=forms.RadioSelect)
    into = forms.ModelChoiceField(label=_("Merge into request"), queryset=ServiceRequest.objects.none(),
                                  required=False)
    photo = forms.FileField(label=_("Photo of the result"), required=False, widget=PHOTO_WIDGET)
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action: str, request_obj: ServiceRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        step = TRANSITIONS[action]
        keep = {"note", "expected_status", *step.params}
        if action == A.ESCALATE:
            keep.add("team")
        if action == A.HANDLE:
            keep.add("photo")  # 处置后拍照留存: the evidence of what was done
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["note"].required = step.reason_required
        if step.reason_required:
            self.fields["note"].label = _("Reason")
        self.fields["expected_status"].initial = request_obj.status
        if "team" in self.fields:
            level = TeamLevel.SUBDISTRICT if action == A.ESCALATE else request_obj.level
            self.fields["team"].queryset = teams_for(request_obj, level)
        if "category" in self.fields:
            self.fields["category"].queryset = active_categories()
        if "satisfaction" in self.fields:
            self.fields["satisfaction"].required = True
        if "days" in self.fields:
            self.fields["days"].required = True
        if "into" in self.fields:
            self.fields["into"].required = True
            self.fields["into"].queryset = (ServiceRequest.objects.filter(organization=request_obj.organization)
                                            .exclude(status__in=FINISHED).exclude(pk=request_obj.pk)
                                            .select_related("category").order_by("-reported_at")[:200])
            self.fields["into"].queryset = ServiceRequest.objects.filter(
                pk__in=[r.pk for r in self.fields["into"].queryset]).select_related("category")
            self.fields["into"].label_from_instance = lambda r: f"#{r.pk} {r.category} · {r.description[:30]}"

    def params(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("note", "expected_status", "photo")}
        return {k: v for k, v in data.items() if v not in (None, "")}


class TakeInForm(forms.Form):
    """Accept, register and dispatch at once (dispatchers, on a reported request)."""

    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    category = forms.ModelChoiceField(label=_("Request category"), queryset=RequestCategory.objects.none())
    team = forms.ModelChoiceField(label=_("Team"), queryset=ServiceTeam.objects.none(), required=False,
                                  empty_label=_("The responsible team"))
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, request_obj: ServiceRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["urgency"].initial = request_obj.urgency
        self.fields["category"].queryset = active_categories()
        self.fields["category"].initial = request_obj.category_id
        self.fields["team"].queryset = teams_for(request_obj, request_obj.level)
        self.fields["expected_status"].initial = request_obj.status


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("How satisfied are you?"), choices=Satisfaction.choices,
                                     widget=forms.RadioSelect)
    note = forms.CharField(label=_("Comment"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))


class StaffRequestForm(forms.Form):
    """A grid worker (or a dispatcher taking a call or a visitor) files a resident's request."""

    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none())
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    household = forms.ModelChoiceField(label=_("Household"), queryset=Household.objects.none(), required=False,
                                       empty_label=_("Not one household"))
    category = forms.ModelChoiceField(label=_("Request category"), queryset=RequestCategory.objects.none(),
                                      widget=forms.RadioSelect, empty_label=None)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=[("", _("As usual for the category"))] + Urgency.choices,
                                required=False)
    description = forms.CharField(label=_("What is the problem?"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label=_("Photo"), required=False, widget=PHOTO_WIDGET)
    contact_name = forms.CharField(label=_("How to address the resident"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Resident's phone"), max_length=20, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    channel = forms.ChoiceField(label=_("Came in by"), choices=[(Channel.WALK_IN, Channel.WALK_IN.label),
                                                                (Channel.HOTLINE, Channel.HOTLINE.label)],
                                required=False)

    def __init__(self, *args, user, grid=None, grid_staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        grids = Grid.objects.restrict(user, "add").filter(active=True).select_related("organization")
        self.fields["grid"].queryset = grids
        self.fields["category"].queryset = active_categories()
        chosen = grid
        if self.is_bound and str(self.data.get("grid", "")).isdigit():
            chosen = grids.filter(pk=self.data["grid"]).first() or chosen
        if chosen is not None:
            self.fields["grid"].initial = chosen.pk
            self.fields["building"].queryset = Building.objects.filter(grid=chosen).order_by("name")
            self.fields["household"].queryset = Household.objects.filter(building__grid=chosen, active=True) \
                .select_related("building").defer("contact_phone").order_by("building__name", "room")
        if grid_staff:
            del self.fields["channel"]

    def clean(self):
        data = super().clean()
        grid, building, household = data.get("grid"), data.get("building"), data.get("household")
        if grid and building and building.grid_id != grid.pk:
            self.add_error("building", _("This building is not in the chosen grid."))
        if building and household and household.building_id != building.pk:
            self.add_error("household", _("This household does not live in the chosen building."))
        return data


class ResidentRequestForm(forms.Form):
    """A resident files their own request."""

    community = forms.ModelChoiceField(label=_("Community"), queryset=Organization.objects.none(),
                                       widget=forms.Select(attrs={"hx-get": "", "hx-target": "#building-field",
                                                                  "hx-select": "#building-field",
                                                                  "hx-swap": "outerHTML", "hx-trigger": "change"}))
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    category = forms.ModelChoiceField(label=_("Request category"), queryset=RequestCategory.objects.none(),
                                      widget=forms.RadioSelect, empty_label=None)
    description = forms.CharField(label=_("What is the problem?"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    photo = forms.FileField(label=_("Photo"), required=False, widget=PHOTO_WIDGET)
    contact_phone = forms.CharField(label=_("Your phone (optional)"), max_length=20, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        communities = Organization.objects.filter(pk__in=Grid.objects.filter(active=True).values("organization"))
        self.fields["community"].queryset = communities.order_by("path")
        self.fields["category"].queryset = active_categories()
        chosen = community
        if self.is_bound and str(self.data.get("community", "")).isdigit():
            chosen = communities.filter(pk=self.data["community"]).first()
        if chosen is not None:
            self.fields["community"].initial = chosen.pk
            self.fields["building"].queryset = Building.objects.filter(
                grid__organization=chosen, grid__active=True).order_by("name")
