"""What every figure is computed over, and how a figure is described.

A :class:`Scope` is one organization's subtree as it stood on one day (rule 9 of the design:
statistics "as of" a day read the dated versions of organizations and the membership periods,
never the audit log). A :class:`Section` groups the figures of one kind of work; each
:class:`Figure` carries its one documented definition (what is counted, from which records),
which the statistics page of the docs and the dashboard's tooltips show.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from dangjian.core.dates import FIRST_DAY, add_years  # noqa: F401 (FIRST_DAY: the statistics' first day)
from dangjian.core.numbers import CENT
from dangjian.core.rules import RuleBook, RuleMissing, ancestor_codes
from dangjian.organizations.models import Organization, OrganizationVersion


def as_text(value) -> str | None:
    """A Decimal (a percentage, hours, an average) as the answers carry it: a string, None for none."""
    return None if value is None else str(value)


def as_money(value) -> str:
    """An amount of yuan as the answers carry it: a string with two decimals (nothing is 0.00)."""
    return str(Decimal(value or 0).quantize(CENT))


def valid_on(on: datetime.date, start: str = "valid_from", end: str = "valid_to") -> Q:
    """Rows whose half-open period [start, end) holds ``on`` (an open end runs on)."""
    return Q(**{f"{start}__lte": on}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": on}))


class Scope:
    """The subtree of ``root`` as it stood on ``on``: the organizations under it that day, and
    through them every record a figure counts.

    When no organization has moved into or out of the subtree since ``on`` (the usual case), the
    subtree is today's path prefix, one indexed condition; otherwise it is walked from the dated
    versions valid on ``on``. A ``direct`` scope is the organization alone, without the
    organizations under it (the row 直属 of the report tables).
    """

    def __init__(self, root: Organization, on: datetime.date, *, direct: bool = False):
        self.root = root
        self.on = on
        self.direct = direct

    def __repr__(self):
        return f"Scope({self.root.code}, {self.on.isoformat()}{', direct' if self.direct else ''})"

    @property
    def year(self) -> int:
        return self.on.year

    @property
    def year_start(self) -> datetime.date:
        """The first day of the year of ``on``: flows (joined, left, held, paid) count from it."""
        return datetime.date(self.on.year, 1, 1)

    def span(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The year to the day as aware moments: from the start of 1 January to the midnight after ``on``
        (for records kept with a time)."""
        def midnight(day):
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        return midnight(self.year_start), midnight(self.on + datetime.timedelta(days=1))

    def with_root(self, root: Organization) -> Scope:
        """The same day over another organization's subtree (for breakdowns by organization)."""
        return Scope(root, self.on)

    def on_day(self, on: datetime.date) -> Scope:
        """The same organizations on another day."""
        return Scope(self.root, on, direct=self.direct)

    def a_year_before(self) -> Scope:
        """The same subtree on the same day a year earlier (29 February falls back to the 28th)."""
        return self.on_day(add_years(self.on, -1))

    @cached_property
    def _rules(self) -> tuple[RuleBook, dict]:
        return RuleBook(self.on), ancestor_codes(self.root)

    def rule(self, key: str):
        """The value of a rule for the subtree's organization on the day (the packs read once per scope)."""
        book, codes = self._rules
        return book.get(key, codes).value

    def rule_or(self, key: str, default):
        """The value of a rule, or ``default`` where no pack in force gives it."""
        try:
            return self.rule(key)
        except RuleMissing:
            return default

    @cached_property
    def moved(self) -> bool:
        """Whether an organization has changed parent since ``on`` into or out of this subtree."""
        if self.direct:
            return False
        before = OrganizationVersion.objects.filter(organization=OuterRef("organization"),
                                                    valid_to=OuterRef("valid_from"))
        later = (
            OrganizationVersion.objects.filter(valid_from__gt=self.on)
            .annotate(before_parent=Subquery(before.values("parent")[:1]))
            .filter(before_parent__isnull=False).exclude(parent=F("before_parent"))
            .values_list("organization__path", "before_parent", "parent")
        )
        rows = list(later)
        if not rows:
            return False
        parents = set()
        for _path, old, new in rows:
            parents.update(p for p in (old, new) if p)
        paths = dict(Organization.objects.filter(pk__in=parents).values_list("pk", "path"))
        prefix = self.root.path
        return any(
            path.startswith(prefix) or paths.get(old, "").startswith(prefix) or paths.get(new, "").startswith(prefix)
            for path, old, new in rows
        )

    @cached_property
    def organization_ids(self) -> list[int]:
        """The organizations in the subtree on ``on`` (walked from the versions valid that day)."""
        if self.direct:
            return [self.root.pk]
        children: dict[int | None, list[int]] = {}
        for org_id, parent_id in OrganizationVersion.objects.filter(valid_on(self.on)).values_list(
                "organization_id", "parent_id"):
            children.setdefault(parent_id, []).append(org_id)
        ids, stack = [], [self.root.pk]
        while stack:
            org_id = stack.pop()
            ids.append(org_id)
            stack.extend(children.get(org_id, ()))
        return ids

    def org_q(self, field: str = "organization") -> Q:
        """A condition putting ``field`` (a foreign key to an organization) in the subtree on ``on``."""
        if self.direct:
            return Q(**{field: self.root.pk})
        if self.moved:
            return Q(**{f"{field}__in": self.organization_ids})
        return Q(**{f"{field}__path__startswith": self.root.path})

    def versions(self):
        """The dated versions of the subtree's organizations that were valid on ``on``."""
        return OrganizationVersion.objects.filter(valid_on(self.on), self.org_q())


@dataclass(frozen=True)
class Figure:
    """One figure: its key in the section's answer, its label and its documented definition.

    ``keys`` names the codes of a breakdown (code → label) when the figure is a dict of counts;
    ``records`` answers the address of the records behind the figure (or behind one key of it)
    for a scope, or None where no list shows them.
    """

    code: str
    label: str
    definition: str
    source: str
    unit: str = "count"
    keys: Callable[[], dict] | None = None
    records: Callable[[Scope, str], str | None] | None = None


@dataclass(frozen=True)
class Section:
    """The figures of one kind of work, computed together by ``compute(scope) -> dict`` (JSON-ready:
    ints, strings for percentages and money, dicts of counts keyed by the glossary's codes)."""

    code: str
    label: str
    compute: Callable[[Scope], dict]
    figures: list[Figure] = field(default_factory=list)
    # Whether the section puts every record in the subtree through ``scope.org_q`` and so can be
    # computed for a direct scope (the organization alone); sections reading a module's own subtree
    # selectors cannot, and answer nothing for the row 直属.
    direct: bool = True

    def figure(self, code: str) -> Figure:
        for figure in self.figures:
            if figure.code == code:
                return figure
        raise KeyError(code)
