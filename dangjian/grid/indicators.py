"""Indicators of residents' requests and of patrols (诉求办理指标), computed on read from the records.

Every figure is a numerator, a denominator and their ratio (``None`` when the denominator is 0)
for one month [start, end) in local dates (Asia/Shanghai), for a unit: an organization's subtree
(a community or a sub-district), a grid or a service team. The formulas are documented in
``docs/grid.md``; each is a few grouped aggregate queries, never a loop over requests.

A breakdown (``by=grid|community|subdistrict|team``) runs the same grouped queries once for all
rows of the breakdown: the rows of an organization kind are matched to the requests by the
materialized path of the request's organization.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, DateTimeField, Exists, F, OuterRef, Q, Subquery, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import dates
from dangjian.core.dates import add_months
from dangjian.organizations.choices import OrgType, UnitKind
from dangjian.organizations.models import Organization

from .choices import RatingKind, RequestAction, RequestStatus, Satisfaction, TeamLevel
from .models import Grid, RequestRating, RequestTransition, ServiceRequest, ServiceTeam

BREAKDOWNS = ("grid", "community", "subdistrict", "team")

# code → label; the order of the page and of the API answer.
FIGURES = {
    "on_time_closure": gettext_lazy("On-time closure rate"),
    "closure": gettext_lazy("Closure rate"),
    "on_time_handling": gettext_lazy("On-time handling rate"),
    "rework": gettext_lazy("Rework rate"),
    "satisfaction": gettext_lazy("Satisfaction rate"),
    "satisfaction_own": gettext_lazy("Satisfaction rate, residents' own ratings"),
    "satisfaction_assisted": gettext_lazy("Satisfaction rate, ratings collected by grid workers"),
    "partly_satisfied": gettext_lazy("Share partly satisfied"),
    "rated_share": gettext_lazy("Share actually rated"),
    "callback_gap": gettext_lazy("Call-back gap"),
    "patrol_coverage": gettext_lazy("Patrol coverage"),
}
# The figures shown in breakdown tables and charts (the others are in the summary only).
ROW_FIGURES = ("on_time_closure", "closure", "on_time_handling", "rework", "satisfaction", "rated_share",
               "patrol_coverage")
BREAKDOWN_LABELS = {
    "grid": gettext_lazy("by grid"), "community": gettext_lazy("by community"),
    "subdistrict": gettext_lazy("by sub-district"), "team": gettext_lazy("by team"),
}


def parse_month(value: str | None, *, default: datetime.date | None = None) -> datetime.date:
    """The first day of the month written ``yyyy-mm``; ``default`` (this month) when empty."""
    if not value:
        return (default or timezone.localdate()).replace(day=1)
    month = dates.parse_month(value)
    if month is None:
        raise ValidationError({"month": _("Give the month as yyyy-mm, such as 2026-11.")})
    return month


def month_span(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's [start, end) as aware datetimes at local midnight."""
    start = timezone.make_aware(datetime.datetime.combine(month, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(add_months(month, 1), datetime.time.min))
    return start, end


@dataclass
class Figure:
    code: str
    numerator: int = 0
    denominator: int = 0
    url: str = ""

    @property
    def label(self) -> str:
        return str(FIGURES[self.code])

    @property
    def rate(self) -> float | None:
        return round(self.numerator / self.denominator, 4) if self.denominator else None

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else round(self.rate * 100, 1)

    def as_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "numerator": self.numerator, "denominator": self.denominator,
                "rate": self.rate, "url": self.url}


@dataclass
class Unit:
    """What a row of figures is about: an organization's subtree, a grid or a team."""

    kind: str                      # "org", "grid" or "team"
    obj: object
    figures: dict[str, Figure] = field(default_factory=dict)
    callbacks_pending: int = 0

    @property
    def key(self):
        return self.obj.path if self.kind == "org" else self.obj.pk

    @property
    def name(self) -> str:
        if self.kind == "org":
            return self.obj.short_name or self.obj.name
        return self.obj.name

    @property
    def row_figures(self) -> list[Figure]:
        return [self.figures[code] for code in ROW_FIGURES]

    @property
    def params(self) -> dict:
        return {{"org": "org", "grid": "grid", "team": "team"}[self.kind]: self.obj.pk}


# ----- the grouped queries --------------------------------------------------------------------

KEYS = {
    # kind → (requests, transitions, ratings) grouping fields
    "org": ("organization__path", "request__organization__path", "request__organization__path"),
    "grid": ("grid_id", "request__grid_id", "request__grid_id"),
    "team": ("team_id", "team_id", "request__team_id"),
}


