"""Reads of the follow-up work: rectification tasks with their overdue state (computed from the
deadline and the day, never stored), the work reports a user may see, rate or must submit, and
the scores of a review round (one aggregate query for all its reports)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils import timezone

from dangjian.core.access import user_scope
from dangjian.core.rules import RuleBook, ancestor_codes
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .choices import RaterCapacity, RectificationStatus, ReportGrade, ReviewRoundStatus
from .models import Rectification, ReviewRound, WorkReport, WorkReportRating
from .models.scope import orgs_in
from .services_followup import RATING_MEMBER_STATUSES

S = RectificationStatus
MEMBER_DEFER = ("reporter__id_number", "reporter__phone", "reporter__address")


# ---------------------------------------------------------------------------------------------
# Rectification tasks

def overdue_q(today: datetime.date) -> Q:
    """Tasks not closed whose deadline has passed."""
    return ~Q(status=S.CLOSED) & Q(deadline__lt=today)


def with_overdue(queryset, today: datetime.date):
    """Annotate ``is_overdue`` and ``overdue_by`` (a timedelta, None when not overdue)."""
    return queryset.annotate(
        is_overdue=Case(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()),
        overdue_by=Case(When(overdue_q(today), then=ExpressionWrapper(Value(today) - F("deadline"),
                                                                      output_field=DurationField())),
                        default=None, output_field=DurationField()),
    )


def days_overdue(task) -> int:
    """Whole days a task (from :func:`with_overdue`) is past its deadline; 0 when it is not."""
    return task.overdue_by.days if getattr(task, "overdue_by", None) else 0


def to_submit_q(user) -> Q:
    """Open tasks the user must answer: given to them, or of an organization where they hold the
    role themselves (not those of organizations below, whose own secretaries answer)."""
    scope = user_scope(user, "change")
    return Q(status=S.OPEN) & (Q(owner=user) | Q(organization__path__in=scope.paths))


def to_check_q(user) -> Q:
    """Submitted tasks the user checks: of organizations whose parent they change."""
    scope = user_scope(user, "change")
    if scope.everything:
        return Q(status=S.SUBMITTED)
    below = Q(pk__in=[])
    for path in scope.paths:
        below |= Q(organization__path__startswith=path, organization__depth__gt=len(path) // Organization.steplen)
    return Q(status=S.SUBMITTED) & below


def rectifications(user, today: datetime.date):
    """The tasks in the user's sight, with the overdue annotations and what the list shows."""
    queryset = (Rectification.objects.restrict(user, "view")
                .select_related("organization", "owner", "source__criterion", "source__assessment"))
    return with_overdue(queryset, today)


@dataclass
class RectificationFilters:
    org: Organization | None = None
    status: str = ""
    overdue: bool = False
    cycle: int | None = None
    todo: str = ""  # "submit" or "check"


def filtered(queryset, user, filters: RectificationFilters, today: datetime.date):
    if filters.org is not None:
        queryset = queryset.filter(organization__path__startswith=filters.org.path)
    if filters.status in S.values:
        queryset = queryset.filter(status=filters.status)
    if filters.overdue:
        queryset = queryset.filter(overdue_q(today))
    if filters.cycle:
        queryset = queryset.filter(source__assessment__cycle_id=filters.cycle)
    if filters.todo == "submit":
        queryset = queryset.filter(to_submit_q(user))
    elif filters.todo == "check":
        queryset = queryset.filter(to_check_q(user))
    return queryset


def rectification_counts(queryset, today: datetime.date) -> dict[str, int]:
    """Open, overdue, awaiting check and closed tasks of a queryset (one query)."""
    return queryset.order_by().aggregate(
        open=Count("pk", filter=Q(status=S.OPEN)), overdue=Count("pk", filter=overdue_q(today)),
        submitted=Count("pk", filter=Q(status=S.SUBMITTED)), closed=Count("pk", filter=Q(status=S.CLOSED)))


def source_cycles(user):
    """The cycles that tasks in the user's sight came from (for the filter)."""
    from .models import Cycle

    tasks = Rectification.objects.restrict(user, "view").filter(source__isnull=False)
    return Cycle.objects.filter(pk__in=tasks.values("source__assessment__cycle")).order_by("-year", "name")


# ---------------------------------------------------------------------------------------------
# Work reports

