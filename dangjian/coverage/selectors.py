"""Reads of the coverage work: each firm's coverage, members and activists, the firms ready to
form a branch, and coverage statistics with their trend, all computed from records.

Coverage on a day (``with_coverage``):

- ``own``: an organization other than a joint branch or Party group names the firm's unit and
  was active that day (its dated versions);
- ``joint``: a joint organization active that day covered the unit (an open :class:`JointUnit`);
- ``guided``: neither, but an instructor or liaison was assigned that day;
- ``none``: none of these.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from dangjian.core.dates import add_months, month_start
from dangjian.core.numbers import percent
from dangjian.core.rules import rule_value
from dangjian.members.choices import ON_ROLL, MemberStatus
from dangjian.members.models import Member
from dangjian.organizations.choices import OrgStatus, OrgType
from dangjian.organizations.models import Organization, OrganizationVersion
from dangjian.recruitment.choices import ApplicantStatus
from dangjian.recruitment.models import Applicant, RecruitmentStep
from dangjian.recruitment.pipeline import pipeline_for

from .choices import GUIDING_ROLES, ORGANIZED, WORKED, Coverage, FirmKind
from .models import Assignment, Building, Firm, JointUnit

# Organizations that cover only the unit they name (not joint ones, not Party groups).
_OWN_EXCLUDED = (OrgType.JOINT_BRANCH, OrgType.PARTY_GROUP)


def _today(on):
    return on or timezone.localdate()


def _current(prefix: str, on: datetime.date, start: str, end: str) -> Q:
    """``start <= on`` and (``end`` empty or after ``on``) on the fields under ``prefix``."""
    return Q(**{f"{prefix}{start}__lte": on}) & (Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gt": on}))


def _active_versions(on: datetime.date):
    return OrganizationVersion.objects.filter(_current("", on, "valid_from", "valid_to"), status=OrgStatus.ACTIVE)


def existing_on(queryset, on: datetime.date | None = None):
    """Firms that existed on ``on``: established by then (or of unknown date) and not yet closed
    or moved out."""
    on = _today(on)
    return queryset.filter(Q(established_on__isnull=True) | Q(established_on__lte=on)).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on))


def with_coverage(queryset, on: datetime.date | None = None):
    """Firms annotated with ``has_own``, ``has_joint``, ``has_guide`` and ``coverage`` on ``on``."""
    on = _today(on)
    versions = _active_versions(on)
    own = versions.filter(organization__unit=OuterRef("unit")).exclude(org_type__in=_OWN_EXCLUDED)
    joint = JointUnit.objects.filter(
        _current("", on, "joined_on", "left_on"), unit=OuterRef("unit"),
        organization__in=versions.values("organization"))
    guide = Assignment.objects.filter(_current("", on, "started_on", "ended_on"), firm=OuterRef("pk"),
                                      role__in=GUIDING_ROLES)
    return queryset.annotate(has_own=Exists(own), has_joint=Exists(joint), has_guide=Exists(guide)).annotate(
        coverage=Case(When(has_own=True, then=Value(Coverage.OWN)), When(has_joint=True, then=Value(Coverage.JOINT)),
                      When(has_guide=True, then=Value(Coverage.GUIDED)), default=Value(Coverage.NONE)))


def _activist_steps() -> list[int]:
    """Step numbers of the activist and candidate stages (积极分子、发展对象), national pipeline."""
    pipeline = pipeline_for(None)
    return [*pipeline.stage_numbers("activist"), *pipeline.stage_numbers("candidate")]


def _count(queryset) -> Subquery:
    return Coalesce(Subquery(queryset.order_by().values("employer").annotate(n=Count("pk")).values("n"),
                             output_field=IntegerField()), 0)


def with_people(queryset):
    """Firms annotated with ``members`` (on the roll), ``full_members`` and ``activists`` (files in
    the activist or candidate stage), counted from the roster and the recruitment pipeline."""
    on_roll = Member.objects.filter(employer=OuterRef("unit"), status__in=ON_ROLL)
    in_progress = Applicant.objects.filter(employer=OuterRef("unit"), status=ApplicantStatus.IN_PROGRESS)
    activists = in_progress.annotate(last=Subquery(
        RecruitmentStep.objects.filter(applicant=OuterRef("pk")).order_by("-number")
        .values("number")[:1])).filter(last__in=_activist_steps())
    return queryset.annotate(members=_count(on_roll), full_members=_count(on_roll.filter(status=MemberStatus.FULL)),
                             activists=_count(activists))


def firms_for(user, action: str = "view"):
    return Firm.objects.restrict(user, action).select_related("unit", "area_organization", "building")


def ready_to_form(queryset, on: datetime.date | None = None, *, organization=None):
    """Firms without their own organization that have enough full members to form a branch
    (``structure.branch_min_full_members`` of the rule pack, 3 nationally): 成熟一个、组建一个."""
    minimum = rule_value("structure.branch_min_full_members", organization=organization, on=on)
    firms = with_people(with_coverage(existing_on(queryset, on), on))
    return firms.filter(has_own=False, full_members__gte=minimum).order_by("-full_members", "unit__name")


def firm_history(firm: Firm) -> list[dict]:
    """The coverage of one firm at each date something changed (organizations set up or
    dissolved, joint periods, assignments), oldest first, with the change that made it."""
    days: set[datetime.date] = set()
    unit_orgs = Organization.objects.filter(unit=firm.unit_id).exclude(org_type__in=_OWN_EXCLUDED)
    for start, end in OrganizationVersion.objects.filter(organization__in=unit_orgs).values_list(
            "valid_from", "valid_to"):
        days.update(d for d in (start, end) if d)
    for start, end in JointUnit.objects.filter(unit=firm.unit_id).values_list("joined_on", "left_on"):
        days.update(d for d in (start, end) if d)
    joint_orgs = JointUnit.objects.filter(unit=firm.unit_id).values("organization")
    for start, end in OrganizationVersion.objects.filter(organization__in=joint_orgs).values_list(
            "valid_from", "valid_to"):
        days.update(d for d in (start, end) if d)
    for start, end in firm.assignments.filter(role__in=GUIDING_ROLES).values_list("started_on", "ended_on"):
        days.update(d for d in (start, end) if d)
    today = timezone.localdate()
    history, previous = [], None
    for day in sorted(d for d in days if d <= today):
        coverage = with_coverage(Firm.objects.filter(pk=firm.pk), day).values_list("coverage", flat=True)[0]
        if coverage != previous:
            history.append({"on": day, "coverage": coverage, "label": Coverage(coverage).label})
            previous = coverage
    return history


@dataclass
class CoverageStats:
    """Coverage of the firms in an organization's area on one day."""

    on: datetime.date
    total: int
    by_coverage: dict[str, int]
    organized_rate: object
    worked_rate: object
    by_kind: list[dict]
    by_area: list[dict]
    by_building: list[dict]
    trend: list[dict]
    ready: int

    def as_dict(self) -> dict:
        return {
            "on": self.on.isoformat(), "total": self.total, "by_coverage": self.by_coverage,
            "organized_rate": self.organized_rate, "worked_rate": self.worked_rate, "by_kind": self.by_kind,
            "by_area": self.by_area, "by_building": self.by_building, "trend": self.trend, "ready": self.ready,
        }


