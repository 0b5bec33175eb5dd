"""How a figure's value is read as a number and written for people: one place for the pages, the
monthly summaries and the inspection packs.

Values follow the conventions of the statistics (:mod:`.figures`): counts are ints; percentages,
hours, money, ages and scores are strings of Decimals; None when nothing is counted.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

UNITS = ("count", "percent", "hours", "yuan", "years", "score")
NOTHING = "—"


def number(value) -> Decimal | None:
    """A figure's value as a Decimal; a breakdown (code → count) counts as its total; None when nothing
    is counted or the value is not a number."""
    if isinstance(value, dict):
        return Decimal(sum(n for n in value.values() if isinstance(n, int) and not isinstance(n, bool)))
    if value is None or isinstance(value, (bool, list)):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_value(value, unit: str) -> str:
    """A value as written for people, with its unit: 66.67%, 1234.50 元, 12.5 小时, 45.2 岁; "—" for None."""
    if value is None:
        return NOTHING
    if unit == "percent":
        return f"{value}%"
    if unit == "yuan":
        return _("%(value)s yuan") % {"value": value}
    if unit == "hours":
        return _("%(value)s hours") % {"value": value}
    if unit == "years":
        return _("%(value)s years") % {"value": value}
    return str(value)
