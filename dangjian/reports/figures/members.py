"""Figures of the members: how many were on the roll on a day and who they were, and how the roll
changed from the first of the year to that day.

On the roll on a day = a membership period in the subtree holds that day. The standing on the
day is read back from the dated status changes (the first change after the day tells what it
was before) and from the date of full membership; category, gender, ethnic group and education
have no dated history and are read as recorded now; the age is the age on the day.
"""
from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from dangjian.core.dates import add_years
from dangjian.members.choices import ENDED, ON_ROLL, Category, Education, Ethnicity, Gender, MemberStatus
from dangjian.members.choices import StandingChangeKind as Kind
from dangjian.members.models import Membership, MemberStatusChange

from .base import Figure, Scope, Section, valid_on
from .links import member_records

# Ways of leaving the roll that end membership (出党), as opposed to a transfer out.
LEFT = tuple(s for s in ENDED if s != MemberStatus.TRANSFERRED_OUT)
UNKNOWN = "unknown"


def age_bands(scope: Scope) -> list[tuple[str, str, int | None]]:
    """The age bands of the rule pack as (code, label, upper age or None for the last)."""
    uppers = scope.rule("stats.age_bands")
    bands, low = [], None
    for upper in uppers:
        if low is None:
            bands.append((f"to_{upper}", _("%(n)d and under") % {"n": upper}, upper))
        else:
            bands.append((f"{low}_{upper}", f"{low}–{upper}", upper))
        low = upper + 1
    bands.append((f"over_{uppers[-1]}", _("Over %(n)d") % {"n": uppers[-1]}, None))
    return bands


def on_roll(scope: Scope) -> QuerySet[Membership]:
    """The membership periods in the subtree that hold the scope's day: one per member on the roll."""
    return Membership.objects.filter(valid_on(scope.on, "started_on", "ended_on"), scope.org_q())


def _later_changes(scope: Scope) -> QuerySet[MemberStatusChange]:
    return MemberStatusChange.objects.filter(kind=Kind.STATUS, effective_on__gt=scope.on)


def _standing_from(recorded: str, on: datetime.date) -> Case:
    """The standing on ``on`` from the standing then in the annotation named ``recorded``: a full
    member whose full membership came later was still probationary."""
    return Case(
        When(Q(member__full_member_on__gt=on) & Q(**{recorded: MemberStatus.FULL}),
             then=Value(MemberStatus.PROBATIONARY)),
        default=F(recorded), output_field=CharField(),
    )


def with_age_band(scope: Scope, periods: QuerySet[Membership]) -> QuerySet[Membership]:
    """Annotate each period with the member's ``age_band`` on the scope's day."""
    *younger, oldest = age_bands(scope)
    bands = [When(member__birth_date__gt=add_years(scope.on, -(upper + 1)), then=Value(code))
             for code, _label, upper in younger]
    return periods.annotate(age_band=Case(*bands, default=Value(oldest[0]), output_field=CharField()))


def with_standing(scope: Scope, periods: QuerySet[Membership]) -> QuerySet[Membership]:
    """Annotate each period with the member's ``status_on`` and ``age_band`` on the scope's day: the
    standing before the first change after the day, else the standing now (for lists of records)."""
    later = _later_changes(scope)
    first_later = later.filter(member=OuterRef("member")).order_by("effective_on", "id").values("from_status")[:1]
    recorded = Case(
        When(member__in=later.values("member"), then=Coalesce(Subquery(first_later), F("member__status"))),
        default=F("member__status"), output_field=CharField(),
    )
    periods = periods.annotate(recorded=recorded).annotate(status_on=_standing_from("recorded", scope.on))
    return with_age_band(scope, periods)


def _standing_corrections(scope: Scope) -> Counter:
    """What the standing now (as the grouped count reads it) must give back to the standing on the
    day, for the few members on the roll whose standing changed after the day."""
    periods = on_roll(scope).filter(member__in=_later_changes(scope).values("member"))
    correction = Counter()
    periods = periods.annotate(recorded_now=F("member__status")).annotate(now=_standing_from("recorded_now", scope.on))
    for now, then in with_standing(scope, periods).values_list("now", "status_on"):
        correction[now] -= 1
        correction[then] += 1
    return correction


# Figure → the member field (or annotation) it breaks down; used by the counts and the records.
BREAKDOWNS = {
    "by_status": "status_on",
    "by_category": "member__category",
    "by_gender": "member__gender",
    "by_ethnicity": "member__ethnicity",
    "by_education": "member__education",
    "by_age_band": "age_band",
}


