"""Pages of building Party work (楼宇党建), under /coverage/buildings/.

A building belongs to its organization in charge by area (a community or sub-district): those
whose subtree covers it see it; secretaries and organizers there keep it, open its service desk,
record the desk's services and the association's events, and form joint branches of its tenants
by floor and trade.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core.access import get_for, user_scope
from dangjian.core.forms import RevealForm, add_service_errors, submit
from dangjian.organizations.models import Organization

from .. import selectors_buildings as sel
from .. import services_buildings as services
from .. import services_firms
from ..choices import Coverage
from ..forms_buildings import (
    BuildingForm,
    DeskCloseForm,
    DeskForm,
    DeskServiceForm,
    EventForm,
    JointBranchForm,
    JointJoinForm,
    SettleForm,
    TenantFilterForm,
)
from ..models import Building, DeskService, ServiceDesk
from .common import area_organizations, base_context, can_do, require_subtree

BUILDING_FIELDS = ("area_organization", "name", "address", "floors_above", "floors_below", "property_company",
                   "property_contact", "association_name")
NAV = "buildings"


def _base(request, org):
    return base_context(request, org, nav=NAV)


def _areas(request, action="add"):
    """Organizations that may look after a building: active organizations above branches in the
    user's ``action`` scope; 403 without any."""
    orgs = area_organizations(request.user, action)
    if not orgs.exists():
        raise PermissionDenied
    return orgs


def _building(request, pk, action="view"):
    return get_for(request.user, Building.objects.select_related("area_organization").defer("property_phone"),
                   action, pk=pk)


def _desk(request, pk, action="view"):
    return get_for(request.user, ServiceDesk.objects.select_related("building__area_organization")
                   .defer("building__property_phone"), action, pk=pk)


def _back(building):
    return reverse("coverage:building", args=[building.pk])


@login_required
@require_GET
def buildings(request):
    """Office buildings in the user's subtrees with the coverage of their tenants."""
    require_subtree(request.user)
    q = request.GET.get("q", "").strip()
    rows = sel.buildings_for(request.user)
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(address__contains=q) | Q(property_company__contains=q))
    page = Paginator(rows.order_by("name", "id"), 30).get_page(request.GET.get("page"))
    page.object_list = sel.attach_summary(page.object_list)
    add_scope = user_scope(request.user, "add")
    return render(request, "coverage/buildings/list.html", {
        "nav": NAV, "page_obj": page, "q": q, "can_add": bool(add_scope.everything or add_scope.paths)})


@login_required
@require_http_methods(["GET", "POST"])
def building_new(request):
    orgs = _areas(request)
    form = BuildingForm(request.POST or None, organizations=orgs, initial={"area_organization": request.GET.get("org")})
    done = submit(request, form, lambda data: services.building_create(actor=request.user, **data),
                  message=lambda b: _("%(name)s is registered.") % {"name": b.name}, next_url=_back)
    if done:
        return done
    return render(request, "coverage/buildings/form.html", {
        "nav": NAV, "form": form, "title": _("Register an office building"),
        "back": reverse("coverage:buildings")})


@login_required
@require_http_methods(["GET", "POST"])
def building_edit(request, pk):
    building = _building(request, pk, "change")
    form = BuildingForm(request.POST or None, organizations=_areas(request, "change"), editing=True,
                        initial={f: getattr(building, f) for f in BUILDING_FIELDS})
    done = submit(request, form, lambda data: services.building_update(actor=request.user, building=building, **data),
                  message=_("The building is saved."), next_url=_back(building))
    if done:
        return done
    return render(request, "coverage/buildings/form.html", {
        **_base(request, building.area_organization), "form": form, "building": building,
        "title": _("Edit %(name)s") % {"name": building.name}, "back": _back(building)})


