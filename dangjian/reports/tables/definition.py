"""Reading and checking a report table's definition (TOML text → the ``spec`` dict kept on
:class:`~dangjian.reports.models.ReportTable`). The language itself is documented in
:mod:`dangjian.reports.tables` and in ``docs/reports.md``."""
from __future__ import annotations

import re
import tomllib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import figures

TOP_KEYS = {"code", "title", "version", "kind", "order", "description", "unit", "period", "rows", "row_heading",
            "source", "columns"}
AGGREGATE_COLUMN_KEYS = {"heading", "group", "path", "sum", "difference", "width"}
RECORDS_COLUMN_KEYS = {"heading", "field", "width"}
ROWS_KEYS = {"keys", "labels"}
ROWS = ("children", "self")
PERIODS = ("year",)
KINDS = ("aggregate", "records")
SOURCES = ("organizations", "members")
KEY = "{key}"
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


def _error(message: str, **params) -> ValidationError:
    return ValidationError(message % params if params else message)


def _text(data: dict, key: str, *, required: bool = True, default: str = "") -> str:
    value = data.get(key, default)
    if required and (value is None or value == ""):
        raise _error(_("The definition needs “%(key)s”."), key=key)
    if not isinstance(value, str):
        raise _error(_("“%(key)s” must be text."), key=key)
    return value.strip()


def check_path(path, where: str, *, keyed: bool = False) -> str:
    """A figure path of a column (or of ``rows.keys``) that exists; ``{key}`` allowed if ``keyed``."""
    if not isinstance(path, str) or not path.strip():
        raise _error(_("%(where)s: a figure path must be text such as members.by_gender.female."), where=where)
    path = path.strip()
    if KEY in path and not keyed:
        raise _error(_("%(where)s: “{key}” may only be used when the rows are the keys of a figure."), where=where)
    try:
        section, figure = figures.figure(path.replace(KEY, "_key_"))
    except KeyError:
        raise _error(_("%(where)s: the figure path “%(path)s” does not exist."), where=where, path=path) from None
    rest = path[len(section.code) + len(figure.code) + 2:]
    if rest and rest != KEY and figure.keys is not None:
        key = rest.split(".")[0]
        known = figure.keys  # the figure's callable listing its keys
        if key not in {str(k) for k in known()}:
            raise _error(_("%(where)s: “%(key)s” is not a key of the figure “%(figure)s” (path “%(path)s”)."),
                         where=where, key=key, figure=f"{section.code}.{figure.code}", path=path)
    return path


def _column_where(index: int, column: dict) -> str:
    heading = column.get("heading") if isinstance(column, dict) else None
    if heading:
        return _("Column %(n)d (“%(heading)s”)") % {"n": index, "heading": heading}
    return _("Column %(n)d") % {"n": index}


def _aggregate_column(index: int, column: dict, keyed: bool) -> dict:
    where = _column_where(index, column)
    unknown = sorted(set(column) - AGGREGATE_COLUMN_KEYS)
    if unknown:
        raise _error(_("%(where)s: unknown key “%(key)s” (allowed: %(allowed)s)."), where=where, key=unknown[0],
                     allowed=", ".join(sorted(AGGREGATE_COLUMN_KEYS)))
    ways = [k for k in ("path", "sum", "difference") if k in column]
    if len(ways) != 1:
        raise _error(_("%(where)s: give exactly one of “path”, “sum” or “difference”."), where=where)
    out = {"heading": _text(column, "heading")}
    if column.get("group"):
        out["group"] = _text(column, "group")
    if "width" in column:
        out["width"] = _width(column["width"], where)
    way = ways[0]
    if way == "path":
        out["path"] = check_path(column["path"], where, keyed=keyed)
    else:
        paths = column[way]
        if not isinstance(paths, list) or len(paths) < (2 if way == "difference" else 1):
            raise _error(_("%(where)s: “%(key)s” must be a list of figure paths."), where=where, key=way)
        out[way] = [check_path(p, where, keyed=keyed) for p in paths]
    return out


def _records_column(index: int, column: dict, source: str) -> dict:
    from .records import FIELDS

    where = _column_where(index, column)
    unknown = sorted(set(column) - RECORDS_COLUMN_KEYS)
    if unknown:
        raise _error(_("%(where)s: unknown key “%(key)s” (allowed: %(allowed)s)."), where=where, key=unknown[0],
                     allowed=", ".join(sorted(RECORDS_COLUMN_KEYS)))
    field = _text(column, "field")
    if field not in FIELDS[source]:
        raise _error(_("%(where)s: “%(field)s” is not a field of %(source)s (allowed: %(allowed)s)."), where=where,
                     field=field, source=source, allowed=", ".join(FIELDS[source]))
    out = {"heading": _text(column, "heading"), "field": field}
    if "width" in column:
        out["width"] = _width(column["width"], where)
    return out