def _rates(counts: dict[str, int], total: int) -> dict:
    return {
        "total": total, **{c.value: counts.get(c.value, 0) for c in Coverage},
        "organized_rate": percent(sum(counts.get(c, 0) for c in ORGANIZED), total),
        "worked_rate": percent(sum(counts.get(c, 0) for c in WORKED), total),
    }


def _grouped(firms, key) -> dict:
    """``{key value: {coverage: count}}`` in one grouped query."""
    grouped: dict = {}
    for value, coverage, n in firms.values_list(key, "coverage").annotate(n=Count("pk")).order_by():
        grouped.setdefault(value, {})[coverage] = n
    return grouped


def area_firms(organization: Organization):
    """Firms looked after (by area) by the organization or any organization under it."""
    return Firm.objects.filter(area_organization__path__startswith=organization.path)


def coverage_counts(organization: Organization, on: datetime.date | None = None) -> dict:
    """Firms of the organization's area on ``on`` by coverage, with the two coverage rates."""
    on = _today(on)
    firms = with_coverage(existing_on(area_firms(organization), on), on)
    counts = dict(firms.values_list("coverage").annotate(n=Count("pk")).order_by())
    return _rates(counts, sum(counts.values()))


def coverage_trend(organization: Organization, on: datetime.date | None = None, months: int | None = None):
    """Coverage at the end of each of the last ``months`` months up to ``on`` (the rule pack's
    ``coverage.trend_months``), oldest first; the last point is ``on`` itself."""
    on = _today(on)
    months = months or rule_value("coverage.trend_months", organization=organization, on=on, default=12)
    days = [month_start(add_months(on, -k)) - datetime.timedelta(days=1) for k in range(months - 1, 0, -1)] + [on]
    return [{"on": day.isoformat(), **coverage_counts(organization, day)} for day in days]


