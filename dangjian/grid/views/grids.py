"""Pages of grids: the grids of a community, one grid with its buildings, staff, visits and
coverage, households (phones masked, tagged reads logged), the visit form and "my grid"."""
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.accounts.models import RoleAssignment
from dangjian.core.access import GRID_ROLES, can, get_for
from dangjian.core.dates import parse_month
from dangjian.core.forms import RevealForm, add_service_errors, submit
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import visible_ancestors

from .. import importing
from .. import selectors_grids as selectors
from .. import services_grids as services
from ..choices import HouseholdTag
from ..forms_grids import BuildingForm, GridForm, HouseholdForm, StaffForm, VisitForm
from ..models import Building, Grid, GridVisit, Household, grid_scope

NAV = "grid"


def grid_url(grid):
    return reverse("grid:grid", args=[grid.pk])


def _grid(request, pk, action="view"):
    return get_for(request.user, Grid.objects.select_related("organization"), action, pk=pk)


def _managed_grid(request, pk, action="change"):
    """A grid the user manages through their organization role (grid staff: 403)."""
    grid = _grid(request, pk)
    if not selectors.manages(request.user, grid, action):
        raise PermissionDenied
    return grid


def _household(request, pk, action="view"):
    queryset = Household.objects.select_related("building", "building__grid", "building__grid__organization") \
        .defer("contact_phone")
    return get_for(request.user, queryset, action, pk=pk)


def _base(request, grid=None, org=None):
    org = org or (grid.organization if grid else None)
    ancestors = visible_ancestors(org, request.user) + [org] if org else []
    return {"nav": NAV, "grid": grid, "org": org, "ancestors": ancestors}


def _month(request, today):
    return parse_month(request.GET.get("month")) or today.replace(day=1)


@login_required
@require_GET
def grid_list(request):
    """Grids in the user's scope (a community's grids for its secretary), with this month's figures."""
    scope = grid_scope(request.user, "view")
    if not (scope.everything or scope.paths or scope.grid_ids):
        raise PermissionDenied
    today = timezone.localdate()
    month = _month(request, today)
    grids = Grid.objects.restrict(request.user, "view").select_related("organization")
    org = None
    if request.GET.get("org"):
        org = get_for(request.user, Organization.objects, "view", pk=request.GET["org"])
        grids = grids.filter(organization__path__startswith=org.path)
    q = request.GET.get("q", "").strip()
    if q:
        grids = grids.filter(Q(name__contains=q) | Q(code__icontains=q))
    show = request.GET.get("show", "active")
    if show != "all":
        grids = grids.filter(active=True)
    page = Paginator(grids.order_by("organization__path", "code"), 50).get_page(request.GET.get("page"))
    summaries = selectors.grid_summaries(page.object_list, month)
    totals = {"households": sum(s.households for s in summaries), "visited": sum(s.visited for s in summaries),
              "visits": sum(s.visits for s in summaries)}
    totals["coverage"] = selectors.coverage_percent(totals["visited"], totals["households"])
    return render(request, "grid/grids/list.html", {
        **_base(request, org=org), "page_obj": page, "summaries": summaries, "month": month, "q": q, "show": show,
        "totals": totals, "can_add": selectors.grid_org_choices(request.user).exists(),
    })


@login_required
def grid_create(request):
    organizations = selectors.grid_org_choices(request.user)
    if not organizations.exists():
        raise PermissionDenied
    initial = {}
    if request.GET.get("org"):
        initial["organization"] = organizations.filter(pk=request.GET["org"]).first() if \
            request.GET["org"].isdigit() else None
    if organizations.count() == 1:
        initial["organization"] = organizations.first()
    form = GridForm(request.POST or None, organizations=organizations, initial=initial)
    done = submit(request, form, lambda data: services.grid_create(
        actor=request.user, organization=data.pop("organization"), data=data),
        message=lambda grid: _("Grid %(name)s set up. Add its buildings next.") % {"name": grid.name},
        next_url=grid_url)
    return done or render(request, "grid/grids/form.html", {
        **_base(request, org=initial.get("organization")), "form": form, "title": _("Set up a grid"),
        "submit": _("Set up"), "back": reverse("grid:grids"),
    })