@login_required
@require_GET
def building_detail(request, pk):
    """The building: floors top-down with tenants by coverage, organizations, desks, events, summary."""
    building = _building(request, pk)
    org = building.area_organization
    summary = sel.building_summary([building])[building.pk]
    floors = sel.building_floors(building)
    desks = building.desks.annotate(service_count=Count("services"),
                                    open_count=Count("services", filter=Q(services__resolved=False)))
    events = building.association_events.prefetch_related("firms__unit")[:5]
    return render(request, "coverage/buildings/detail.html", {
        **_base(request, org), "building": building, "summary": summary, "floors": floors,
        "occupied": [f for f in floors if f["firms"]], "organizations": sel.building_organizations(building),
        "desks": desks, "events": events, "coverages": Coverage.choices, "reveal_form": RevealForm(),
        "can_reveal": can_do(request.user, "reveal", org), "can_add": can_do(request.user, "add", org),
        "can_change": can_do(request.user, "change", org)})


@login_required
@require_POST
def building_reveal(request, pk):
    """The property phone in full after a stated purpose (logged); htmx swaps it in place."""
    building = _building(request, pk, "reveal")
    form, value = RevealForm(request.POST), None
    if form.is_valid():
        try:
            value = services.building_phone_reveal(actor=request.user, building=building,
                                                   purpose=form.cleaned_data["purpose"])
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = {"building": building, "reveal_form": form, "value": value, "can_reveal": True}
    if request.htmx:
        return render(request, "coverage/buildings/_reveal.html", context)
    return render(request, "coverage/buildings/reveal.html", {**_base(request, building.area_organization), **context})


def _parents(request, building):
    """Where a joint branch of the building may be set up: the organization in charge and those above
    it, in the user's add scope, not branches."""
    paths = building.area_organization.lineage_paths
    return area_organizations(request.user, "add").filter(path__in=paths).order_by("-depth")


@login_required
@require_http_methods(["GET", "POST"])
def building_joint_form(request, pk):
    """Form a joint branch by floor and trade from tenants not yet covered by an organization."""
    building = _building(request, pk, "add")
    filters = TenantFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    shown = sel.uncovered_tenants(building, floor_from=chosen.get("floor_from"), floor_to=chosen.get("floor_to"),
                                  industry=chosen.get("industry", ""))
    parents = _parents(request, building)
    form = JointBranchForm(request.POST or None, candidates=sel.uncovered_tenants(building), parents=parents,
                           initial={"parent": parents.first()})
    if request.method != "POST":
        form.fields["firms"].queryset = shown
    done = submit(request, form, lambda data: services_firms.joint_branch_form(
        actor=request.user, parent=data["parent"], name=data["name"], code=data["code"], firms=list(data["firms"])),
        message=lambda o: _("%(name)s is formed.") % {"name": o.name}, next_url=_back(building))
    if done:
        return done
    return render(request, "coverage/buildings/joint_form.html", {
        **_base(request, building.area_organization), "building": building, "filters": filters, "form": form,
        "shown": shown, "title": _("Form a joint branch in %(name)s") % {"name": building.name}})


@login_required
@require_http_methods(["GET", "POST"])
def building_joint_join(request, pk):
    """Add a tenant to a joint branch that already covers firms of the building."""
    building = _building(request, pk, "add")
    joint_ids = [r["organization"].pk for r in sel.building_organizations(building) if r["kind"] == Coverage.JOINT]
    organizations = Organization.objects.restrict(request.user, "change").filter(pk__in=joint_ids).order_by("name")
    candidates = sel.uncovered_tenants(building)
    form = JointJoinForm(request.POST or None, organizations=organizations, candidates=candidates)
    done = submit(request, form, lambda data: services_firms.joint_unit_join(actor=request.user, **data),
                  message=lambda link: _("%(firm)s joined %(org)s.") % {
                      "firm": link.unit.name, "org": link.organization.name}, next_url=_back(building))
    if done:
        return done
    return render(request, "coverage/buildings/joint_join.html", {
        **_base(request, building.area_organization), "building": building, "form": form,
        "has_joint": bool(joint_ids), "title": _("Add a tenant to a joint branch")})


