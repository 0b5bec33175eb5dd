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