@login_required
def grid_edit(request, pk):
    grid = _managed_grid(request, pk)
    form = GridForm(request.POST or None, grid=grid)
    done = submit(request, form, lambda data: services.grid_update(actor=request.user, grid=grid, data=data),
                  message=_("Saved."), next_url=grid_url(grid))
    return done or render(request, "grid/grids/form.html", {
        **_base(request, grid), "form": form, "title": _("Edit %(name)s") % {"name": grid.name},
        "submit": _("Save"), "back": grid_url(grid),
    })


@login_required
@require_GET
def grid_detail(request, pk):
    """One grid: coverage this month, buildings with household counts, staff, recent visits and the
    households that have not been visited for a while."""
    grid = _grid(request, pk)
    today = timezone.localdate()
    start, end = selectors.month_bounds(today)
    visited, households = selectors.patrol_coverage(grid_ids=[grid.pk], start=start, end=end)[grid.pk]
    due = selectors.households_needing_visit(grid, today)
    return render(request, "grid/grids/detail.html", {
        **_base(request, grid), "today": today,
        "coverage": {"visited": visited, "households": households,
                     "percent": selectors.coverage_percent(visited, households)},
        "buildings": selectors.buildings_with_counts(grid),
        "staff": selectors.staff_of([grid.pk]).get(grid.pk, []),
        "visits": GridVisit.objects.filter(grid=grid).select_related("building", "household")
        .defer("household__contact_phone")[:10],
        "visits_month": GridVisit.objects.filter(grid=grid, visited_on__gte=start, visited_on__lte=end).count(),
        "due": due[:20], "due_count": due.count(), "due_days": selectors.VISIT_DUE_DAYS,
        "can_manage": selectors.manages(request.user, grid),
        "can_work": can(request.user, "add", grid),
    })


@login_required
def building_add(request, pk):
    grid = _managed_grid(request, pk)
    form = BuildingForm(request.POST or None)
    done = submit(request, form, lambda data: services.building_create(actor=request.user, grid=grid, data=data),
                  message=lambda b: _("Building %(name)s added.") % {"name": b.name}, next_url=grid_url(grid))
    return done or render(request, "grid/grids/form.html", {
        **_base(request, grid), "form": form, "title": _("Add a building to %(name)s") % {"name": grid.name},
        "submit": _("Add"), "back": grid_url(grid),
    })


@login_required
def building_edit(request, pk):
    building = get_for(request.user, Building.objects.select_related("grid", "grid__organization"), "view", pk=pk)
    grid = building.grid
    if not selectors.manages(request.user, grid):
        raise PermissionDenied
    form = BuildingForm(request.POST or None, building=building)
    done = submit(request, form, lambda data: services.building_update(actor=request.user, building=building,
                                                                        data=data),
                  message=_("Saved."), next_url=grid_url(grid))
    return done or render(request, "grid/grids/form.html", {
        **_base(request, grid), "form": form, "title": _("Edit %(name)s") % {"name": building.name},
        "submit": _("Save"), "back": grid_url(grid),
    })


@login_required
@require_http_methods(["GET", "POST"])
def staff(request, pk):
    """Grid leader and workers: assign an existing account, or remove one."""
    grid = _managed_grid(request, pk)
    form = StaffForm(request.POST if request.POST.get("do") == "assign" else None)
    if request.method == "POST" and request.POST.get("do") == "remove":
        chosen = request.POST.get("assignment", "")
        assignment = RoleAssignment.objects.filter(grid=grid, role__in=GRID_ROLES,
                                                   pk=int(chosen) if chosen.isdigit() else 0).select_related("user").first()
        if assignment is None:
            raise PermissionDenied
        services.grid_staff_remove(actor=request.user, assignment=assignment)
        messages.success(request, _("%(name)s no longer works in this grid.") % {"name": assignment.user})
        return redirect("grid:staff", pk=grid.pk)
    done = submit(request, form, lambda data: services.grid_staff_assign(actor=request.user, grid=grid, **data),
                  message=lambda a: _("%(name)s now works in this grid.") % {"name": a.user},
                  next_url=reverse("grid:staff", args=[grid.pk]))
    if done:
        return done
    assignments = RoleAssignment.objects.filter(grid=grid, role__in=GRID_ROLES).select_related("user") \
        .order_by("role", "user__username")
    return render(request, "grid/grids/staff.html", {**_base(request, grid), "form": form,
                                                     "assignments": assignments})