def _unit_filter(kind: str, units: list[Unit], prefix: str = "", *, transition: bool = False) -> Q:
    """Records of ``units``: requests (``prefix`` leads from the record to its request)."""
    if kind == "org":
        q = Q(pk__in=[])
        for unit in units:
            q |= Q(**{f"{prefix}organization__path__startswith": unit.obj.path})
        return q
    if kind == "grid":
        return Q(**{f"{prefix}grid__in": [u.obj.pk for u in units]})
    # A step counts for the team that held the request when it was taken; a request for its
    # current team.
    return Q(team__in=[u.obj.pk for u in units]) if transition else Q(**{f"{prefix}team__in": [u.obj.pk for u in units]})


def _first_close():
    """When the request was first closed. ``closed_at`` is the latest close, and only a redo after a
    bad rating closes a request again: without rework it is the first close, so the log is read
    (a correlated subquery per row, slow over a city's requests) only for requests redone."""
    logged = Subquery(RequestTransition.objects.filter(request=OuterRef("pk"), action=RequestAction.CLOSE)
                      .order_by("at", "id").values("at")[:1])
    return Case(When(rework_count=0, then=F("closed_at")), default=logged, output_field=DateTimeField())


def _request_counts(kind, units, start, end):
    key = KEYS[kind][0]
    closed_before_end = Q(first_close__lt=end)  # some close before the end ⇔ the first one was
    rated = Exists(RequestRating.objects.filter(request=OuterRef("pk"), kind=RatingKind.FIRST))
    called_back = Exists(RequestRating.objects.filter(request=OuterRef("pk"), kind=RatingKind.CALLBACK, at__lt=end))
    counted = ~Q(status__in=(RequestStatus.MERGED, RequestStatus.DECLINED))
    due = Q(resolution_due_at__gte=start, resolution_due_at__lt=end) & counted
    registered = Q(registered_at__gte=start, registered_at__lt=end) & counted
    closed_in_month = Q(first_close__gte=start, first_close__lt=end)
    sampled = Q(callback_due=True, first_close__lt=end)
    relevant = (Q(resolution_due_at__gte=start, resolution_due_at__lt=end)
                | Q(registered_at__gte=start, registered_at__lt=end)
                | Q(closed_at__gte=start) | Q(callback_due=True, closed_at__isnull=False))
    rows = (ServiceRequest.objects.filter(_unit_filter(kind, units)).filter(relevant)
            .annotate(first_close=_first_close()).values(key).order_by()
            .annotate(due=Count("pk", filter=due), due_on_time=Count("pk", filter=due & Q(closed_on_time=True)),
                      registered=Count("pk", filter=registered),
                      registered_closed=Count("pk", filter=registered & closed_before_end),
                      closed=Count("pk", filter=closed_in_month),
                      closed_rated=Count("pk", filter=closed_in_month & rated),
                      pending=Count("pk", filter=sampled & ~called_back)))
    return [(row.pop(key), row) for row in rows]


def _transition_counts(kind, units, start, end):
    key = KEYS[kind][1]
    handle, redo, close = (Q(action=a) for a in (RequestAction.HANDLE, RequestAction.REDO, RequestAction.CLOSE))
    rows = (RequestTransition.objects.filter(_unit_filter(kind, units, "request__", transition=True))
            .filter(at__gte=start, at__lt=end, action__in=(RequestAction.HANDLE, RequestAction.REDO,
                                                           RequestAction.CLOSE))
            .values(key).order_by()
            .annotate(handled=Count("pk", filter=handle), handled_on_time=Count("pk", filter=handle & ~Q(overdue=True)),
                      redone=Count("pk", filter=redo), closes=Count("pk", filter=close)))
    return [(row.pop(key), row) for row in rows]


def _rating_counts(kind, units, start, end):
    key = KEYS[kind][2]
    first, callback = Q(kind=RatingKind.FIRST), Q(kind=RatingKind.CALLBACK)
    satisfied, partly = Q(satisfaction=Satisfaction.SATISFIED), Q(satisfaction=Satisfaction.PARTLY)
    own, assisted = first & Q(assisted=False), first & Q(assisted=True)
    earlier_first = RequestRating.objects.filter(request=OuterRef("request"), kind=RatingKind.FIRST,
                                                 at__lte=OuterRef("at")).order_by("-at", "-id")
    compared = callback & Exists(earlier_first)
    rows = (RequestRating.objects.filter(_unit_filter(kind, units, "request__")).filter(at__gte=start, at__lt=end)
            .values(key).order_by()
            .annotate(rated=Count("pk", filter=first), satisfied=Count("pk", filter=first & satisfied),
                      partly=Count("pk", filter=first & partly),
                      own=Count("pk", filter=own), own_satisfied=Count("pk", filter=own & satisfied),
                      helped=Count("pk", filter=assisted), assisted_satisfied=Count("pk", filter=assisted & satisfied),
                      callbacks=Count("pk", filter=compared),
                      callbacks_differ=Count("pk", filter=compared & ~Q(
                          satisfaction=Subquery(earlier_first.values("satisfaction")[:1])))))
    return [(row.pop(key), row) for row in rows]


