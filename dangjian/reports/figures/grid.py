"""Figures of grid management and residents' requests (网格化管理、接诉即办) for a subtree on a day.

Grids, their households and their staff have no dated history: a grid counts from the day it was
set up while it is still active, a household from the day it was recorded while it is still living
there, a grid leader or worker from the day the role was granted. A request belongs to the subtree
through the organization that took it in (a community, or a sub-district where the place was not
known). Requests filed, closed, escalated and rated are flows from the first of the year to the day;
the status on the day is read back from each request's transition log; the on-time closure and
satisfaction rates are the grid indicators' own (``grid.indicators.period_counts``) over the same
span; patrol coverage is that of ``grid.selectors_grids.patrol_coverage`` over the month of the day,
from its first day to the day.
"""
from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.accounts.models import RoleAssignment
from dangjian.core.access import Role
from dangjian.core.numbers import percent
from dangjian.grid.choices import FINISHED, RUNNING, RequestAction, RequestStatus
from dangjian.grid.indicators import Unit, period_counts
from dangjian.grid.models import Grid, Household, RequestTransition, ServiceRequest
from dangjian.grid.selectors_grids import patrol_coverage

from .base import Figure, Scope, Section, as_text
from .links import with_params

STAFF_ROLES = (Role.GRID_LEADER, Role.GRID_WORKER)




def day_end(on: datetime.date) -> datetime.datetime:
    """The end of the local day ``on`` (midnight after it), or now when that is still to come."""
    end = timezone.make_aware(datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min))
    return min(end, timezone.now()) if on >= timezone.localdate() else end




def grids_on(scope: Scope):
    """Active grids of the subtree's organizations set up by the end of the day."""
    return Grid.objects.filter(scope.org_q(), active=True, created_at__lt=scope.span()[1])


def structure(scope: Scope) -> dict:
    """Grids, households living in them and grid staff on the day (three queries)."""
    end = scope.span()[1]
    grid_ids = list(grids_on(scope).values_list("pk", flat=True))
    households = Household.objects.filter(building__grid__in=grid_ids, active=True, created_at__lt=end).count()
    staff = dict(
        RoleAssignment.objects.filter(grid__in=grid_ids, role__in=STAFF_ROLES, granted_at__lt=end)
        .values_list("role").annotate(n=Count("user", distinct=True)).order_by()
    )
    people = (RoleAssignment.objects.filter(grid__in=grid_ids, role__in=STAFF_ROLES, granted_at__lt=end)
              .values("user").distinct().count()) if staff else 0
    return {
        "grids": len(grid_ids),
        "households": households,
        "staff": people,
        "staff_by_role": {code: staff.get(code, 0) for code in STAFF_ROLES},
    }, grid_ids


def requests(scope: Scope) -> dict:
    """Requests filed from the first of the year to the day, by status at the end of the day, with
    those closed, escalated and overdue (one grouped query over the requests, one over the ratings)."""
    start, end = scope.span()
    until = day_end(scope.on)
    last = RequestTransition.objects.filter(request=OuterRef("pk"), at__lt=until).order_by("-at", "-id")
    steps = RequestTransition.objects.filter(request=OuterRef("pk"), at__gte=start, at__lt=until)
    rows = (
        ServiceRequest.objects.filter(scope.org_q(), reported_at__gte=start, reported_at__lt=until)
        .annotate(status_on=Coalesce(Subquery(last.values("to_status")[:1]), Value(RequestStatus.REPORTED)),
                  due_on=Subquery(last.values("new_due_at")[:1]),
                  closed_in=Exists(steps.filter(action=RequestAction.CLOSE)),
                  escalated_in=Exists(steps.filter(action=RequestAction.ESCALATE)))
        .values_list("status_on", "closed_in", "escalated_in")
        .annotate(n=Count("pk"),
                  overdue=Count("pk", filter=Q(status_on__in=RUNNING, due_on__lt=until)))
        .order_by()
    )
    by_status = dict.fromkeys(RequestStatus.values, 0)
    total = closed = escalated = overdue = 0
    for status, closed_in, escalated_in, n, late in rows:
        total += n
        by_status[status] = by_status.get(status, 0) + n
        closed += n if closed_in else 0
        escalated += n if escalated_in else 0
        overdue += late
    open_total = sum(n for code, n in by_status.items() if code not in FINISHED)
    return {
        "filed": total,
        "by_status": by_status,
        "open": open_total,
        "closed": closed,
        "escalated": escalated,
        "overdue_open": overdue,
    }


