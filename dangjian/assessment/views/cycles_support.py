"""Small reads the cycle pages need beyond the cycle selectors: how a measured value reads, an
organization's assessments across schemes, and the landing page's links to the other assessment pages."""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.access import user_scope
from dangjian.organizations.models import Organization

from ..choices import AssessmentStatus, Movement
from ..indicators import INDICATORS, value_text
from ..models import Assessment, Cycle, Grade
from ..selectors_cycles import run_by_choices
from ..services_cycles import approved_ranks, movement_from, previous_in

# The other assessment pages, linked from the landing page.
SECTIONS = [
    ("assessment:schemes", "bi-journal-check", gettext_lazy("Schemes"),
     gettext_lazy("Criteria, grades and review steps of each rating")),
    ("assessment:surveys", "bi-ui-checks", gettext_lazy("Surveys"),
     gettext_lazy("Satisfaction surveys and democratic votes")),
    ("assessment:rectifications", "bi-wrench-adjustable", gettext_lazy("Rectification"),
     gettext_lazy("Tasks opened for shortfalls, with deadlines")),
    ("assessment:review_rounds", "bi-person-video3", gettext_lazy("Work-report reviews"),
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
    return [{"url": reverse(name), "icon": icon, "title": title, "text": text} for name, icon, title, text in SECTIONS]


def measured_text(criterion, value) -> str:
    """A measured value as people read it: a rate as a percentage, hours as hours."""
    if value is None:
        return _("no records in the period")
    return value_text(criterion.indicator, value)


def threshold_text(criterion) -> str:
    if criterion.threshold is None:
        return ""
    return value_text(criterion.indicator, criterion.threshold)


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
    """Every assessment of ``organization`` the user may see, newest first, with the grade's name and,
    once approved, the movement from the previous approved rating under the same scheme code, as on
    the cycle page (three queries)."""
    assessments = list(Assessment.objects.restrict(user, "view").filter(organization=organization)
                       .select_related("cycle__scheme", "cycle__organization")
                       .order_by("-cycle__year", "cycle__scheme__code", "cycle__id"))
    grades: dict[int, list[Grade]] = {}
    for grade in Grade.objects.filter(scheme__in={a.cycle.scheme_id for a in assessments}):
        grades.setdefault(grade.scheme_id, []).append(grade)
    approved = approved_ranks(organization=organization) if assessments else []
    rows = []
    for a in assessments:
        scheme_grades = grades.get(a.cycle.scheme_id, [])
        names = {g.code: g.name for g in scheme_grades}
        move = ""
        if a.status == AssessmentStatus.APPROVED:
            previous = previous_in(approved, organization.pk, a.cycle.scheme.code, a.cycle.year)
            move = movement_from(previous, scheme_grades, a.grade)
        rows.append(OrgHistoryRow(a, a.cycle, names.get(a.grade, a.grade), move))
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