# Figures whose counts add up over months (requests due, first ratings given in the span): code → (grouped
# query, numerator, denominator).
PERIOD_FIGURES = {
    "on_time_closure": (_request_counts, "due_on_time", "due"),
    "satisfaction": (_rating_counts, "satisfied", "rated"),
}


def period_counts(code: str, unit: Unit, start: datetime.date, end: datetime.date) -> tuple[int, int]:
    """(numerator, denominator) of figure ``code`` (one of ``PERIOD_FIGURES``) for ``unit`` over the local days
    from ``start`` to ``end`` inclusive: one grouped query over the whole span, equal to the sum of the
    monthly figures of the indicators page (used by the assessment indicators)."""
    query, numerator, denominator = PERIOD_FIGURES[code]
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    until = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
    n = d = 0
    for _key, row in query(unit.kind, [unit], since, until):
        n, d = n + row.get(numerator, 0), d + row.get(denominator, 0)
    return n, d


def patrol_counts(*, kind: str, units: list[Unit], start: datetime.date, end: datetime.date):
    """(key, visited, households) for the month [start, end): ``selectors_grids.patrol_coverage``
    (distinct active households visited ÷ active households) per grid, keyed by grid or, for
    organizations, by the grid's organization path. Teams have no households."""
    from .selectors_grids import patrol_coverage

    if kind == "team":
        return []
    if kind == "org":
        grid_q = Q(pk__in=[])
        for unit in units:
            grid_q |= Q(organization__path__startswith=unit.obj.path)
        keys = dict(Grid.objects.filter(grid_q).values_list("pk", "organization__path"))
    else:
        keys = {u.obj.pk: u.obj.pk for u in units}
    coverage = patrol_coverage(grid_ids=list(keys), start=start, end=end - datetime.timedelta(days=1))
    return [(keys[pk], visited, households) for pk, (visited, households) in coverage.items()]


def _owner(kind, units, key):
    """The unit a grouped key belongs to (for organizations: the deepest unit whose subtree holds it)."""
    if kind != "org":
        return next((u for u in units if u.key == key), None)
    best = None
    for unit in units:
        if key and key.startswith(unit.obj.path) and (best is None or len(unit.obj.path) > len(best.obj.path)):
            best = unit
    return best


def compute(kind: str, units: list[Unit], month: datetime.date, *, links: bool = True) -> list[Unit]:
    """Fill every unit's figures for ``month`` (a handful of grouped queries for all units)."""
    start, end = month_span(month)
    counts: dict[int, dict] = {id(u): {} for u in units}
    if units:
        for rows in (_request_counts(kind, units, start, end), _transition_counts(kind, units, start, end),
                     _rating_counts(kind, units, start, end)):
            for key, row in rows:
                unit = _owner(kind, units, key)
                if unit is not None:
                    target = counts[id(unit)]
                    for name, value in row.items():
                        target[name] = target.get(name, 0) + value
        for key, visited, households in patrol_counts(kind=kind, units=units, start=month,
                                                      end=add_months(month, 1)):
            unit = _owner(kind, units, key)
            if unit is not None:
                target = counts[id(unit)]
                target["visited"] = target.get("visited", 0) + visited
                target["households"] = target.get("households", 0) + households
    for unit in units:
        c = counts[id(unit)]
        g = c.get
        pairs = {
            "on_time_closure": (g("due_on_time", 0), g("due", 0)),
            "closure": (g("registered_closed", 0), g("registered", 0)),
            "on_time_handling": (g("handled_on_time", 0), g("handled", 0)),
            "rework": (g("redone", 0), g("closes", 0)),
            "satisfaction": (g("satisfied", 0), g("rated", 0)),
            "satisfaction_own": (g("own_satisfied", 0), g("own", 0)),
            "satisfaction_assisted": (g("assisted_satisfied", 0), g("helped", 0)),
            "partly_satisfied": (g("partly", 0), g("rated", 0)),
            "rated_share": (g("closed_rated", 0), g("closed", 0)),
            "callback_gap": (g("callbacks_differ", 0), g("callbacks", 0)),
            "patrol_coverage": (g("visited", 0), g("households", 0)),
        }
        unit.figures = {code: Figure(code, n, d, records_url(unit, code, month) if links else "")
                        for code, (n, d) in pairs.items()}
        unit.callbacks_pending = g("pending", 0)
    return units


