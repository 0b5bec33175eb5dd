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

from django.db.models import Q, Sum
from django.urls import reverse
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
    year the period covers. The roll of a year is the dated one of its last day (of the period's
    last day for the last year), so members who joined or left later do not change a past year.
    The study page's own ``study_standings`` (three grouped queries)."""
    from dangjian.members.models import Member
    from dangjian.orglife.selectors import study_standings

    met = total = 0
    for year in _years(start, end):
        roll = roll_on(organization, min(datetime.date(year, 12, 31), end))
        members = Member.objects.filter(pk__in=roll).only("pk").order_by("pk")
        standings = study_standings(members, year, organization=organization)
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
    n, d = grid.period_counts(code, unit, start, end)
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


def roll_on(organization: Organization, day: datetime.date):
    """The Party members whose relation the subtree held on ``day`` (dated membership periods), as a
    subquery of member ids."""
    from dangjian.members.models import Membership

    return (Membership.objects.filter(organization__path__startswith=organization.path, started_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day)).values("member"))


def members_on(organization: Organization, day: datetime.date) -> int:
    """How many Party members the subtree held on ``day`` (see :func:`roll_on`)."""
    return roll_on(organization, day).distinct().count()


@indicator("volunteers.hours_per_member", gettext_lazy("Volunteer hours per Party member"), "hours")
def hours_per_member(organization: Organization, start: datetime.date, end: datetime.date) -> Measure:
    """Hours of completed volunteer sign-ups, on activities held in the period, of the Party members on
    the subtree's roll on the period's last day (on any team; a volunteer is a member by record or by
    account, as in ``volunteers.selectors.member_service_hours``) ÷ those members. Residents' hours do
    not count."""
    from dangjian.members.models import Member
    from dangjian.volunteers.models import SignUp
    from dangjian.volunteers.selectors import DONE

    roll = roll_on(organization, end)
    accounts = Member.objects.filter(pk__in=roll, user__isnull=False).values("user")
    hours = SignUp.objects.filter(
        Q(volunteer__member__in=roll) | Q(volunteer__user__in=accounts),
        status=DONE, need__activity__date__gte=start, need__activity__date__lte=end,
    ).aggregate(h=Sum("hours", default=Decimal(0)))["h"]
    members = members_on(organization, end)
    value = (Decimal(hours) / members).quantize(Decimal("0.01")) if members else None
    url = reverse("volunteers:figures") + "?" + urlencode({"org": organization.pk, "year": end.year})
    detail = _("%(hours)s volunteer hours, %(members)d members") % {"hours": hours.normalize(), "members": members}
    return Measure(value, url, detail)


@indicator("surveys.satisfaction", gettext_lazy("Satisfied answers in satisfaction surveys"), "ratio")
def survey_satisfaction(organization: Organization, start: datetime.date, end: datetime.date) -> Measure:
    """Satisfied ratings ÷ ratings given in the subtree's satisfaction surveys in the period."""
    from .selectors_surveys import satisfaction

    satisfied, rated = satisfaction(organization, start, end)
    url = reverse("assessment:surveys") + "?" + urlencode({"org": organization.pk})
    detail = _("%(satisfied)d of %(rated)d ratings satisfied") % {"satisfied": satisfied, "rated": rated}
    return Measure(_ratio(satisfied, rated), url, detail)


def value_text(code_or_unit: str, value) -> str:
    """A value of an indicator (its code) or of a unit ("ratio", "hours") as people read it: a rate as a
    percentage with one decimal ("46.0%"), hours without an exponent ("10 hours", "2.5 hours"); "—"
    for no value."""
    from decimal import ROUND_HALF_UP

    if value is None:
        return "—"
    found = INDICATORS.get(code_or_unit)
    unit = found.unit if found else code_or_unit
    if unit == "hours":
        hours = f"{Decimal(value).quantize(Decimal('0.1'), ROUND_HALF_UP):f}".removesuffix(".0")
        return _("%(hours)s hours") % {"hours": hours}
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP):f}%"
