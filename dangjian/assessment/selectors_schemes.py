"""Reads of schemes: the list by kind with versions grouped by code, one scheme with its parts."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch

from dangjian.organizations.choices import UnitKind

from .choices import SchemeKind
from .indicators import INDICATORS, value_text
from .models import Criterion, Cycle, Grade, ReviewStep, Scheme


@dataclass
class Family:
    """The versions of one scheme code, newest first."""

    code: str
    versions: list[Scheme] = field(default_factory=list)

    @property
    def latest(self) -> Scheme:
        return self.versions[0]


@dataclass
class KindGroup:
    kind: str
    label: str
    families: list[Family] = field(default_factory=list)


def visible_schemes(user):
    return Scheme.objects.restrict(user, "view")


def scheme_families(user, *, kind: str = "", status: str = "") -> list[KindGroup]:
    """The schemes ``user`` sees (shipped, their own and those of the levels above), by kind, each
    code's versions together, newest first; one query."""
    schemes = (visible_schemes(user).select_related("owner")
               .annotate(criteria_count=Count("criteria", distinct=True), cycles_count=Count("cycles", distinct=True))
               .order_by("kind", "owner__path", "code", "-version"))
    if kind:
        schemes = schemes.filter(kind=kind)
    if status:
        schemes = schemes.filter(status=status)
    groups: dict[str, KindGroup] = {k: KindGroup(k, label) for k, label in SchemeKind.choices}
    families: dict[str, Family] = {}
    for scheme in schemes:
        family = families.get(scheme.code)
        if family is None:
            family = families[scheme.code] = Family(scheme.code)
            groups[scheme.kind].families.append(family)
        family.versions.append(scheme)
    return [g for g in groups.values() if g.families]


def scheme_with_parts(queryset):
    """Schemes with their criteria, grades and steps prefetched (four queries for any number)."""
    return queryset.select_related("owner").prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("is_veto", "order", "id")),
        Prefetch("grades", queryset=Grade.objects.order_by("-rank")),
        Prefetch("steps", queryset=ReviewStep.objects.order_by("order")),
    )


def threshold_label(criterion: Criterion) -> str:
    """The threshold as people read it, as every value of an indicator (``indicators.value_text``): a
    percentage for a rate, hours for hours."""
    if criterion.threshold is None:
        return ""
    if criterion.indicator not in INDICATORS:
        return f"{criterion.threshold.normalize():f}"
    return value_text(criterion.indicator, criterion.threshold)


def indicator_name(code: str) -> str:
    indicator = INDICATORS.get(code)
    return str(indicator.name) if indicator else code


def scheme_detail(scheme: Scheme, user) -> dict:
    """The parts of one scheme as its page shows them, and the cycles that used it (in sight)."""
    criteria = list(scheme.criteria.all())
    for c in criteria:
        c.indicator_name = indicator_name(c.indicator) if c.indicator else ""
        c.threshold_label = threshold_label(c)
    scored = [c for c in criteria if not c.is_veto]
    grades = list(scheme.grades.all())
    grade_names = {g.code: g.name for g in grades}
    cycles = list(Cycle.objects.restrict(user, "view").filter(scheme=scheme).select_related("organization")
                  .order_by("-year", "-id")[:50])
    return {
        "criteria": scored, "vetoes": [c for c in criteria if c.is_veto], "grades": grades,
        "steps": list(scheme.steps.all()), "total_points": sum((c.points for c in scored), Decimal(0)),
        "veto_grade_name": grade_names.get(scheme.veto_grade, scheme.veto_grade), "cycles": cycles,
        "unit_kind_labels": [UnitKind(k).label if k in UnitKind.values else k for k in scheme.unit_kinds],
    }


def versions_of(scheme: Scheme, user) -> list[Scheme]:
    return list(visible_schemes(user).filter(code=scheme.code).order_by("-version"))
