"""Indicators a criterion can be measured by (rule 4: enter once, derive everything).

An indicator computes one figure for an organization's subtree over a period from the records of
another module (meetings held, study hours, requests closed on time, volunteer hours, survey
answers) and names the page listing those records. A criterion bound to an indicator is met
when the value reaches the criterion's threshold; nobody types it. The formulas are listed in
``docs/assessment.md``.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.organizations.models import Organization


@dataclass(frozen=True)
class Measure:
    """The value of an indicator for one organization and period, and where its records are."""

    value: Decimal | None  # None: no records to measure in the period
    records_url: str
    detail: str = ""  # what the value is made of, e.g. "27 of 30 meetings held"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str  # "ratio" (shown as a percentage) or "hours"
    compute: Callable[[Organization, datetime.date, datetime.date], Measure]


INDICATORS: dict[str, Indicator] = {}


def indicator(code: str, name, unit: str = "ratio"):
    """Register the decorated ``f(organization, start, end) -> Measure`` as an indicator."""

    def register(compute):
        INDICATORS[code] = Indicator(code, name, unit, compute)
        return compute

    return register


def measure(code: str, organization: Organization, start: datetime.date, end: datetime.date) -> Measure:
    """The value of indicator ``code`` for ``organization``'s subtree from ``start`` to ``end`` (inclusive)."""
    return INDICATORS[code].compute(organization, start, end)


def indicator_choices() -> list[tuple[str, str]]:
    return [(code, str(ind.name)) for code, ind in sorted(INDICATORS.items())]


# ----- the indicators -------------------------------------------------------------------------
# Each reuses the selectors of its module, so a value agrees with the page its link opens.

def _ratio(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"))


def _years(start: datetime.date, end: datetime.date) -> range:
    return range(start.year, end.year + 1)


@indicator("orglife.meeting_compliance", gettext_lazy("Required meetings held"), "ratio")
def meeting_compliance(organization: Organization, start: datetime.date, end: datetime.date) -> Measure:
    """Meetings held ÷ meetings required of the subtree's branches, committees and Party groups in
    the periods (months, quarters, years of the rules) that ended within [start, end] by today.
    A period's extra meetings do not make up for another period's missing ones (as on the
    compliance page, held counts at most the number required)."""
    from dangjian.orglife.selectors import compliance

    until = min(end, timezone.localdate())
    required = held = 0
    for year in _years(start, until):
        for row in compliance(organization, year, today=until):
            if start <= row.span.end <= until:
                required += row.required
                held += min(row.held, row.required)
    url = reverse("orglife:compliance") + "?" + urlencode({"org": organization.pk, "year": end.year})
    detail = _("%(held)d of %(required)d required meetings held") % {"held": held, "required": required}
    return Measure(_ratio(held, required), url, detail)


@indicator("orglife.study_completion", gettext_lazy("Members meeting the yearly study hours"), "ratio")
def study_completion(organization: Organization, start: datetime.date, end: datetime.date) -> Measure:
    """Members on the subtree's roll whose study hours of the year reached their target (56 for
    secretaries and committee members, 32 for others: rule pack) ÷ members on the roll, for each
    year the period covers. The study page's own ``study_standings`` (three grouped queries)."""
    from dangjian.orglife.selectors import members_for_study, study_standings

    met = total = 0
    for year in _years(start, end):
        standings = study_standings(members_for_study(organization).only("pk"), year, organization=organization)
        total += len(standings)
        met += sum(1 for s in standings if s.short == 0)
    url = reverse("orglife:study") + "?" + urlencode({"org": organization.pk, "year": end.year})
    detail = _("%(met)d of %(members)d members met their study hours") % {"met": met, "members": total}
    return Measure(_ratio(met, total), url, detail)


def _grid_figure(organization: Organization, start: datetime.date, end: datetime.date, code: str) -> Measure:
    """A figure of the grid indicators for the subtree over [start, end]. The grid's grouped
    counts are additive over months (requests due, ratings given in the period), so one count
    over the whole period equals the sum of the monthly figures of the indicators page."""
    from dangjian.grid import indicators as grid

    unit = grid.Unit("org", organization)
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    until = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
    counts: dict[str, int] = {}
    if code == "on_time_closure":
        rows, numerator, denominator = grid._request_counts("org", [unit], since, until), "due_on_time", "due"
    else:
        rows, numerator, denominator = grid._rating_counts("org", [unit], since, until), "satisfied", "rated"
    for _key, row in rows:
        for name, value in row.items():
            counts[name] = counts.get(name, 0) + value
    n, d = counts.get(numerator, 0), counts.get(denominator, 0)
    first_month = start.replace(day=1)
    if first_month == end.replace(day=1):
        url = grid.records_url(unit, code, first_month)
    else:
        url = reverse("grid:indicators") + "?" + urlencode({"org": organization.pk, "month": end.strftime("%Y-%m")})
    detail = _("%(figure)s: %(n)d of %(d)d") % {"figure": grid.FIGURES[code], "n": n, "d": d}
    return Measure(_ratio(n, d), url, detail)


@indicator("grid.on_time_closure", gettext_lazy("Residents' requests closed on time"), "ratio")
def on_time_closure(organization: Organization, start: datetime.date, end: datetime.date) -> Measure:
    """Requests due in the period closed by their deadline ÷ requests due (grid indicators)."""
    return _grid_figure(organization, start, end, "on_time_closure")


@indicator("grid.satisfaction", gettext_lazy("Residents satisfied with their requests"), "ratio")
def request_satisfaction(organization: Organization, start: datetime.date, end: datetime.date) -> Measure:
    """First ratings in the period saying "satisfied" ÷ first ratings given (grid indicators)."""
    return _grid_figure(organization, start, end, "satisfaction")


def members_on(organization: Organization, day: datetime.date) -> int:
    """Party members whose relation the subtree held on ``day`` (dated membership periods)."""
    from dangjian.members.models import Membership

    return (Membership.objects.filter(organization__path__startswith=organization.path, started_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day)).values("member").distinct().count())


