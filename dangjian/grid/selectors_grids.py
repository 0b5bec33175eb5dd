"""Reads of grids: summaries for lists, patrol coverage, households needing a visit, staff.

Patrol coverage (巡查走访覆盖率) of a grid over a period is

    visited ÷ households

where ``households`` counts the grid's households marked as living there (``active``) and
``visited`` counts those of them with at least one visit (door-to-door, phone call, or a patrol
that named the household) dated inside the period, both ends included. A household visited
twice counts once; patrols of a building or of the whole grid name no household and do not
count. The figure is computed on read from the visit log, never stored.
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q

from dangjian.accounts.models import RoleAssignment
from dangjian.core.access import Role, user_scope
from dangjian.organizations.choices import OrgStatus, OrgType, UnitKind
from dangjian.organizations.models import Organization

from .models import Building, Grid, GridVisit, Household

# Households not visited for this many days are listed as needing a visit.
VISIT_DUE_DAYS = 30
# Organizations that may hold grids: community (or village) committees and general branches.
GRID_ORG_TYPES = (OrgType.COMMITTEE, OrgType.GENERAL_BRANCH)
GRID_UNIT_KINDS = (UnitKind.COMMUNITY, UnitKind.VILLAGE)


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of ``day``'s month."""
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def patrol_coverage(*, grid_ids, start: datetime.date, end: datetime.date) -> dict[int, tuple[int, int]]:
    """``{grid_id: (visited, households)}`` for each grid in ``grid_ids`` (see the module's formula).

    Two queries whatever the number of grids; a grid without households answers ``(0, 0)``.
    """
    grid_ids = list(grid_ids)
    result = {pk: (0, 0) for pk in grid_ids}
    if not grid_ids:
        return result
    households = (Household.objects.filter(active=True, building__grid_id__in=grid_ids)
                  .values_list("building__grid_id").annotate(n=Count("id")))
    visited = (GridVisit.objects.filter(household__active=True, household__building__grid_id__in=grid_ids,
                                        visited_on__gte=start, visited_on__lte=end)
               .values_list("household__building__grid_id").annotate(n=Count("household_id", distinct=True)))
    totals = dict(households)
    for pk in grid_ids:
        result[pk] = (0, totals.get(pk, 0))
    for pk, n in visited:
        result[pk] = (n, totals.get(pk, 0))
    return result


def coverage_percent(visited: int, households: int) -> float | None:
    return round(100 * visited / households, 1) if households else None


@dataclass
class GridSummary:
    grid: Grid
    buildings: int = 0
    households: int = 0
    visits: int = 0
    visited: int = 0
    staff: list = field(default_factory=list)  # [(role, user)], the leader first

    @property
    def coverage(self) -> float | None:
        return coverage_percent(self.visited, self.households)

    @property
    def staff_names(self) -> list[str]:
        return [str(user) for _role, user in self.staff]


def staff_of(grid_ids) -> dict[int, list]:
    """``{grid_id: [(role, user), …]}``, grid leaders first (one query)."""
    rows = (RoleAssignment.objects.filter(grid_id__in=list(grid_ids), role__in=(Role.GRID_LEADER, Role.GRID_WORKER))
            .select_related("user").order_by("grid_id", "-role", "user__full_name", "user__username"))
    result: dict[int, list] = {}
    for row in rows:
        result.setdefault(row.grid_id, []).append((row.role, row.user))
    for staff in result.values():
        staff.sort(key=lambda pair: pair[0] != Role.GRID_LEADER)
    return result


def grid_summaries(grids, month: datetime.date) -> list[GridSummary]:
    """One summary per grid for ``month`` (any day of it): buildings, households living there,
    visits in the month, coverage in the month and staff names. Five queries for any number of grids."""
    grids = list(grids)
    ids = [g.pk for g in grids]
    start, end = month_bounds(month)
    buildings = dict(Building.objects.filter(grid_id__in=ids).values_list("grid_id").annotate(n=Count("id")))
    visits = dict(GridVisit.objects.filter(grid_id__in=ids, visited_on__gte=start, visited_on__lte=end)
                  .values_list("grid_id").annotate(n=Count("id")))
    coverage = patrol_coverage(grid_ids=ids, start=start, end=end)
    staff = staff_of(ids)
    return [GridSummary(grid=g, buildings=buildings.get(g.pk, 0), households=coverage[g.pk][1],
                        visits=visits.get(g.pk, 0), visited=coverage[g.pk][0], staff=staff.get(g.pk, []))
            for g in grids]


def buildings_with_counts(grid: Grid):
    """The grid's buildings with ``household_count`` (households living there) and ``last_visit``."""
    return (grid.buildings.annotate(household_count=Count("households", filter=Q(households__active=True),
                                                          distinct=True),
                                    last_visit=Max("visits__visited_on"))
            .order_by("name"))


def households_needing_visit(grid: Grid, today: datetime.date, days: int = VISIT_DUE_DAYS):
    """Households living in the grid with no visit in the last ``days`` days, longest first."""
    since = today - datetime.timedelta(days=days)
    recent = GridVisit.objects.filter(household=OuterRef("pk"), visited_on__gt=since, visited_on__lte=today)
    return (Household.objects.filter(building__grid=grid, active=True)
            .exclude(Exists(recent))
            .annotate(last_visit=Max("visits__visited_on"))
            .select_related("building").defer("contact_phone")
            .order_by("last_visit", "building__name", "room"))


def grid_org_choices(user, action: str = "add"):
    """Community organizations in which ``user`` may set up grids (through their organization roles)."""
    return (Organization.objects.restrict(user, action)
            .filter(org_type__in=GRID_ORG_TYPES, unit_kind__in=GRID_UNIT_KINDS, status=OrgStatus.ACTIVE)
            .order_by("path"))


def manages(user, grid: Grid, action: str = "change") -> bool:
    """Whether ``user`` manages ``grid`` (its structure and staff) through a role over its
    organization; grid staff do not: they work inside the grid."""
    return Organization.objects.restrict(user, action).filter(pk=grid.organization_id).exists()


def staffed_grids(user):
    """Grids ``user`` works in as grid leader or worker."""
    ids = user_scope(user, "view").grid_ids
    return Grid.objects.filter(pk__in=ids, active=True).select_related("organization").order_by("code")
