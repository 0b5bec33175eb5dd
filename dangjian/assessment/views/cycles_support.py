"""Small reads the cycle pages need beyond the cycle selectors: who may run a cycle, which
organizations a scheme may rate under it, how a measured value reads, an organization's
assessments across schemes, and the landing page's links to the other assessment pages."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.access import user_scope
from dangjian.organizations.choices import BRANCH_TYPES, OrgStatus, OrgType
from dangjian.organizations.models import Organization

from .. import grading
from ..choices import AssessmentStatus, Movement
from ..indicators import INDICATORS
from ..models import Assessment, Cycle, Grade

# The other assessment pages, linked from the landing page (built by other parts of the app; a plain
# path until their route exists).
SECTIONS = [
    ("assessment:schemes", "/assessment/schemes/", "bi-journal-check", gettext_lazy("Schemes"),
     gettext_lazy("Criteria, grades and review steps of each rating")),
    ("assessment:surveys", "/assessment/surveys/", "bi-ui-checks", gettext_lazy("Surveys"),
     gettext_lazy("Satisfaction surveys and democratic votes")),
    ("assessment:rectifications", "/assessment/rectifications/", "bi-wrench-adjustable", gettext_lazy("Rectification"),
     gettext_lazy("Tasks opened for shortfalls, with deadlines")),
    ("assessment:review_rounds", "/assessment/reviews/", "bi-person-video3", gettext_lazy("Work-report reviews"),
     gettext_lazy("Secretaries' yearly reports and their ratings")),
]

MOVEMENT_ICONS = {
    Movement.PROMOTED: "bi-arrow-up-circle text-success",
    Movement.TURNED_AROUND: "bi-arrow-up-right-circle-fill text-success",
    Movement.SAME: "bi-dash-circle text-secondary",
    Movement.DEMOTED: "bi-arrow-down-circle text-danger",
    Movement.NEW: "bi-plus-circle text-secondary",
}


def section_links() -> list[dict]:
    links = []
    for name, fallback, icon, title, text in SECTIONS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            url = fallback
        links.append({"url": url, "icon": icon, "title": title, "text": text})
    return links


def run_by_choices(user):
    """Organizations the user may open a cycle for: those they may add to, not branches or Party groups."""
    return (Organization.objects.restrict(user, "add").filter(status=OrgStatus.ACTIVE)
            .exclude(org_type__in=[*BRANCH_TYPES, OrgType.PARTY_GROUP]).order_by("path"))


def eligible_organizations(run_by: Organization, scheme) -> list[Organization]:
    """Active organizations under ``run_by`` that ``scheme`` may rate: of its unit kinds, one organization
    per unit: a community's Party committee (not also its branches, nor the committee grouping several
    communities), a village's branch or general branch; never a Party group or a temporary branch."""
    qs = (Organization.objects.filter(path__startswith=run_by.path, status=OrgStatus.ACTIVE)
          .exclude(pk=run_by.pk).exclude(org_type__in=[OrgType.PARTY_GROUP, OrgType.TEMPORARY_BRANCH])
          .only("id", "name", "short_name", "path", "depth", "org_type", "unit_kind").order_by("path"))
    if scheme.unit_kinds:
        qs = qs.filter(unit_kind__in=scheme.unit_kinds)
    candidates = list(qs[:3000])
    step = Organization.steplen
    paths = {o.path for o in candidates}
    # Organizations grouping other rated-kind organizations that are themselves more than branches.
    grouping = {o.path[:-step] for o in candidates if o.org_type not in BRANCH_TYPES}
    return [o for o in candidates
            if o.path not in grouping and not (o.org_type in BRANCH_TYPES and o.path[:-step] in paths)]


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{(Decimal(value) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def measured_text(criterion, value) -> str:
    """A measured value as people read it: a rate as a percentage, hours as hours."""
    if value is None:
        return _("no records in the period")
    unit = getattr(INDICATORS.get(criterion.indicator), "unit", "ratio")
    if unit == "hours":
        return _("%(hours)s hours") % {"hours": Decimal(value).quantize(Decimal("0.1"), ROUND_HALF_UP).normalize()}
    return percent(value)


def threshold_text(criterion) -> str:
    if criterion.threshold is None:
        return ""
    return measured_text(criterion, criterion.threshold)


def indicator_name(criterion) -> str:
    found = INDICATORS.get(criterion.indicator)
    return str(found.name) if found else criterion.indicator


@dataclass
class OrgHistoryRow:
    assessment: Assessment
    cycle: Cycle
    grade_name: str
    movement: str  # a Movement code, "" while not approved


def org_history_rows(organization: Organization, user) -> list[OrgHistoryRow]:
    """Every assessment of ``organization`` the user may see, newest first, with the grade's name and the
    movement from the previous approved assessment under the same scheme code (two queries)."""
    assessments = list(Assessment.objects.restrict(user, "view").filter(organization=organization)
                       .select_related("cycle__scheme", "cycle__organization")
                       .order_by("cycle__scheme__code", "cycle__year", "cycle__id"))
    grades: dict[int, list[Grade]] = {}
    for grade in Grade.objects.filter(scheme__in={a.cycle.scheme_id for a in assessments}):
        grades.setdefault(grade.scheme_id, []).append(grade)
    # Ranks are compared by grade code across versions of a scheme (the code is kept between versions).
    rows, previous = [], {}
    for a in assessments:
        scheme_grades = grades.get(a.cycle.scheme_id, [])
        names = {g.code: g.name for g in scheme_grades}
        move = ""
        if a.status == AssessmentStatus.APPROVED:
            lowest = min((g.rank for g in scheme_grades), default=None)
            before = previous.get(a.cycle.scheme.code)
            move = grading.movement(grading.rank_of(scheme_grades, before) if before else None,
                                    grading.rank_of(scheme_grades, a.grade), lowest)
            previous[a.cycle.scheme.code] = a.grade
        rows.append(OrgHistoryRow(a, a.cycle, names.get(a.grade, a.grade), move))
    rows.sort(key=lambda r: (-r.cycle.year, r.cycle.scheme.code))
    return rows


def own_organization_cycles(user) -> list[Assessment]:
    """For a member without a subtree: the assessments of their own organization (shown, not linked)."""
    scope = user_scope(user, "view")
    if not scope.own_org_ids:
        return []
    return list(Assessment.objects.filter(organization__in=scope.own_org_ids)
                .select_related("cycle__scheme", "organization").order_by("-cycle__year", "-cycle__id")[:20])


def may_open_cycles(user) -> bool:
    return run_by_choices(user).exists()