@indicator("volunteers.hours_per_member", gettext_lazy("Volunteer hours per Party member"), "hours")
def hours_per_member(organization: Organization, start: datetime.date, end: datetime.date) -> Measure:
    """Hours of completed volunteer sign-ups on activities of the subtree's teams held in the period
    ÷ Party members of the subtree on the period's last day."""
    from dangjian.volunteers.models import SignUp
    from dangjian.volunteers.selectors import DONE

    hours = SignUp.objects.filter(
        status=DONE, need__activity__team__organization__path__startswith=organization.path,
        need__activity__date__gte=start, need__activity__date__lte=end,
    ).aggregate(h=Sum("hours", default=Decimal(0)))["h"]
    members = members_on(organization, end)
    value = (Decimal(hours) / members).quantize(Decimal("0.01")) if members else None
    url = reverse("volunteers:figures") + "?" + urlencode({"org": organization.pk, "year": end.year})
    detail = _("%(hours)s volunteer hours, %(members)d members") % {"hours": hours.normalize(), "members": members}
    return Measure(value, url, detail)


def survey_satisfaction_counts(organization: Organization, start: datetime.date, end: datetime.date) -> tuple[int, int]:
    """(satisfied, rated): rating answers of open or closed satisfaction surveys run in the subtree,
    answered in the period; satisfied when the rating reaches ``assessment.satisfied_rating``."""
    from dangjian.core.rules import rule_value

    from .choices import QuestionKind, SurveyPurpose, SurveyStatus
    from .models import Answer

    satisfied_rating = int(rule_value("assessment.satisfied_rating", organization=organization))
    counts = Answer.objects.filter(
        question__kind=QuestionKind.RATING, rating__isnull=False,
        response__survey__purpose=SurveyPurpose.SATISFACTION,
        response__survey__status__in=(SurveyStatus.OPEN, SurveyStatus.CLOSED),
        response__survey__organization__path__startswith=organization.path,
        response__submitted_on__gte=start, response__submitted_on__lte=end,
    ).aggregate(rated=Count("pk"), satisfied=Count("pk", filter=Q(rating__gte=satisfied_rating)))
    return counts["satisfied"], counts["rated"]


@indicator("surveys.satisfaction", gettext_lazy("Satisfied answers in satisfaction surveys"), "ratio")
def survey_satisfaction(organization: Organization, start: datetime.date, end: datetime.date) -> Measure:
    """Satisfied ratings ÷ ratings given in the subtree's satisfaction surveys in the period."""
    try:
        from .selectors_surveys import satisfaction
    except ImportError:
        satisfaction = survey_satisfaction_counts
    satisfied, rated = satisfaction(organization, start, end)
    try:
        url = reverse("assessment:surveys")
    except NoReverseMatch:
        url = "/assessment/surveys/"
    detail = _("%(satisfied)d of %(rated)d ratings satisfied") % {"satisfied": satisfied, "rated": rated}
    return Measure(_ratio(satisfied, rated), url + "?" + urlencode({"org": organization.pk}), detail)
