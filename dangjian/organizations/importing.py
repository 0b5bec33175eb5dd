"""The organization tree from an Excel file (组织体系批量导入).

Rows may come in any order: each names its parent by code, either an organization already in
the tree (visible to the user, who must be allowed to add under it) or another row of the same
file. Loops and unknown parents are row errors. Either every organization is created, through
:func:`organization_create`, or none, and the user sees every bad row.
"""
import datetime
from collections import Counter
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.access import has_any_scope, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.spreadsheets import (
    Column,
    ImportResult,
    RowError,
    choice_lookups,
    duplicates_in,
    parse_row,
    read_rows,
    rows_rejected,
    template_example,
    write_workbook,
)

from .choices import OrgStatus, OrgType, UnitKind
from .models import Organization
from .services import _check_placement, organization_create

SHEET_TITLE = "党组织"

ORG_COLUMNS = (
    Column("组织名称", "name", required=True, max_length=100, width=30,
           help=gettext_lazy("The full name, such as 中共某某社区委员会.")),
    Column("简称", "short_name", max_length=30, width=14),
    Column("组织编码", "code", required=True, max_length=32, text_format=True, width=14,
           help=gettext_lazy("A code no other organization uses.")),
    Column("上级组织编码", "parent", max_length=32, text_format=True, width=14,
           help=gettext_lazy("The code of an organization already in the tree, or of another row of this file. "
                             "You must be allowed to add organizations under it.")),
    Column("组织类型", "org_type", kind="choice", choices=OrgType, required=True, width=12),
    Column("单位类别", "unit_kind", kind="choice", choices=UnitKind, required=True, width=14),
    Column("成立日期", "established_on", kind="date", width=12),
    Column("地址", "address", max_length=200, width=30),
    Column("联系人", "contact_person", max_length=50, width=10),
    Column("办公电话", "contact_phone", max_length=30, text_format=True, width=14),
)
_HEADERS = {c.field: c.header for c in ORG_COLUMNS}
_OPTIONAL_TEXT = ("short_name", "address", "contact_person", "contact_phone")


def template_row(user) -> list:
    parent = (Organization.objects.restrict(user, "add").filter(status=OrgStatus.ACTIVE)
              .exclude(org_type=OrgType.PARTY_GROUP).order_by("depth", "path").first())
    code = parent.code if parent else "LJ01"
    return template_example(ORG_COLUMNS, {
        "name": "示例社区第一党支部", "short_name": "示例一支部", "code": f"{code}99", "parent": code,
        "org_type": OrgType.BRANCH, "unit_kind": UnitKind.COMMUNITY, "established_on": datetime.date(2020, 7, 1),
        "address": "临江市江滨街道示例路1号", "contact_person": "李四", "contact_phone": "0571-88886666",
    })


def organizations_template(*, user, target) -> None:
    write_workbook(target, ORG_COLUMNS, [template_row(user)], title=SHEET_TITLE)


def _loop_rows(parent_row: dict[int, int]) -> dict[int, list[int]]:
    """Rows whose in-file parents lead back to themselves: {row: the loop starting at it}."""
    loops: dict[int, list[int]] = {}
    for start in parent_row:
        path, seen, current = [], set(), start
        while current in parent_row and current not in seen:
            seen.add(current)
            path.append(current)
            current = parent_row[current]
        if current == start:
            loops[start] = path
    return loops


def _check_parents(actor, rows, by_code, errors):
    """Resolve each row's parent to an organization (dict) or a row (int); record the errors."""
    parent_codes = sorted({d["parent"] for _, d in rows if d.get("parent") and d["parent"] not in by_code})
    visible = {o.code: o for o in Organization.objects.restrict(actor, "view").filter(code__in=parent_codes)}
    addable = set(Organization.objects.restrict(actor, "add").filter(code__in=list(visible))
                  .values_list("code", flat=True))
    may_add_roots = user_scope(actor, "add").everything
    parents: dict[int, object] = {}
    for number, data in rows:
        code = data.get("parent")
        if not code:
            if "parent" in data and not may_add_roots:
                errors.append(RowError(number, _HEADERS["parent"], _("Enter the code of the parent organization.")))
            parents[number] = None
        elif code in by_code:
            parents[number] = by_code[code]
        elif code not in visible:
            errors.append(RowError(number, _HEADERS["parent"],
                                   _("No organization with the code %(code)s is visible to you.") % {"code": code}))
        elif code not in addable:
            errors.append(RowError(number, _HEADERS["parent"], _("You may not add organizations under %(name)s.")
                                   % {"name": visible[code].name}))
        else:
            parents[number] = visible[code]
    return parents