@login_required
@require_http_methods(["GET", "POST"])
def desk_new(request, pk):
    building = _building(request, pk, "add")
    form = DeskForm(request.POST or None, initial={"name": f"{building.name}党建服务咨询站"})
    done = submit(request, form, lambda data: services.desk_open(actor=request.user, building=building, **data),
                  message=lambda d: _("%(name)s is opened.") % {"name": d.name},
                  next_url=lambda d: reverse("coverage:desk", args=[d.pk]))
    if done:
        return done
    return render(request, "coverage/buildings/form.html", {
        **_base(request, building.area_organization), "form": form, "building": building,
        "title": _("Open a service desk in %(name)s") % {"name": building.name}, "back": _back(building)})


def _desk_page(request, desk, *, service_form=None, status=200):
    org = desk.building.area_organization
    tenants = sel.tenants(desk.building).select_related("unit").order_by("-floor", "unit__name")
    records = desk.services.select_related("firm__unit").order_by("-served_on", "-id")
    page = Paginator(records, 30).get_page(request.GET.get("page"))
    return render(request, "coverage/buildings/desk.html", {
        **_base(request, org), "desk": desk, "building": desk.building, "page_obj": page,
        "counts": sel.desk_counts(desk), "service_form": service_form or DeskServiceForm(tenants=tenants),
        "close_form": DeskCloseForm(), "settle_form": SettleForm(),
        "can_add": can_do(request.user, "add", org), "can_change": can_do(request.user, "change", org)},
        status=status)


@login_required
@require_GET
def desk_detail(request, pk):
    """A service desk with its service records, counts by kind and settled, and the record form."""
    return _desk_page(request, _desk(request, pk))


@login_required
@require_POST
def desk_service_add(request, pk):
    desk = _desk(request, pk, "add")
    tenants = sel.tenants(desk.building).select_related("unit")
    form = DeskServiceForm(request.POST, tenants=tenants)
    done = submit(request, form, lambda data: services.desk_service_record(actor=request.user, desk=desk, **data),
                  message=_("The service is recorded."), next_url=reverse("coverage:desk", args=[desk.pk]))
    return done or _desk_page(request, desk, service_form=form)


@login_required
@require_POST
def desk_close(request, pk):
    desk = _desk(request, pk, "change")
    form = DeskCloseForm(request.POST)
    if form.is_valid():
        try:
            services.desk_close(actor=request.user, desk=desk, **form.cleaned_data)
            messages.success(request, _("The desk is closed."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Give the date the desk closed."))
    return redirect("coverage:desk", desk.pk)


@login_required
@require_POST
def desk_service_settle(request, pk):
    service = get_for(request.user, DeskService.objects.select_related("desk__building__area_organization")
                      .defer("desk__building__property_phone"), "change", pk=pk)
    form = SettleForm(request.POST)
    form.is_valid()
    try:
        services.desk_service_settle(actor=request.user, service=service, note=form.cleaned_data.get("note", ""))
        messages.success(request, _("The service is settled."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("coverage:desk", service.desk_id)


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request, pk):
    building = _building(request, pk, "add")
    tenants = sel.tenants(building).select_related("unit").order_by("-floor", "unit__name")
    form = EventForm(request.POST or None, tenants=tenants)
    done = submit(request, form, lambda data: services.association_event_record(
        actor=request.user, building=building, **{**data, "firms": list(data["firms"])}),
        message=_("The event is recorded."), next_url=reverse("coverage:events", args=[building.pk]))
    if done:
        return done
    return render(request, "coverage/buildings/form.html", {
        **_base(request, building.area_organization), "form": form, "building": building,
        "title": _("Record an event of %(name)s") % {"name": building.association_name or building.name},
        "back": reverse("coverage:events", args=[building.pk])})


@login_required
@require_GET
def events(request, pk):
    """The events of the building's firms' association, newest first."""
    building = _building(request, pk)
    rows = building.association_events.prefetch_related("firms__unit").order_by("-held_on", "-id")
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(request, "coverage/buildings/events.html", {
        **_base(request, building.area_organization), "building": building, "page_obj": page,
        "can_add": can_do(request.user, "add", building.area_organization)})
