"""Reads of assessment cycles: the grade distribution, movements between years, the rows of a cycle,
one assessment in full, an organization's history, and what waits for a user.

Every read is a fixed number of aggregate queries, whatever the number of organizations.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from dangjian.core.access import user_scope
from dangjian.core.numbers import percent
from dangjian.organizations.choices import BRANCH_TYPES, OrgStatus, OrgType
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import organizations_for

from . import grading
from .choices import AssessmentStatus, CycleStatus, Movement, Performer
from .models import Assessment, AssessmentLog, CriterionResult, Cycle, Evidence, Grade, ReviewStep
from .services_cycles import current_step, movement_from, previous_grades, scheme_grades, scheme_steps

S = AssessmentStatus


@dataclass(frozen=True)
class GradeShare:
    code: str
    name: str
    rank: int
    count: int
    percent: Decimal  # of the approved assessments, 2 places


@dataclass(frozen=True)
class Distribution:
    total: int
    approved: int
    rows: list[GradeShare]
    vetoed: int
    stars_earned: int
    stars_possible: int
    star_rate: Decimal | None  # stars earned of those possible, percent to 2 places


def distribution(cycle: Cycle) -> Distribution:
    """The grades of the cycle's approved assessments: counts and percentages, vetoes, stars earned."""
    grades = scheme_grades(cycle.scheme)
    approved_q = Q(status=S.APPROVED)
    totals = cycle.assessments.aggregate(
        total=Count("pk"), approved=Count("pk", filter=approved_q),
        vetoed=Count("pk", filter=approved_q & Q(vetoed=True)), stars=Sum("stars", filter=approved_q))
    counts = dict(cycle.assessments.filter(approved_q).values_list("grade").annotate(n=Count("pk")).order_by())
    criteria = cycle.scheme.criteria.filter(is_veto=False).count()
    approved = totals["approved"]
    rows = [GradeShare(g.code, g.name, g.rank, counts.get(g.code, 0), percent(counts.get(g.code, 0), approved)
                       or Decimal("0.00")) for g in grades]
    stars_possible = approved * criteria
    stars = totals["stars"] or 0
    return Distribution(total=totals["total"], approved=approved, rows=rows, vetoed=totals["vetoed"],
                        stars_earned=stars, stars_possible=stars_possible, star_rate=percent(stars, stars_possible))


def movements(cycle: Cycle) -> dict[int, str]:
    """Assessment id → how its grade moved from the organization's previous approved rating (two queries;
    compute once per page and hand it to :func:`movement_counts` and :func:`cycle_rows`)."""
    previous = previous_grades(cycle.scheme.code, cycle.year, cycle.assessments.values("organization"))
    grades = scheme_grades(cycle.scheme)
    rows = Assessment.objects.filter(cycle=cycle).values_list("pk", "organization_id", "grade").order_by()
    return {pk: movement_from(previous.get(org_id), grades, grade) for pk, org_id, grade in rows}


def movement_counts(cycle: Cycle, moves: dict[int, str] | None = None) -> dict[str, int]:
    """How the approved organizations of the cycle moved from their previous rating (a grade still
    under review is provisional and not counted); every movement listed, zeros included. ``moves``:
    :func:`movements` of the cycle when already computed."""
    approved = set(cycle.assessments.filter(status=S.APPROVED).values_list("pk", flat=True))
    counts = dict.fromkeys(Movement.values, 0)
    for pk, code in (movements(cycle) if moves is None else moves).items():
        if pk in approved:
            counts[code] += 1
    return counts


@dataclass(frozen=True)
class CycleRow:
    organization: Organization
    assessment: Assessment
    grade_name: str
    points: Decimal
    stars: int
    vetoed: bool
    step_name: str
    status: str
    movement: str
    target_name: str
    target_reached: bool | None

    @property
    def status_display(self) -> str:
        return str(AssessmentStatus(self.status).label)

    @property
    def movement_display(self) -> str:
        return str(Movement(self.movement).label)


def cycle_rows(cycle: Cycle, user=None, moves: dict[int, str] | None = None) -> list[CycleRow]:
    """One row per organization of the cycle (those ``user`` may see, when given), in tree order.
    ``moves``: :func:`movements` of the cycle when already computed."""
    scheme = cycle.scheme
    grades, steps = scheme_grades(scheme), {s.order: s for s in scheme_steps(scheme)}
    names = {g.code: g.name for g in grades}
    assessments = Assessment.objects.filter(cycle=cycle)
    if user is not None:
        assessments = assessments.restrict(user, "view")
    assessments = list(assessments.select_related("organization").order_by("organization__path"))
    if moves is None:
        moves = movements(cycle) if assessments else {}
    rows = []
    for a in assessments:
        a.cycle = cycle
        step = steps.get(a.step)
        rows.append(CycleRow(
            organization=a.organization, assessment=a, grade_name=names.get(a.grade, a.grade), points=a.points,
            stars=a.stars, vetoed=a.vetoed, step_name=step.name if step else "", status=a.status,
            movement=moves.get(a.pk, Movement.NEW),
            target_name=names.get(a.target_grade, a.target_grade),
            target_reached=grading.reached(grades, a.grade, a.target_grade)))
    return rows


