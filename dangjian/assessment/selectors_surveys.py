"""Reads of surveys: tallies per question, the satisfaction rate over a subtree, the surveys a
member may answer now, and labels of households for ballot codes.

Tallies are a few aggregate queries whatever the number of answers, and never read who
answered: text answers come back as text only.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from dangjian.core.numbers import percent
from dangjian.core.rules import rule_value
from dangjian.organizations.models import Organization

from .choices import QuestionKind, SurveyAccess, SurveyAudience, SurveyPurpose, SurveyStatus
from .models import Answer, Ballot, Participation, Question, Survey

LATEST_TEXTS = 50
TWO = Decimal("0.01")


@dataclass
class OptionTally:
    id: int
    text: str
    count: int
    percent: Decimal | None


@dataclass
class QuestionTally:
    question: Question
    answered: int = 0  # responses answering the question
    options: list[OptionTally] = field(default_factory=list)  # single and multiple choice
    distribution: list[tuple[int, int]] = field(default_factory=list)  # rating: (rating, count) for 1..scale
    average: Decimal | None = None  # rating
    satisfied: int = 0  # rating: answers at or above the satisfied rating (scaled to the question's scale)
    satisfied_from: Decimal | None = None
    satisfied_percent: Decimal | None = None
    texts: list[str] = field(default_factory=list)  # text: recent answers, by day then alphabetically

    @property
    def kind(self) -> str:
        return self.question.kind

    def chart(self) -> dict:
        """The data a chart of this question draws (see assessment-survey.js)."""
        if self.options:
            return {"id": self.question.pk, "kind": self.kind, "title": self.question.text,
                    "labels": [o.text for o in self.options], "counts": [o.count for o in self.options]}
        if self.distribution:
            return {"id": self.question.pk, "kind": self.kind, "title": self.question.text,
                    "labels": [str(r) for r, _n in self.distribution], "counts": [n for _r, n in self.distribution]}
        return {}


@dataclass
class SurveyTally:
    survey: Survey
    respondents: int
    questions: list[QuestionTally]
    issued: int | None = None  # ballot surveys: codes issued and used
    used: int | None = None

    @property
    def turnout(self) -> Decimal | None:
        return percent(self.used or 0, self.issued or 0) if self.issued is not None else None

    def charts(self) -> list[dict]:
        return [c for c in (q.chart() for q in self.questions) if c]


def satisfied_threshold(satisfied_rating, scale: int) -> Decimal:
    """The lowest rating that counts as satisfied on a 1..``scale`` rating (rule given on 5 points)."""
    return Decimal(str(satisfied_rating)) * scale / 5


def survey_tally(survey: Survey) -> SurveyTally:
    """Counts and percentages per option, rating distributions, averages and satisfied shares,
    the latest text answers, the number of respondents and (ballot surveys) the turnout."""
    questions = list(survey.questions.prefetch_related("options"))
    satisfied_rating = rule_value("assessment.satisfied_rating", organization=survey.organization)
    counts = Answer.objects.filter(question__survey=survey).values("question", "option", "rating").annotate(
        n=Count("id")).order_by()
    by_option: dict[int, int] = {}
    by_rating: dict[tuple[int, int], int] = {}
    for row in counts:
        if row["option"] is not None:
            by_option[row["option"]] = row["n"]
        elif row["rating"] is not None:
            by_rating[(row["question"], row["rating"])] = row["n"]
    answered = dict(Answer.objects.filter(question__survey=survey).values("question").annotate(
        n=Count("response", distinct=True)).order_by().values_list("question", "n"))
    texts: dict[int, list[str]] = {}
    text_ids = [q.pk for q in questions if q.kind == QuestionKind.TEXT]
    if text_ids:
        # By day, then by the text itself: never in the order of arrival (answers have random keys, and
        # a list that grows at the top would pair a new text with whoever just answered).
        recent = [F("response__submitted_on").desc(), F("text").asc()]
        latest = (Answer.objects.filter(question__in=text_ids).exclude(text="")
                  .annotate(rank=Window(RowNumber(), partition_by=[F("question")], order_by=recent))
                  .filter(rank__lte=LATEST_TEXTS).order_by("question", *recent).values_list("question", "text"))
        for question_id, text in latest:
            texts.setdefault(question_id, []).append(text)
    tallies = []
    for q in questions:
        t = QuestionTally(question=q, answered=answered.get(q.pk, 0))
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            t.options = [OptionTally(o.pk, o.text, by_option.get(o.pk, 0), percent(by_option.get(o.pk, 0), t.answered))
                         for o in q.options.all()]
        elif q.kind == QuestionKind.RATING:
            t.distribution = [(r, by_rating.get((q.pk, r), 0)) for r in range(1, q.scale + 1)]
            rated = sum(n for _r, n in t.distribution)
            if rated:
                t.average = (Decimal(sum(r * n for r, n in t.distribution)) / rated).quantize(TWO, ROUND_HALF_UP)
            t.satisfied_from = satisfied_threshold(satisfied_rating, q.scale)
            t.satisfied = sum(n for r, n in t.distribution if r >= t.satisfied_from)
            t.satisfied_percent = percent(t.satisfied, rated)
        else:
            t.texts = texts.get(q.pk, [])
        tallies.append(t)
    result = SurveyTally(survey=survey, respondents=survey.responses.count(), questions=tallies)
    if survey.access == SurveyAccess.BALLOT:
        result.issued, result.used = ballot_counts(survey)
    return result


def ballot_counts(survey: Survey) -> tuple[int, int]:
    """(issued, used) ballot codes of ``survey``."""
    figures = Ballot.objects.filter(survey=survey).aggregate(
        issued=Count("id"), used=Count("id", filter=Q(used_on__isnull=False)))
    return figures["issued"], figures["used"]


def tally(survey: Survey) -> list[QuestionTally]:
    """Per question of ``survey``: its tally (see :func:`survey_tally` for the whole survey)."""
    return survey_tally(survey).questions


def satisfaction(organization: Organization, start: datetime.date, end: datetime.date) -> tuple[int, int]:
    """(satisfied, rated) over the rating answers of satisfaction surveys run by organizations in
    ``organization``'s subtree, answered from ``start`` to ``end`` (inclusive). A rating counts as
    satisfied at or above the rule ``assessment.satisfied_rating`` (given on five points, scaled to
    each question's scale)."""
    satisfied_rating = Decimal(str(rule_value("assessment.satisfied_rating", organization=organization)))
    figures = (Answer.objects.filter(
        question__kind=QuestionKind.RATING, rating__isnull=False,
        question__survey__purpose=SurveyPurpose.SATISFACTION,
        question__survey__organization__path__startswith=organization.path,
        response__submitted_on__gte=start, response__submitted_on__lte=end)
        .annotate(five_times=F("rating") * 5)
        .aggregate(rated=Count("id"),
                   satisfied=Count("id", filter=Q(five_times__gte=F("question__scale") * satisfied_rating))))
    return figures["satisfied"], figures["rated"]


def open_for(user, today: datetime.date):
    """Signed-in members surveys the user (a Party member on the roll) may answer today and has not
    answered: those of their organization and the organizations above it. Residents reach their
    surveys through the link or QR code only."""
    from .services_surveys import ELIGIBLE_MEMBER_STATUSES

    if not getattr(user, "is_authenticated", False):
        return Survey.objects.none()
    own = (Organization.objects.filter(members__user=user, members__status__in=ELIGIBLE_MEMBER_STATUSES)
           .only("path").first())
    if own is None:
        return Survey.objects.none()
    return (Survey.objects.filter(organization__path__in=own.lineage_paths, audience=SurveyAudience.MEMBERS,
                                  access=SurveyAccess.ACCOUNT, status=SurveyStatus.OPEN,
                                  opens_on__lte=today, closes_on__gte=today)
            .exclude(pk__in=Participation.objects.filter(user=user).values("survey"))
            .select_related("organization").order_by("closes_on", "id"))


def run_by(user, *, org: Organization | None = None, purpose: str = "", status: str = ""):
    """Surveys run by organizations in the user's subtrees, with their number of responses."""
    surveys = Survey.objects.restrict(user, "view")
    if org is not None:
        surveys = surveys.filter(organization__path__startswith=org.path)
    if purpose in SurveyPurpose.values:
        surveys = surveys.filter(purpose=purpose)
    if status in SurveyStatus.values:
        surveys = surveys.filter(status=status)
    return (surveys.select_related("organization").annotate(response_count=Count("responses"))
            .order_by("-opens_on", "-id"))


def closing_soon(user, today: datetime.date, days: int = 3):
    """Open surveys the user may close (organizers, secretaries) that close within ``days`` days."""
    return Survey.objects.restrict(user, "transition").filter(
        status=SurveyStatus.OPEN, closes_on__gte=today, closes_on__lte=today + datetime.timedelta(days=days))


def _households(organization: Organization):
    from dangjian.grid.models import Household

    return Household.objects.filter(active=True, building__grid__active=True,
                                    building__grid__organization__path__startswith=organization.path)


def household_labels(organization: Organization) -> list[str]:
    """One label per household living in the grids of ``organization``'s subtree: building and
    room (never a name), to print on ballot codes for a residents' survey."""
    rows = _households(organization).order_by("building__name", "room").values_list("building__name", "room")
    return [f"{building} {room}" for building, room in rows]


def household_count(organization: Organization) -> int:
    """The number of households :func:`household_labels` would label (one count query)."""
    return _households(organization).count()


def raw_answers(survey: Survey, *, named: bool = False):
    """Every answer of ``survey`` with its question and option, for the export.

    A named survey's answers come response by response, in the order they were given. Otherwise
    they come question by question, sorted by the answer itself (option, rating, text), so that
    the rows reveal nothing of the order in which people answered."""
    answers = Answer.objects.filter(response__survey=survey).select_related("question", "option")
    if named:
        return answers.order_by("response__submitted_on", "response_id", "question__order", "question_id",
                                "option__order", "option_id")
    return answers.order_by("question__order", "question_id", "option__order", "option_id", "rating", "text",
                            "response_id")