def roll(scope: Scope) -> dict:
    """The members on the roll on the day, counted by each breakdown: one grouped query over the
    standing recorded now (which lets PostgreSQL scan in parallel), corrected for the members whose
    standing changed after the day."""
    periods = with_age_band(scope, on_roll(scope).annotate(
        recorded=F("member__status")).annotate(status_on=_standing_from("recorded", scope.on)))
    rows = periods.values_list(*BREAKDOWNS.values()).annotate(n=Count("id")).order_by()
    counts = {name: Counter() for name in BREAKDOWNS}
    total = 0
    for *values, n in rows:
        total += n
        for name, value in zip(BREAKDOWNS, values, strict=True):
            counts[name][value or UNKNOWN] += n
    if _later_changes(scope).exists():
        counts["by_status"].update(_standing_corrections(scope))
    bands = [code for code, _label, _upper in age_bands(scope)]
    minorities = sum(n for code, n in counts["by_ethnicity"].items() if code != Ethnicity.HAN)
    return {
        "total": total,
        "by_status": {code: counts["by_status"][code] for code in ON_ROLL},
        "by_category": {code: counts["by_category"][code] for code in Category.values},
        "by_gender": {code: counts["by_gender"][code] for code in Gender.values},
        "by_ethnicity": {code: n for code, n in sorted(counts["by_ethnicity"].items()) if n},
        "minorities": minorities,
        "by_education": {code: counts["by_education"][code] for code in [*Education.values, UNKNOWN]},
        "by_age_band": {code: counts["by_age_band"][code] for code in bands},
    }


def _period(scope: Scope) -> tuple[datetime.date, datetime.date]:
    return scope.year_start, scope.on


def period_starts(scope: Scope) -> QuerySet[Membership]:
    """Periods in the subtree that began from the first of the year to the day, each with its
    ``change``: internal (moved within the subtree), admitted (the member's first period, joined
    the Party within the year) or transferred_in (everything else that came in)."""
    start, end = _period(scope)
    before_inside = Membership.objects.filter(scope.org_q(), member=OuterRef("member"), ended_on=OuterRef("started_on"))
    earlier = Membership.objects.filter(member=OuterRef("member"), started_on__lt=OuterRef("started_on"))
    return Membership.objects.filter(scope.org_q(), started_on__gte=start, started_on__lte=end).annotate(
        change=Case(
            When(Exists(before_inside), then=Value("internal")),
            When(~Exists(earlier) & Q(member__joined_on__gte=start, member__joined_on__lte=end), then=Value("admitted")),
            default=Value("transferred_in"), output_field=CharField(),
        )
    )


def period_ends(scope: Scope) -> QuerySet[Membership]:
    """Periods in the subtree that ended from the first of the year to the day, each with its
    ``change``: internal, one of the ways membership ends (died, expelled, …) recorded that day,
    or transferred_out (to an organization outside the subtree or out of the platform's area)."""
    start, end = _period(scope)
    after_inside = Membership.objects.filter(scope.org_q(), member=OuterRef("member"), started_on=OuterRef("ended_on"))
    reason = (
        MemberStatusChange.objects.filter(member=OuterRef("member"), kind=Kind.STATUS, effective_on=OuterRef("ended_on"),
                                          to_status__in=LEFT).order_by("-id").values("to_status")[:1]
    )
    return Membership.objects.filter(scope.org_q(), ended_on__gte=start, ended_on__lte=end).annotate(
        reason=Subquery(reason),
    ).annotate(
        change=Case(
            When(Exists(after_inside), then=Value("internal")),
            When(reason__isnull=False, then=F("reason")),
            default=Value("transferred_out"), output_field=CharField(),
        )
    )


def converted(scope: Scope) -> QuerySet[Membership]:
    """Periods in the subtree holding the day a probationary member became a full member (转正),
    that day falling from the first of the year to the scope's day."""
    start, end = _period(scope)
    return Membership.objects.filter(
        scope.org_q(), member__full_member_on__gte=start, member__full_member_on__lte=end,
        started_on__lte=F("member__full_member_on"),
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=F("member__full_member_on")))


def changes(scope: Scope, at_end: int | None = None) -> dict:
    """How the roll changed from the first of the year to the day. ``at_start`` (the roll on the last
    day of the year before) + admitted + transferred_in − transferred_out − left = ``at_end``."""
    starts = Counter(dict(period_starts(scope).values_list("change").annotate(n=Count("id")).order_by()))
    ends = Counter(dict(period_ends(scope).values_list("change").annotate(n=Count("id")).order_by()))
    at_start = on_roll(scope.on_day(scope.year_start - datetime.timedelta(days=1))).count()
    left = {code: ends[code] for code in LEFT}
    return {
        "at_start": at_start,
        "admitted": starts["admitted"],
        "transferred_in": starts["transferred_in"],
        "transferred_out": ends["transferred_out"],
        "left": left,
        "left_total": sum(left.values()),
        "converted": converted(scope).count(),
        "at_end": on_roll(scope).count() if at_end is None else at_end,
    }