@login_required
@require_GET
def households(request, pk):
    """The households of a grid (or one building of it); a list filtered by tag is logged."""
    grid = _grid(request, pk)
    rows = Household.objects.restrict(request.user, "view").filter(building__grid=grid) \
        .select_related("building").defer("contact_phone")
    building = None
    if request.GET.get("building"):
        building = grid.buildings.filter(pk=request.GET["building"]).first() if \
            request.GET["building"].isdigit() else None
        rows = rows.filter(building=building) if building else rows.none()
    tag = request.GET.get("tag", "")
    if tag in HouseholdTag.values:
        rows = rows.filter(tags__contains=f",{tag},")
    else:
        tag = ""
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(Q(room__contains=q) | Q(contact_name__contains=q) | Q(phone_last4=q))
    show = request.GET.get("show", "active")
    if show != "all":
        rows = rows.filter(active=True)
    page = Paginator(rows.order_by("building__name", "room"), 50).get_page(request.GET.get("page"))
    tagged = [h.pk for h in page if h.tags]
    if tag or tagged:
        services.households_listed(actor=request.user, grid=grid, count=page.paginator.count, tagged=tagged,
                                   filters={"grid": grid.pk, "tag": tag, "building": building.pk if building else None,
                                            "q": q, "page": page.number})
    tag_counts = dict(Household.objects.filter(building__grid=grid, active=True).exclude(tags="")
                      .values_list("tags").annotate(n=Count("id")))
    by_tag = [(code, label, sum(n for tags, n in tag_counts.items() if f",{code}," in tags))
              for code, label in HouseholdTag.choices]
    return render(request, "grid/grids/households.html", {
        **_base(request, grid), "page_obj": page, "building": building, "tag": tag, "q": q, "show": show,
        "buildings": grid.buildings.order_by("name"), "by_tag": by_tag,
        "can_add": can(request.user, "add", grid),
    })


@login_required
@require_GET
def household_detail(request, pk):
    """One household; opening a tagged household is logged."""
    household = _household(request, pk)
    services.household_read(actor=request.user, household=household)
    grid = household.building.grid
    return render(request, "grid/grids/household.html", {
        **_base(request, grid), "household": household,
        "visits": household.visits.order_by("-visited_on", "-id")[:20],
        "can_change": can(request.user, "change", household),
        "can_reveal": can(request.user, "reveal", household),
        "reveal_form": RevealForm(),
    })


@login_required
def household_add(request, pk):
    grid = _grid(request, pk, "add")
    initial = {}
    if request.GET.get("building", "").isdigit():
        initial["building"] = grid.buildings.filter(pk=request.GET["building"]).first()
    form = HouseholdForm(request.POST or None, grid=grid, initial=initial)

    def create(data):
        building = data.pop("building")
        return services.household_create(actor=request.user, building=building, data=data)

    done = submit(request, form, create, message=lambda h: _("Household %(room)s added.") % {"room": h.room},
                  next_url=lambda h: f"{reverse('grid:households', args=[grid.pk])}?building={h.building_id}")
    return done or render(request, "grid/grids/form.html", {
        **_base(request, grid), "form": form, "title": _("Add a household"), "submit": _("Add"),
        "back": reverse("grid:households", args=[grid.pk]),
    })


@login_required
def household_edit(request, pk):
    household = _household(request, pk, "change")
    grid = household.building.grid
    form = HouseholdForm(request.POST or None, grid=grid, household=household)
    done = submit(request, form, lambda data: services.household_update(actor=request.user, household=household,
                                                                         data=data),
                  message=_("Saved."), next_url=reverse("grid:household", args=[household.pk]))
    return done or render(request, "grid/grids/form.html", {
        **_base(request, grid), "form": form, "title": _("Edit household %(room)s") % {"room": household},
        "submit": _("Save"), "back": reverse("grid:household", args=[household.pk]),
    })