def indicators(scope: Scope) -> dict:
    """On-time closure and satisfaction over the year to the day, as the grid indicators count them."""
    unit = Unit("org", scope.root)
    on_time, due = period_counts("on_time_closure", unit, scope.year_start, scope.on)
    satisfied, rated = period_counts("satisfaction", unit, scope.year_start, scope.on)
    return {
        "due": due,
        "closed_on_time": on_time,
        "on_time_closure_rate": as_text(percent(on_time, due)),
        "rated": rated,
        "satisfied": satisfied,
        "satisfaction_rate": as_text(percent(satisfied, rated)),
    }


def patrols(scope: Scope, grid_ids: list[int]) -> dict:
    """Patrol coverage of the grids over the month of the day, from its first day to the day."""
    coverage = patrol_coverage(grid_ids=grid_ids, start=scope.on.replace(day=1), end=scope.on)
    visited = sum(v for v, _h in coverage.values())
    households = sum(h for _v, h in coverage.values())
    return {"visited": visited, "households": households, "rate": as_text(percent(visited, households))}


def compute(scope: Scope) -> dict:
    counts, grid_ids = structure(scope)
    return {**counts, "requests": {**requests(scope), **indicators(scope)}, "patrol": patrols(scope, grid_ids)}


def _grids_link(scope: Scope, key: str = "") -> str:
    return with_params("grid:grids", org=scope.root.pk)


def _label(choices):
    return lambda: dict(choices)


SECTION = Section(
    code="grid",
    direct=False,  # computed over the module's subtree selectors, not scope.org_q
    label=_("Grids and residents' requests"),
    compute=compute,
    figures=[
        Figure("grids", _("Grids"),
               _("Active grids of the subtree's community organizations, set up by the end of the day."),
               _("Grids."), records=_grids_link),
        Figure("households", _("Households"),
               _("Households marked as living in those grids, recorded by the end of the day."),
               _("Households of the grids' buildings."), records=_grids_link),
        Figure("staff", _("Grid staff"),
               _("People holding the grid leader's or grid worker's role in those grids, granted by the end of "
                 "the day (one person in two grids counts once)."), _("Role assignments on grids.")),
        Figure("staff_by_role", _("Grid staff by role"),
               _("The same people by role; one person may hold both roles."), _("Role assignments on grids."),
               keys=lambda: {code: Role(code).label for code in STAFF_ROLES}),
        Figure("requests.filed", _("Requests filed"),
               _("Residents' requests taken in by the subtree's organizations, filed from the first of the year to "
                 "the day."), _("Service requests.")),
        Figure("requests.by_status", _("Requests by status"),
               _("The same requests by their status at the end of the day, read from each request's log of steps."),
               _("Request steps."), keys=_label(RequestStatus.choices)),
        Figure("requests.open", _("Requests still open"),
               _("Requests filed this year that were not closed, rated, declined or merged at the end of the day."),
               _("Request steps.")),
        Figure("requests.closed", _("Requests closed"),
               _("Requests filed this year that were closed (a close step) from the first of the year to the day."),
               _("Request steps.")),
        Figure("requests.overdue_open", _("Open requests past their deadline"),
               _("Requests filed this year, open and not parked at the end of the day, whose step deadline then in "
                 "force had passed."), _("Request steps and their deadlines.")),
        Figure("requests.escalated", _("Requests escalated to the sub-district"),
               _("Requests filed this year escalated to a sub-district team (吹哨) from the first of the year to the "
                 "day."), _("Request steps.")),
        Figure("requests.due", _("Requests due"),
               _("Requests not declined or merged whose resolution deadline fell from the first of the year to the "
                 "day (the grid indicators' on-time closure denominator)."), _("Service requests.")),
        Figure("requests.closed_on_time", _("Closed on time"),
               _("Of the requests due, those closed by their resolution deadline."), _("Service requests.")),
        Figure("requests.on_time_closure_rate", _("On-time closure rate"),
               _("Requests closed on time ÷ requests due, as the grid indicators define it."),
               _("Service requests."), unit="percent"),
        Figure("requests.rated", _("Requests rated"),
               _("Residents' ratings at closing (their own or collected by a grid worker) given from the first of the "
                 "year to the day; call-backs not counted."), _("Request ratings.")),
        Figure("requests.satisfied", _("Rated satisfied"), _("Of those ratings, those 'satisfied'."),
               _("Request ratings.")),
        Figure("requests.satisfaction_rate", _("Satisfaction rate"),
               _("Ratings 'satisfied' ÷ ratings given, as the grid indicators define it."), _("Request ratings."),
               unit="percent"),
        Figure("patrol.rate", _("Patrol coverage"),
               _("Households living in the grids visited at least once (door-to-door, phone or a patrol naming "
                 "them) from the first of the month to the day ÷ households living in the grids."),
               _("The visit log of grid staff."), unit="percent", records=_grids_link),
        Figure("patrol.visited", _("Households visited this month"),
               _("Households living in the grids with a visit from the first of the month to the day."),
               _("The visit log of grid staff."), records=_grids_link),
    ],
)