def _check_rows(actor, rows) -> tuple[dict[int, object], list[RowError]]:
    errors: list[RowError] = []
    for number, data in duplicates_in([(n, d.get("code", "")) for n, d in rows]).items():
        errors.append(RowError(number, _HEADERS["code"], _("The same value is also in row %(row)d.") % {"row": data}))
    by_code = {d["code"]: n for n, d in rows if d.get("code")}
    taken = set(Organization.objects.filter(code__in=list(by_code)).values_list("code", flat=True))
    for number, data in rows:
        if data.get("code") in taken:
            errors.append(RowError(number, _HEADERS["code"],
                                   _("Another organization already uses the code %(code)s.") % {"code": data["code"]}))
    parents = _check_parents(actor, rows, by_code, errors)
    data_of = dict(rows)
    for number, path in _loop_rows({n: p for n, p in parents.items() if isinstance(p, int)}).items():
        loop = " → ".join(data_of[n]["code"] for n in [*path, number])
        errors.append(RowError(number, _HEADERS["parent"], _("The parent codes form a loop: %(loop)s.") % {"loop": loop}))
    for number, data in rows:
        parent = parents.get(number)
        if isinstance(parent, int):
            parent_type = data_of[parent].get("org_type")
            parent = SimpleNamespace(is_active=True, org_type=parent_type) if parent_type else None
        if parent is None or not data.get("org_type"):
            continue
        try:
            _check_placement(org_type=data["org_type"], parent=parent)
        except ValidationError as exc:
            errors.append(RowError(number, _HEADERS["org_type"], exc.messages[0]))
    return parents, errors


def _creation_order(parents: dict[int, object]) -> list[int]:
    """Rows with their in-file parents first (the file is known to have no loops)."""
    depth: dict[int, int] = {}

    def depth_of(number):
        if number not in depth:
            parent = parents[number]
            depth[number] = depth_of(parent) + 1 if isinstance(parent, int) else 0
        return depth[number]

    return sorted(parents, key=lambda n: (depth_of(n), n))


def organizations_import(*, actor, upload, on: datetime.date | None = None) -> ImportResult:
    """Create every organization of an Excel file under its parent, or none (组织体系批量导入).

    Each organization is set up by :func:`organization_create` (its version and audit entry);
    one "organization.imported" entry per existing parent records how many were added under it.
    """
    if not has_any_scope(actor, "add"):
        raise PermissionDenied
    lookups = choice_lookups(ORG_COLUMNS)
    rows, errors = [], []
    for number, cells in read_rows(upload, ORG_COLUMNS, skip=template_row(actor)):
        data, row_errors = parse_row(number, cells, ORG_COLUMNS, lookups)
        rows.append((number, data))
        errors.extend(row_errors)
    parents, check_errors = _check_rows(actor, rows)
    errors += check_errors
    if errors:
        raise rows_rejected(errors)
    data_of = dict(rows)
    created: dict[int, Organization] = {}
    anchors: Counter = Counter()
    with transaction.atomic():
        for number in _creation_order(parents):
            data, parent = data_of[number], parents[number]
            parent = created[parent] if isinstance(parent, int) else parent
            attrs = {k: data.get(k) or "" for k in _OPTIONAL_TEXT}
            if data.get("established_on"):
                attrs["established_on"] = data["established_on"]
            try:
                created[number] = organization_create(
                    actor=actor, parent=parent, name=data["name"], code=data["code"], org_type=data["org_type"],
                    unit_kind=data["unit_kind"], on=on, **attrs)
            except ValidationError as exc:
                raise rows_rejected([RowError(number, "", message) for message in exc.messages]) from exc
            root = number
            while isinstance(parents[root], int):
                root = parents[root]
            anchors[parents[root]] += 1  # the existing organization the new branch of the tree hangs from
        for anchor, count in anchors.items():
            audit_log(actor=actor, action="organization.imported", obj=anchor, organization=anchor,
                      changes={"count": count, "file": getattr(upload, "name", "")})
    return ImportResult(created=len(created), by_organization={str(a or "—"): n for a, n in anchors.items()})