def compute(scope: Scope) -> dict:
    counts = roll(scope)
    return {**counts, "changes": changes(scope, at_end=counts["total"])}


def _records(figure):
    def link(scope: Scope, key: str = "") -> str:
        return member_records(scope, figure, key)
    return link


def _keys(choices):
    return lambda: dict(choices)


SECTION = Section(
    code="members",
    label=_("Members"),
    compute=compute,
    figures=[
        Figure("total", _("Members on the roll"),
               _("Members whose membership period in an organization of the subtree holds the day: probationary, "
                 "full, lost contact and suspended members."),
               _("Membership periods (from, to)."), records=_records("total")),
        Figure("by_status", _("By standing"),
               _("The same members by their standing on the day, read back from the dated status changes and the "
                 "date of full membership."), _("Status changes, date of full membership."),
               keys=lambda: {code: MemberStatus(code).label for code in ON_ROLL}, records=_records("by_status")),
        Figure("by_category", _("By category"), _("The same members by their category (党员类别), as recorded now."),
               _("Member records."), keys=_keys(Category.choices), records=_records("by_category")),
        Figure("by_gender", _("By gender"), _("The same members by gender."), _("Member records."),
               keys=_keys(Gender.choices), records=_records("by_gender")),
        Figure("by_ethnicity", _("By ethnic group"),
               _("The same members by ethnic group (GB/T 3304 codes); only groups with members are listed."),
               _("Member records."), keys=_keys(Ethnicity.choices), records=_records("by_ethnicity")),
        Figure("minorities", _("Ethnic minority members"), _("Members of an ethnic group other than Han."),
               _("Member records.")),
        Figure("by_education", _("By education"),
               _("The same members by education, as recorded now; unknown where none is recorded."),
               _("Member records."), keys=lambda: {**dict(Education.choices), UNKNOWN: _("Not recorded")},
               records=_records("by_education")),
        Figure("by_age_band", _("By age"),
               _("The same members by their age on the day, in the bands of the rule pack."),
               _("Members' birth dates."), records=_records("by_age_band")),
        Figure("changes.at_start", _("On the roll at the start of the year"),
               _("Members on the roll on the last day of the year before."), _("Membership periods.")),
        Figure("changes.admitted", _("Admitted this year"),
               _("Members whose first membership period began in the subtree this year and who joined the Party "
                 "this year."), _("Membership periods, joining dates."), records=_records("changes.admitted")),
        Figure("changes.transferred_in", _("Transferred in"),
               _("Periods that began in the subtree this year and came neither from inside the subtree nor from "
                 "admission: transfers from elsewhere."), _("Membership periods."),
               records=_records("changes.transferred_in")),
        Figure("changes.transferred_out", _("Transferred out"),
               _("Periods in the subtree that ended this year without a way of leaving recorded that day and "
                 "without a next period inside the subtree."), _("Membership periods."),
               records=_records("changes.transferred_out")),
        Figure("changes.left", _("Left the Party"),
               _("Periods in the subtree that ended this year on the day a way of leaving (died, resigned, left of "
                 "own accord, removed, expelled, probation cancelled) took effect."),
               _("Membership periods, status changes."),
               keys=lambda: {code: MemberStatus(code).label for code in LEFT}, records=_records("changes.left")),
        Figure("changes.converted", _("Became full members"),
               _("Members of the subtree who became full members this year (转正)."),
               _("Dates of full membership."), records=_records("changes.converted")),
    ],
)


def records(scope: Scope, figure: str, key: str = "") -> QuerySet[Membership]:
    """The membership periods (with their members) a figure counts: the records behind it. The
    count of the answer equals the figure (or its ``key``)."""
    if figure.startswith("changes."):
        part = figure.split(".", 1)[1]
        if part == "admitted" or part == "transferred_in":
            return period_starts(scope).filter(change=part)
        if part == "transferred_out":
            return period_ends(scope).filter(change=part)
        if part == "left":
            return period_ends(scope).filter(change__in=[key] if key else LEFT)
        if part == "converted":
            return converted(scope)
        raise KeyError(figure)
    periods = with_standing(scope, on_roll(scope))
    if figure == "total" or not key:
        return periods
    field = BREAKDOWNS[figure]
    if figure == "by_education" and key == UNKNOWN:
        return periods.filter(member__education="")
    return periods.filter(**{field: key})