def assessment_detail(assessment: Assessment) -> dict:
    """One assessment in full: results with their criterion and evidence, the step log, the steps with
    the current one marked, the grade and target names."""
    scheme = assessment.cycle.scheme
    grades = scheme_grades(scheme)
    names = {g.code: g.name for g in grades}
    results = list(CriterionResult.objects.filter(assessment=assessment).select_related("criterion", "reviewed_by")
                   .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("added_by"))))
    log = list(AssessmentLog.objects.filter(assessment=assessment).select_related("actor"))
    current = current_step(assessment)
    approved = assessment.status == S.APPROVED
    steps = [{"step": s, "current": s.order == current.order and not approved,
              "done": approved or s.order < current.order} for s in scheme_steps(scheme)]
    return {
        "assessment": assessment,
        "results": [{"result": r, "criterion": r.criterion, "evidence": list(r.evidence.all())} for r in results],
        "judged": [r for r in results if not r.criterion.measured and not r.criterion.is_veto],
        "measured": [r for r in results if r.criterion.measured],
        "veto": [r for r in results if r.criterion.is_veto and not r.criterion.measured],
        "log": log,
        "steps": steps,
        "current_step": current,
        "grade_name": names.get(assessment.grade, assessment.grade),
        "target_name": names.get(assessment.target_grade, assessment.target_grade),
        "target_reached": grading.reached(grades, assessment.grade, assessment.target_grade),
    }


@dataclass(frozen=True)
class HistoryRow:
    year: int
    cycle: Cycle
    grade_name: str
    points: Decimal
    stars: int
    vetoed: bool
    assessment: Assessment


def history(organization: Organization, scheme_code: str) -> list[HistoryRow]:
    """The organization's approved ratings of a scheme (any version) year by year, oldest first."""
    grade_name = Grade.objects.filter(scheme=OuterRef("cycle__scheme"), code=OuterRef("grade")).values("name")[:1]
    rows = (Assessment.objects.filter(organization=organization, status=S.APPROVED, cycle__scheme__code=scheme_code)
            .select_related("cycle").annotate(grade_name=Subquery(grade_name)).order_by("cycle__year", "cycle_id"))
    return [HistoryRow(year=a.cycle.year, cycle=a.cycle, grade_name=a.grade_name or a.grade, points=a.points,
                       stars=a.stars, vetoed=a.vetoed, assessment=a) for a in rows]


def run_by_choices(user):
    """Organizations the user may open a cycle for: those they may add to, not branches or Party groups."""
    return organizations_for(user, "add", exclude_types=[*BRANCH_TYPES, OrgType.PARTY_GROUP])


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


def cycles_for(user) -> QuerySet[Cycle]:
    """Cycles in the user's sight, newest first, with ``assessment_count`` and ``approved_count``."""
    return (Cycle.objects.restrict(user, "view").select_related("scheme", "organization")
            .annotate(assessment_count=Count("assessments", distinct=True),
                      approved_count=Count("assessments", filter=Q(assessments__status=S.APPROVED), distinct=True)))


def waiting_for(user) -> QuerySet[Assessment]:
    """Assessments of open cycles whose current step waits for ``user``'s level (the workbench's to-do list)."""
    scope = user_scope(user, "change")
    performer = ReviewStep.objects.filter(scheme=OuterRef("cycle__scheme"), order=OuterRef("step")).values("performer")
    queryset = (Assessment.objects.filter(cycle__status=CycleStatus.OPEN, status__in=(S.IN_REVIEW, S.RETURNED))
                .annotate(step_performer=Subquery(performer[:1]))
                .select_related("cycle__scheme", "cycle__organization", "organization")
                .order_by("cycle__period_end", "cycle_id", "organization__path"))
    if scope.everything:
        return queryset
    if not scope.paths:
        return queryset.none()
    # The to-do goes to the level that performs the step, not to everyone above it (who may also act):
    # the assessed organization's own people, those of the organization right above it, those of the
    # organization running the cycle.
    mine = Q(pk__in=[])
    for path in scope.paths:
        mine |= Q(step_performer=Performer.SELF, organization__path=path)
        mine |= Q(step_performer=Performer.PARENT, organization__path__startswith=path,
                  organization__depth=len(path) // Organization.steplen + 1)
        mine |= Q(step_performer=Performer.OWNER, cycle__organization__path=path)
    return queryset.filter(mine)


__all__ = [
    "CycleRow", "Distribution", "GradeShare", "HistoryRow", "assessment_detail", "cycle_rows", "cycles_for",
    "distribution", "eligible_organizations", "history", "movement_counts", "movements", "percent", "run_by_choices",
    "waiting_for",
]