# Figures whose records are requests in one status (the requests page's ``status`` filter).
LINK_STATUS = {"satisfaction": RequestStatus.RATED, "satisfaction_own": RequestStatus.RATED,
               "satisfaction_assisted": RequestStatus.RATED, "partly_satisfied": RequestStatus.RATED}


def records_url(unit: Unit, code: str, month: datetime.date) -> str:
    """The records behind a figure: the requests page (or the grid's page for patrols), filtered
    by the unit and ``month=yyyy-mm``."""
    if code == "patrol_coverage":
        if unit.kind == "grid":
            return reverse("grid:grid", args=[unit.obj.pk])
        if unit.kind == "org":
            return reverse("grid:grids") + "?" + urlencode({"org": unit.obj.pk})
        return ""
    params = {**unit.params, "month": month.strftime("%Y-%m")}
    if code in LINK_STATUS:
        params["status"] = LINK_STATUS[code]
    return "/grid/requests/?" + urlencode(params)




# ----- units of a breakdown -------------------------------------------------------------------

def subtree_q(root: Organization, field_name: str = "organization") -> Q:
    return Q(**{f"{field_name}__path__startswith": root.path})


def community_q() -> Q:
    """Organizations of communities: those of a community unit, or holding grids or a community team."""
    return Q(unit_kind=UnitKind.COMMUNITY, org_type__in=(OrgType.COMMITTEE, OrgType.GENERAL_BRANCH)) | Q(
        grids__isnull=False) | Q(service_teams__level=TeamLevel.COMMUNITY)


def breakdown_units(root: Organization, by: str) -> list[Unit]:
    """The rows of a breakdown of ``root``'s subtree."""
    if by == "grid":
        grids = Grid.objects.filter(subtree_q(root), active=True).select_related("organization").order_by("code")
        return [Unit("grid", g) for g in grids]
    if by == "team":
        teams = ServiceTeam.objects.filter(subtree_q(root), active=True).order_by("organization__path", "level", "name")
        return [Unit("team", t) for t in teams]
    orgs = Organization.objects.filter(path__startswith=root.path)
    orgs = orgs.filter(community_q() if by == "community" else Q(service_teams__level=TeamLevel.SUBDISTRICT))
    orgs = orgs.distinct().order_by("path").only("pk", "path", "name", "short_name", "depth")
    return [Unit("org", o) for o in orgs]


@dataclass
class Report:
    """The figures of an organization's subtree for a month, the previous month's for comparison,
    and optionally a breakdown."""

    organization: Organization
    month: datetime.date
    summary: Unit
    previous: Unit
    by: str = ""
    rows: list[Unit] = field(default_factory=list)

    @property
    def previous_month(self) -> datetime.date:
        return add_months(self.month, -1)

    def comparison(self):
        """(figure, previous figure, change in percentage points) for the summary."""
        for code, figure in self.summary.figures.items():
            before = self.previous.figures[code]
            change = None if figure.rate is None or before.rate is None else round((figure.rate - before.rate) * 100, 1)
            yield figure, before, change

    def as_dict(self) -> dict:
        start, end = month_span(self.month)
        data = {
            "organization": self.organization.pk, "organization_name": self.organization.name,
            "month": self.month.strftime("%Y-%m"), "start": self.month.isoformat(),
            "end": add_months(self.month, 1).isoformat(),
            "figures": [dict(f.as_dict(), previous={"numerator": p.numerator, "denominator": p.denominator,
                                                     "rate": p.rate})
                        for f, p, _change in self.comparison()],
            "callbacks_pending": self.summary.callbacks_pending,
            "by": self.by or None,
        }
        if self.by:
            data["rows"] = [{"kind": u.kind, "id": u.obj.pk, "name": u.name, "callbacks_pending": u.callbacks_pending,
                             "figures": [u.figures[c].as_dict() for c in ROW_FIGURES]} for u in self.rows]
        return data


def report(root: Organization, month: datetime.date, by: str = "") -> Report:
    """Indicators of ``root``'s subtree for ``month`` (and the month before), with rows ``by``."""
    if by and by not in BREAKDOWNS:
        raise ValidationError({"by": _("Break down by grid, community, sub-district or team.")})
    summary = compute("org", [Unit("org", root)], month)[0]
    previous = compute("org", [Unit("org", root)], add_months(month, -1))[0]
    rows = []
    if by:
        rows = breakdown_units(root, by)
        if rows:
            compute(rows[0].kind, rows, month)
    return Report(organization=root, month=month, summary=summary, previous=previous, by=by, rows=rows)


def unit_figures(obj, month: datetime.date) -> dict[str, Figure]:
    """The figures of one grid, team or organization for ``month``."""
    kind = "grid" if isinstance(obj, Grid) else "team" if isinstance(obj, ServiceTeam) else "org"
    return compute(kind, [Unit(kind, obj)], month)[0].figures