def _width(value, where):
    if not isinstance(value, int | float) or not 3 <= value <= 80:
        raise _error(_("%(where)s: “width” must be a number from 3 to 80."), where=where)
    return value


def _rows(value) -> str | dict:
    if isinstance(value, str):
        if value not in ROWS:
            raise _error(_("“rows” must be “children”, “self” or a table such as { keys = \"members.by_age_band\" }."))
        return value
    if not isinstance(value, dict):
        raise _error(_("“rows” must be “children”, “self” or a table such as { keys = \"members.by_age_band\" }."))
    unknown = sorted(set(value) - ROWS_KEYS)
    if unknown:
        raise _error(_("Unknown key “%(key)s” in “rows” (allowed: %(allowed)s)."), key=unknown[0],
                     allowed=", ".join(sorted(ROWS_KEYS)))
    path = check_path(value.get("keys"), "rows.keys")
    _section, figure = figures.figure(path)
    if not path.endswith(figure.code):
        raise _error(_("“rows.keys” must name a figure that is a breakdown, such as members.by_age_band."))
    labels = value.get("labels", {})
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise _error(_("“rows.labels” must map keys to their labels."))
    return {"keys": path, "labels": dict(labels)}


def parse_definition(text: str) -> dict:
    """The checked ``spec`` of a definition's TOML text; a :class:`ValidationError` whose message
    names the bad key otherwise."""
    try:
        data = tomllib.loads(text or "")
    except tomllib.TOMLDecodeError as exc:
        raise _error(_("The definition is not valid TOML: %(error)s"), error=str(exc)) from None
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise _error(_("Unknown key “%(key)s” in the definition (allowed: %(allowed)s)."), key=unknown[0],
                     allowed=", ".join(sorted(TOP_KEYS)))
    code = _text(data, "code")
    if not _CODE.match(code):
        raise _error(_("“code” must be lower-case letters, digits and hyphens, such as member-counts."))
    kind = _text(data, "kind", default="aggregate")
    if kind not in KINDS:
        raise _error(_("“kind” must be “aggregate” or “records”."))
    period = _text(data, "period", default="year")
    if period not in PERIODS:
        raise _error(_("“period” must be “year”."))
    order = data.get("order", 100)
    if not isinstance(order, int) or not 0 <= order <= 32767:
        raise _error(_("“order” must be a whole number from 0 to 32767."))
    spec = {
        "code": code, "title": _text(data, "title"), "version": _text(data, "version"), "kind": kind,
        "order": order, "period": period, "description": _text(data, "description", required=False),
        "unit": _text(data, "unit", required=False), "row_heading": _text(data, "row_heading", required=False),
    }
    columns = data.get("columns")
    if not isinstance(columns, list) or not columns or not all(isinstance(c, dict) for c in columns):
        raise _error(_("The definition needs at least one column: [[columns]] tables."))
    if kind == "aggregate":
        if "source" in data:
            raise _error(_("“source” is only for tables of kind “records”."))
        spec["rows"] = _rows(data.get("rows", "children"))
        keyed = isinstance(spec["rows"], dict)
        spec["columns"] = [_aggregate_column(i, c, keyed) for i, c in enumerate(columns, start=1)]
    else:
        if "rows" in data:
            raise _error(_("“rows” is only for tables of kind “aggregate”."))
        source = _text(data, "source")
        if source not in SOURCES:
            raise _error(_("“source” must be “organizations” or “members”."))
        spec["source"] = source
        spec["columns"] = [_records_column(i, c, source) for i, c in enumerate(columns, start=1)]
    return spec


def column_paths(column: dict) -> list[str]:
    """Every figure path a column reads."""
    if "path" in column:
        return [column["path"]]
    return list(column.get("sum") or column.get("difference") or [])


def sections_of(spec: dict) -> list[str]:
    """The codes of the sections a table reads, in the order of :data:`figures.SECTIONS`."""
    used = {p.split(".")[0] for c in spec.get("columns", []) for p in column_paths(c)}
    if isinstance(spec.get("rows"), dict):
        used.add(spec["rows"]["keys"].split(".")[0])
    return [s.code for s in figures.SECTIONS if s.code in used]