def coverage_stats(organization: Organization, on: datetime.date | None = None, *, trend: bool = True) -> CoverageStats:
    """Coverage of an organization's area on ``on``: by coverage, kind, area (the organizations
    one level below) and building, with the rates and, optionally, the monthly trend."""
    on = _today(on)
    firms = with_coverage(existing_on(area_firms(organization), on), on)
    counts = dict(firms.values_list("coverage").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    rates = _rates(counts, total)
    by_kind = _grouped(firms, "unit__kind")
    kinds = [{"code": k.value, "label": str(k.label), **_rates(by_kind.get(k.value, {}), sum(by_kind.get(k.value, {}).values()))}
             for k in FirmKind]
    prefix = len(organization.path) + Organization.steplen
    by_child = _grouped(firms.annotate(area_path=Substr("area_organization__path", 1, prefix)), "area_path")
    children = {c.path: c for c in Organization.objects.filter(path__in=list(by_child))}
    areas = []
    for path, group in sorted(by_child.items(), key=lambda item: item[0] or ""):
        area = children.get(path, organization)
        areas.append({"organization": area.pk, "name": area.display_name, **_rates(group, sum(group.values()))})
    by_building = _grouped(firms.filter(building__isnull=False), "building")
    names = dict(Building.objects.filter(pk__in=list(by_building)).values_list("pk", "name"))
    buildings = [{"building": pk, "name": names[pk], **_rates(group, sum(group.values()))}
                 for pk, group in sorted(by_building.items(), key=lambda item: names[item[0]])]
    ready = ready_to_form(area_firms(organization), on, organization=organization).count()
    return CoverageStats(on=on, total=total, by_coverage={c.value: counts.get(c.value, 0) for c in Coverage},
                         organized_rate=rates["organized_rate"], worked_rate=rates["worked_rate"], by_kind=kinds,
                         by_area=areas, by_building=buildings,
                         trend=coverage_trend(organization, on) if trend else [], ready=ready)



def with_last_survey(queryset):
    """Firms annotated with ``last_surveyed_on``: the day of their latest door-to-door survey (走访摸底)."""
    from .models import FirmSurvey

    last = FirmSurvey.objects.filter(firm=OuterRef("pk")).order_by("-surveyed_on").values("surveyed_on")[:1]
    return queryset.annotate(last_surveyed_on=Subquery(last))


@dataclass
class CoveringNow:
    """What covers a firm on a day: its own organizations, the joint organizations it is in
    (open :class:`JointUnit` links) and the instructors, liaisons and contact leaders in their term."""

    own_orgs: list
    joint_links: list
    assignments: list


def covering_now(firm, on: datetime.date | None = None) -> CoveringNow:
    """The organizations and people that cover ``firm`` on ``on`` (today by default), three queries."""
    on = _today(on)
    own = (Organization.objects.filter(unit=firm.unit_id, status=OrgStatus.ACTIVE)
           .exclude(org_type__in=_OWN_EXCLUDED).order_by("path"))
    joints = (JointUnit.objects.filter(_current("", on, "joined_on", "left_on"), unit=firm.unit_id)
              .select_related("organization").order_by("joined_on", "id"))
    assignments = (Assignment.objects.filter(_current("", on, "started_on", "ended_on"), firm=firm.pk)
                   .select_related("appointed_by").order_by("role", "name", "id"))
    return CoveringNow(own_orgs=list(own), joint_links=list(joints), assignments=list(assignments))