def own_member(user):
    """The user's own member record if they are in the Party now (id and organization path)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (Member.objects.filter(user=user, status__in=RATING_MEMBER_STATUSES)
            .values("pk", "organization__path").first())


def member_rater_q(user) -> Q:
    """Reports the user may rate as a member: of organizations whose subtree holds their record,
    except their own report."""
    member = own_member(user)
    if member is None:
        return Q(pk__in=[])
    path = member["organization__path"]
    lineage = [path[:end] for end in range(Organization.steplen, len(path) + 1, Organization.steplen)]
    return Q(organization__path__in=lineage) & ~Q(reporter_id=member["pk"])


def upper_rater_q(user) -> Q:
    scope = user_scope(user, "change")
    if scope.everything:
        return Q()
    if not scope.paths:
        return Q(pk__in=[])
    return Q(round__organization__in=orgs_in(scope))


def visible_reports(user):
    """Reports in the user's sight: those over the reporting or running organization, the reporter,
    and the members who may rate them."""
    if not getattr(user, "is_authenticated", False):
        return WorkReport.objects.none()
    return WorkReport.objects.filter(Q(pk__in=WorkReport.objects.restrict(user, "view").values("pk"))
                                     | Q(reporter__user=user) | member_rater_q(user))


def reports_to_rate(user, today: datetime.date):
    """Submitted reports of open rounds, still open for ratings, that the user may rate and has not."""
    if not getattr(user, "is_authenticated", False):
        return WorkReport.objects.none()
    rated = WorkReportRating.objects.filter(report=OuterRef("pk"), rater=user)
    return (WorkReport.objects.filter(upper_rater_q(user) | member_rater_q(user))
            .filter(round__status=ReviewRoundStatus.OPEN, round__rate_until__gte=today, submitted_at__isnull=False)
            .exclude(Exists(rated))
            .select_related("round", "organization").order_by("round__rate_until", "organization__path"))


def reports_to_submit(user):
    """Reports of open rounds that the user reports and has not submitted."""
    if not getattr(user, "is_authenticated", False):
        return WorkReport.objects.none()
    return (WorkReport.objects.filter(reporter__user=user, submitted_at__isnull=True,
                                      round__status=ReviewRoundStatus.OPEN)
            .select_related("round", "organization").order_by("round__rate_until"))


def rounds(user):
    """Rounds in the user's sight with their report counts (one query)."""
    return (ReviewRound.objects.restrict(user, "view").select_related("organization")
            .annotate(report_count=Count("reports"),
                      submitted_count=Count("reports", filter=Q(reports__submitted_at__isnull=False))))


# ---------------------------------------------------------------------------------------------
# Scores

@dataclass(frozen=True)
class ScoreRules:
    points: dict[str, Decimal]
    bands: list[tuple[Decimal, str]]  # (minimum, grade), highest minimum first

    @classmethod
    def for_round(cls, round_: ReviewRound) -> ScoreRules:
        """The points and bands in force on the day the round was opened: a later rule pack does not
        move the scores of a round (nor of a closed one)."""
        opened_on = timezone.localdate(round_.created_at) if round_.created_at else None
        book, codes = RuleBook(on=opened_on), ancestor_codes(round_.organization)  # two queries for both rules
        points = book.get("assessment.report_grade_points", codes).value
        bands = book.get("assessment.report_grade_bands", codes).value
        return cls(points={k: Decimal(str(v)) for k, v in points.items()},
                   bands=sorted(((Decimal(str(v)), k) for k, v in bands.items()), reverse=True))

    def grade_for(self, score: Decimal | None) -> str:
        if score is None:
            return ""
        for minimum, grade in self.bands:
            if minimum <= score:
                return grade
        return ""


def _mean(counts: dict[str, int], points: dict[str, Decimal]) -> Decimal | None:
    total = sum(counts.values())
    if not total:
        return None
    return sum((points[g] * n for g, n in counts.items()), Decimal(0)) / total


def overall_score(upper: dict[str, int], member: dict[str, int], upper_weight: Decimal,
                  points: dict[str, Decimal]) -> Decimal | None:
    """upper_weight × mean(upper points) + (1 − upper_weight) × mean(member points); one side alone
    when the other has no ratings; None without ratings. Two decimals, half up."""
    upper_mean, member_mean = _mean(upper, points), _mean(member, points)
    if upper_mean is None and member_mean is None:
        return None
    if upper_mean is None:
        score = member_mean
    elif member_mean is None:
        score = upper_mean
    else:
        score = upper_weight * upper_mean + (1 - upper_weight) * member_mean
    return score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class ReportRow:
    report: WorkReport
    upper: dict[str, int] = field(default_factory=dict)   # grade → count
    member: dict[str, int] = field(default_factory=dict)
    score: Decimal | None = None
    grade: str = ""

    @property
    def upper_total(self) -> int:
        return sum(self.upper.values())

    @property
    def member_total(self) -> int:
        return sum(self.member.values())

    @property
    def grade_label(self) -> str:
        return ReportGrade(self.grade).label if self.grade else ""

    def tallies(self, capacity: str) -> list[tuple[str, str, int]]:
        counts = self.upper if capacity == RaterCapacity.UPPER else self.member
        return [(g, label, counts.get(g, 0)) for g, label in ReportGrade.choices]


def _alias(capacity: str, grade: str) -> str:
    return f"n_{capacity}_{grade}"


def report_rows(round_: ReviewRound, *, reports=None) -> list[ReportRow]:
    """Each report of a round with its counts per side and grade, score and grade (one query for
    the reports, one for the rules)."""
    queryset = reports if reports is not None else WorkReport.objects.filter(round=round_)
    annotations = {_alias(c, g): Count("ratings", filter=Q(ratings__capacity=c, ratings__grade=g))
                   for c in RaterCapacity.values for g in ReportGrade.values}
    queryset = (queryset.select_related("organization", "reporter").defer(*MEMBER_DEFER)
                .annotate(**annotations).order_by("organization__path"))
    rules = ScoreRules.for_round(round_)
    rows = []
    for report in queryset:
        row = ReportRow(report=report,
                        upper={g: getattr(report, _alias(RaterCapacity.UPPER, g)) for g in ReportGrade.values},
                        member={g: getattr(report, _alias(RaterCapacity.MEMBER, g)) for g in ReportGrade.values})
        row.score = overall_score(row.upper, row.member, round_.upper_weight, rules.points)
        row.grade = rules.grade_for(row.score)
        rows.append(row)
    return rows


def upper_ratings(report: WorkReport):
    """The upper level's ratings of a report, named (members' ratings are never shown by name)."""
    return report.ratings.filter(capacity=RaterCapacity.UPPER).select_related("rater").order_by("at", "id")
