"""The statistics layer: every figure of the dashboards, the 大屏, the report tables and the stats
API, computed for one organization's subtree as it stood on one day.

Each kind of work has its module here with one :class:`~.base.Section`; :data:`SECTIONS` lists
them in the order the dashboard shows them. ``docs/statistics.md`` is written from the same
definitions (``manage.py figures_doc``).
"""
from __future__ import annotations

import datetime

from dangjian.organizations.models import Organization

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
from .base import Figure, Scope, Section

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

__all__ = ["SECTIONS", "BY_CODE", "Figure", "Scope", "Section", "compute", "overview", "figure", "dig"]


def compute(scope: Scope, sections=None) -> dict:
    """The figures of ``sections`` (codes; all by default) for ``scope``, computed now."""
    chosen = [BY_CODE[code] for code in sections] if sections else SECTIONS
    return {section.code: section.compute(scope) for section in chosen}


def overview(root: Organization, on: datetime.date, sections=None) -> dict:
    """Every figure (or those of ``sections``) for ``root``'s subtree on ``on``, from the
    statistics cache when nothing has changed since it was computed."""
    from ..cache import cached

    codes = tuple(sections) if sections else tuple(BY_CODE)
    return cached(("overview", root.pk, on.isoformat(), codes), lambda: compute(Scope(root, on), codes))


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
