"""Milestones of membership: the anniversary of joining (政治生日) and 50 years in the Party
(光荣在党50年), read from the register in SQL (no loop over all members)."""
from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import ExtractDay, ExtractYear
from django.utils import translation
from django.utils.translation import gettext as _

from dangjian.core.dates import add_years
from dangjian.core.rules import rule
from dangjian.core.spreadsheets import FILE_LANGUAGE, Column, choice_label, write_workbook

from .choices import Gender, MemberStatus


def anniversaries(members: QuerySet, *, year: int, month: int) -> QuerySet:
    """Members on the roll who joined the Party in ``month``, by day, each with ``years`` since
    joining as of ``year`` and ``day`` of the month."""
    return (members.on_roll().filter(joined_on__month=month)
            .annotate(day=ExtractDay("joined_on"), years=Value(year) - ExtractYear("joined_on",
                                                                                    output_field=IntegerField()))
            .order_by("day", "name_pinyin", "id"))


FIFTY_GROUPS = ("reached", "this_year", "next_year")


@dataclass(frozen=True)
class FiftyYearsRule:
    years: int
    field: str  # "full_member_on" (党龄, the national rule) or "joined_on"
    version: str


def fifty_years_rule(organization=None, on: datetime.date | None = None) -> FiftyYearsRule:
    years = rule("milestones.fifty_years", organization=organization, on=on)
    field = rule("milestones.standing_from", organization=organization, on=on).value
    if field not in ("full_member_on", "joined_on"):
        raise ValueError(f"milestones.standing_from: {field!r}")
    return FiftyYearsRule(int(years.value), field, years.version)


def fifty_years(members: QuerySet, *, today: datetime.date, rules: FiftyYearsRule) -> QuerySet:
    """Full members who have reached the years of the rule, or reach them this year or next,
    each with ``group`` (reached / this_year / next_year); earliest first.

    Members whose membership is suspended, who lost contact or who are on probation within the
    Party are not proposed for the honour.
    """
    field = rules.field
    reached_by = add_years(today, -rules.years)
    this_year_by = datetime.date(today.year - rules.years, 12, 31)
    next_year_by = datetime.date(today.year + 1 - rules.years, 12, 31)
    return (members.filter(status=MemberStatus.FULL, party_probation_until__isnull=True,
                           **{f"{field}__lte": next_year_by})
            .annotate(group=Case(When(**{f"{field}__lte": reached_by}, then=Value("reached")),
                                 When(**{f"{field}__lte": this_year_by}, then=Value("this_year")),
                                 default=Value("next_year"), output_field=CharField()))
            .order_by(field, "name_pinyin", "id"))


def fifty_years_counts(rows: QuerySet) -> dict[str, int]:
    return rows.order_by().aggregate(**{g: Count("id", filter=Q(group=g)) for g in FIFTY_GROUPS})


def reaches_on(member, rules: FiftyYearsRule) -> datetime.date:
    return add_years(getattr(member, rules.field), rules.years)


def fifty_years_columns() -> list[Column]:
    with translation.override(FILE_LANGUAGE):
        return [
            Column(_("Name"), "name", width=12),
            Column(_("Gender"), "gender", width=8),
            Column(_("Organization"), "organization", width=30),
            Column(_("Birth date"), "birth_date", kind="date", width=12),
            Column(_("Joined the Party on"), "joined_on", kind="date", width=14),
            Column(_("Full member since"), "full_member_on", kind="date", width=14),
            Column(_("Years reached on"), "reaches_on", kind="date", width=14),
            Column(_("Group"), "group", width=12),
        ]


def fifty_years_xlsx(rows, rules: FiftyYearsRule) -> bytes:
    """The 光荣在党50年 list as a spreadsheet, for the medal applications."""
    with translation.override(FILE_LANGUAGE):
        labels = {"reached": _("Reached"), "this_year": _("This year"), "next_year": _("Next year")}
        title = _("%(years)d years in the Party") % {"years": rules.years}

        def lines():
            for m in rows:
                yield [m.name, choice_label(Gender, m.gender), m.organization.name, m.birth_date, m.joined_on,
                       m.full_member_on, reaches_on(m, rules), str(labels[m.group])]

        out = io.BytesIO()
        write_workbook(out, fifty_years_columns(), lines(), title=title[:31], notes=False)
    return out.getvalue()
