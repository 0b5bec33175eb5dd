"""Aggregate tables: rows of organizations (or of the keys of a breakdown), columns of figures.

The total row (合计) is the organization's own overview, never a sum of the rows above it: a
member moved between two children is a transfer out of one and into the other, but no change
for the organization. The row 直属 shows what the organization holds itself, computed over the
organization alone, and appears only when it holds something.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import translation

from dangjian.core.spreadsheets import FILE_LANGUAGE
from dangjian.organizations.models import Organization

from .. import figures
from ..figures.base import Scope
from .definition import KEY, column_paths, sections_of

TOTAL_LABEL = "合计"
DIRECT_LABEL = "直属"


@dataclass
class Cell:
    value: object
    url: str | None = None
    unit: str = "count"


@dataclass
class Row:
    label: str
    kind: str  # child, direct, total, self, key
    cells: list[Cell]
    organization: Organization | None = None


@dataclass
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class AggregateTable:
    spec: dict
    organization: Organization
    on: datetime.date
    header: list[list[HeaderCell]]
    rows: list[Row] = field(default_factory=list)

    @property
    def row_heading(self) -> str:
        return self.spec.get("row_heading") or ("项目" if isinstance(self.spec["rows"], dict) else "单位名称")


def header_rows(spec: dict, first: str) -> list[list[HeaderCell]]:
    """One header row, or two when some columns are grouped: a group spans its consecutive
    columns in the first row; ungrouped columns span both rows."""
    columns = spec["columns"]
    if not any(c.get("group") for c in columns):
        return [[HeaderCell(first)] + [HeaderCell(c["heading"]) for c in columns]]
    top, bottom = [HeaderCell(first, rowspan=2)], []
    index = 0
    while index < len(columns):
        group = columns[index].get("group")
        if not group:
            top.append(HeaderCell(columns[index]["heading"], rowspan=2))
            index += 1
            continue
        run = 0
        while index + run < len(columns) and columns[index + run].get("group") == group:
            bottom.append(HeaderCell(columns[index + run]["heading"]))
            run += 1
        top.append(HeaderCell(group, colspan=run))
        index += run
    return [top, bottom]


def _number(value):
    """A figure's value as a number to add: ints stay ints, Decimal strings become Decimals, a
    breakdown (dict) gives the sum of its counts; None where nothing is counted."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dict):
        parts = [_number(v) for v in value.values()]
        parts = [p for p in parts if p is not None]
        return sum(parts) if parts else 0
    if isinstance(value, int | Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _unit(path: str) -> str:
    try:
        return figures.figure(path.replace(KEY, "_key_"))[1].unit
    except KeyError:
        return "count"


def _link(path: str, scope: Scope | None) -> str | None:
    """The address of the records behind the figure at ``path`` for ``scope`` (None without)."""
    if scope is None:
        return None
    section, figure = figures.figure(path)
    if figure.records is None:
        return None
    key = path[len(section.code) + len(figure.code) + 2:]
    if "." in key:
        return None
    return figure.records(scope, key)


def column_value(column: dict, answer: dict, *, key: str | None = None, scope: Scope | None = None) -> Cell:
    """The cell of ``column`` for one row's overview ``answer`` (``key`` fills ``{key}``)."""
    paths = [p.replace(KEY, key) if key is not None else p for p in column_paths(column)]
    if "path" in column:
        raw = figures.dig(answer, paths[0])
        value = _number(raw) if isinstance(raw, dict) else raw
        return Cell(value, _link(paths[0], scope), _unit(column["path"]))
    numbers = [_number(figures.dig(answer, p)) for p in paths]
    if all(n is None for n in numbers):
        return Cell(None, unit=_unit(paths[0]))
    numbers = [n or 0 for n in numbers]
    value = sum(numbers) if "sum" in column else numbers[0] - sum(numbers[1:])
    if isinstance(value, Decimal):
        value = str(value)
    return Cell(value, unit=_unit(paths[0]))


def direct_answer(organization: Organization, on: datetime.date, sections: list[str]) -> dict:
    """The sections over the organization alone (the row 直属)."""
    return figures.overview(organization, on, sections, direct=True, fresh=True)


def _row_cells(spec, answer, scope=None, key=None):
    return [column_value(c, answer, key=key, scope=scope) for c in spec["columns"]]


def _holds_anything(cells: list[Cell]) -> bool:
    return any(c.unit == "count" and c.value not in (None, 0) for c in cells)


def key_labels(path: str, answer: dict, scope: Scope, given: dict) -> list[tuple[str, str]]:
    """The keys of the breakdown at ``path`` in the order of the answer, with their labels: those of
    the definition, else the figure's own (in the files' language), else the key itself."""
    section, figure = figures.figure(path)
    keys = list((figures.dig(answer, path) or {}).keys())
    with translation.override(FILE_LANGUAGE):
        known = figures.key_labels(section, figure, scope)
    return [(k, given.get(k) or known.get(k) or k) for k in keys]


def build(spec: dict, organization: Organization, on: datetime.date) -> AggregateTable:
    """The table of ``spec`` for ``organization``'s subtree on ``on``."""
    sections = sections_of(spec)
    header = header_rows(spec, "")
    table = AggregateTable(spec, organization, on, header)
    table.header[0][0].text = table.row_heading
    scope = Scope(organization, on)
    total = figures.overview(organization, on, sections, fresh=True)
    rows = spec["rows"]
    if rows == "self":
        table.rows.append(Row(organization.display_name, "self", _row_cells(spec, total, scope), organization))
    elif rows == "children":
        for child, name in figures.children_on(organization, on):
            answer = figures.overview(child, on, sections, fresh=True)
            table.rows.append(Row(name, "child", _row_cells(spec, answer, Scope(child, on)), child))
        direct = _row_cells(spec, direct_answer(organization, on, sections))
        if _holds_anything(direct):
            table.rows.append(Row(DIRECT_LABEL, "direct", direct, organization))
        table.rows.append(Row(TOTAL_LABEL, "total", _row_cells(spec, total, scope), organization))
    else:
        for key, label in key_labels(rows["keys"], total, scope, rows.get("labels", {})):
            table.rows.append(Row(label, "key", _row_cells(spec, total, scope, key=key), organization))
    return table