@login_required
@require_POST
def household_reveal(request, pk):
    """The contact phone in full after a stated purpose (logged); htmx swaps it in place."""
    household = _household(request, pk, "reveal")
    form = RevealForm(request.POST)
    value = None
    if form.is_valid():
        try:
            value = services.household_reveal(actor=request.user, household=household,
                                              purpose=form.cleaned_data["purpose"])
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = {"household": household, "reveal_form": form, "value": value, "can_reveal": True}
    if request.htmx:
        return render(request, "grid/grids/_reveal.html", context)
    return render(request, "grid/grids/reveal.html", {**_base(request, household.building.grid), **context})


@login_required
def visit_add(request, pk):
    """Record a visit or patrol, made for a phone: building → household (or patrol), kind, date, note."""
    grid = _grid(request, pk, "add")
    initial, building = {}, None
    if request.GET.get("household", "").isdigit():
        household = Household.objects.filter(building__grid=grid, pk=request.GET["household"]) \
            .select_related("building").defer("contact_phone").first()
        if household:
            building = household.building
            initial.update(building=building, household=household)
    elif request.GET.get("building", "").isdigit():
        building = grid.buildings.filter(pk=request.GET["building"]).first()
        initial["building"] = building
    form = VisitForm(request.POST or None, grid=grid, building=building, initial=initial)
    if request.htmx and request.method == "GET" and request.GET.get("part") == "households":
        return render(request, "grid/grids/_household_options.html", {"form": form})
    done = submit(request, form, lambda data: services.visit_record(actor=request.user, grid=grid, **data),
                  message=_("Visit recorded."),
                  next_url=lambda v: reverse("grid:mine") if grid.pk in grid_scope(request.user).grid_ids
                  else grid_url(grid))
    return done or render(request, "grid/grids/visit_form.html", {**_base(request, grid), "form": form})


@login_required
@require_GET
def mine(request):
    """Grid staff's landing: their grid(s) with big buttons for the things done outdoors."""
    grids = list(selectors.staffed_grids(request.user))
    today = timezone.localdate()
    start, end = selectors.month_bounds(today)
    coverage = selectors.patrol_coverage(grid_ids=[g.pk for g in grids], start=start, end=end)
    rows = [{"grid": g, "visited": coverage[g.pk][0], "households": coverage[g.pk][1],
             "percent": selectors.coverage_percent(*coverage[g.pk]),
             "due_count": selectors.households_needing_visit(g, today).count()} for g in grids]
    scope = grid_scope(request.user, "view")
    return render(request, "grid/grids/mine.html", {
        "nav": "grid_mine", "rows": rows, "due_days": selectors.VISIT_DUE_DAYS,
        "sees_grids": bool(scope.everything or scope.paths),
    })


@login_required
@require_http_methods(["GET", "POST"])
def households_import(request, pk):
    """Households of a grid from an Excel or CSV file: all rows or, with any error, none (each
    bad row listed). Rooms the grid has are errors unless "update existing" is ticked."""
    grid = _grid(request, pk, "add")
    form = importing.HouseholdImportForm(request.POST, request.FILES) if request.method == "POST" else \
        importing.HouseholdImportForm()
    rejected = None
    if request.method == "POST" and form.is_valid():
        try:
            result = importing.households_import(actor=request.user, grid=grid, upload=form.cleaned_data["file"],
                                                 update=form.cleaned_data["update"])
        except importing.ImportRejected as exc:
            rejected = exc
        else:
            message = _("Households imported: %(created)d added, %(updated)d updated, %(unchanged)d unchanged.") % {
                "created": result.created, "updated": result.updated, "unchanged": result.unchanged}
            if result.buildings:
                message += " " + _("Buildings added: %(names)s.") % {"names": "、".join(result.buildings)}
            messages.success(request, message)
            return redirect("grid:households", pk=grid.pk)
    return render(request, "grid/grids/households_import.html", {
        **_base(request, grid), "form": form, "rejected": rejected, "columns": importing.HOUSEHOLD_COLUMNS,
        "manages": selectors.manages(request.user, grid),
    })


@login_required
@require_GET
def households_template(request, pk):
    """The import template of a grid's households: headers, an example row and a sheet of notes."""
    grid = _grid(request, pk, "add")
    target = io.BytesIO()
    importing.households_template(grid=grid, target=target)
    target.seek(0)
    return FileResponse(target, as_attachment=True, content_type=importing.XLSX_CONTENT_TYPE,
                        filename=f"{grid.name}-" + _("Household import template") + ".xlsx")
