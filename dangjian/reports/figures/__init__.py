"""The statistics layer: every figure of the dashboards, the 大屏, the report tables and the stats
API, computed for one organization's subtree as it stood on one day.

Each kind of work has its module here with one :class:`~.base.Section`; :data:`SECTIONS` lists
them in the order the dashboard shows them. ``docs/statistics.md`` is written from the same
definitions (``manage.py figures_doc``).
"""
from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from dangjian.core.rules import RuleMissing
from dangjian.organizations.choices import OrgStatus, OrgType
from dangjian.organizations.models import Organization, OrganizationVersion

from . import (
    assessment,
    coverage,
    dues,
    grid,
    members,
    organizations,
    orglife,
    recruitment,
    services,
    volunteers,
)
from .base import FIRST_DAY, Figure, Scope, Section, valid_on

SECTIONS: list[Section] = [
    organizations.SECTION,
    members.SECTION,
    orglife.SECTION,
    recruitment.SECTION,
    dues.SECTION,
    grid.SECTION,
    volunteers.SECTION,
    services.SECTION,
    coverage.SECTION,
    assessment.SECTION,
]
BY_CODE = {section.code: section for section in SECTIONS}

__all__ = ["SECTIONS", "BY_CODE", "FIRST_DAY", "Figure", "Scope", "Section", "children_on", "compute", "overview",
           "refresh", "figure", "dig", "key_labels"]


def _section(section: Section, scope: Scope) -> dict:
    """One section's answer; empty for a day no rule pack of the section covers yet, or for a
    direct scope the section cannot be computed for."""
    if scope.direct and not section.direct:
        return {}
    try:
        return section.compute(scope)
    except RuleMissing:
        return {}


def compute(scope: Scope, sections=None) -> dict:
    """The figures of ``sections`` (codes; all by default) for ``scope``, computed now."""
    chosen = [BY_CODE[code] for code in sections] if sections else SECTIONS
    return {section.code: _section(section, scope) for section in chosen}


def overview(root: Organization, on: datetime.date, sections=None, *, direct: bool = False,
             fresh: bool = False) -> dict:
    """Every figure (or those of ``sections``) for ``root``'s subtree on ``on`` (``direct``: the
    organization alone), with ``computed_at``: from the statistics cache when nothing has changed
    since; else (unless ``fresh`` is asked for: documents that are kept or handed in) the latest
    answer while a background task computes the new one; else computed now."""
    from .. import cache

    codes = tuple(sections) if sections else tuple(BY_CODE)
    parts = ("overview", root.pk, on.isoformat(), codes, direct)
    answer = cache.current(parts)
    if answer is not None:
        return answer
    answer = None if fresh else cache.latest(parts)
    if answer is None:
        return refresh(root, on, codes, direct=direct)
    if cache.claim_refresh(parts):
        from ..tasks import refresh_overview

        transaction.on_commit(lambda: refresh_overview.enqueue(root.pk, on.isoformat(), list(codes), direct))
    return answer


def refresh(root: Organization, on: datetime.date, codes, *, direct: bool = False) -> dict:
    """Compute the answer of :func:`overview` now and keep it."""
    from .. import cache

    at = cache.generation()
    answer = {**compute(Scope(root, on, direct=direct), codes), "computed_at": timezone.now().isoformat()}
    cache.keep(("overview", root.pk, on.isoformat(), tuple(codes), direct), answer, at_generation=at)
    return answer


def children_on(organization: Organization, on: datetime.date, user=None) -> list[tuple[Organization, str]]:
    """The active organizations directly under ``organization`` on ``on`` (Party groups apart), with
    their names that day, in tree order; only those ``user`` may see when a user is given."""
    versions = (OrganizationVersion.objects.filter(valid_on(on), parent=organization, status=OrgStatus.ACTIVE)
                .exclude(org_type=OrgType.PARTY_GROUP).select_related("organization").order_by("organization__path"))
    if user is not None:
        versions = versions.filter(organization__in=Organization.objects.restrict(user, "view").values("pk"))
    return [(v.organization, v.name) for v in versions]


def figure(path: str) -> tuple[Section, Figure]:
    """The section and figure of a dotted path such as ``members.by_gender`` or
    ``organizations.secretaries.women`` (a key of a breakdown may follow: ``members.by_gender.female``)."""
    section_code, _, rest = path.partition(".")
    section = BY_CODE[section_code]
    parts = rest.split(".")
    for end in range(len(parts), 0, -1):
        try:
            return section, section.figure(".".join(parts[:end]))
        except KeyError:
            continue
    raise KeyError(path)


def dig(answer: dict, path: str):
    """The value at a dotted ``path`` of an overview (None where the path leads nowhere)."""
    node = answer
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def key_labels(section: Section, figure: Figure, scope: Scope) -> dict:
    """Code → label of a breakdown's keys (the age bands come from the rule pack of the scope's day)."""
    if figure.keys is not None:
        return {str(code): str(label) for code, label in figure.keys().items()}
    if section.code == "members" and figure.code == "by_age_band":
        return {code: str(label) for code, label, _upper in members.age_bands(scope)}
    return {}
