"""The firm register from the market regulator's spreadsheet (两新组织名录导入).

Every row is checked before anything is written: the credit code's checksum, codes repeated
inside the file (each repeated row names the other), the area organization (in the actor's add
scope, not a branch), the building (in sight) and its floor. A credit code already on the
register is not an error: the row is skipped and counted; a code held by a unit that is not on
the register (a partner unit, an institution) is a row error. Any error writes nothing; a clean
file creates all its new firms in one transaction with one ``firm.imported`` audit entry. A code
registered by someone else while the file was checked rejects the file like a row error.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.access import has_any_scope
from dangjian.core.audit import audit_log
from dangjian.core.spreadsheets import (
    Column,
    ImportRejected,
    RowError,
    choice_lookups,
    duplicates_in,
    parse_row,
    read_rows,
    rows_rejected,
    template_example,
    write_workbook,
)
from dangjian.core.validators import clean_plain_text, validate_credit_code
from dangjian.organizations.choices import OrgStatus
from dangjian.organizations.models import Organization, Unit

from .choices import NOT_AREA_TYPES, FirmKind, FirmSize, Industry
from .models import Building, Firm

SHEET_TITLE = "两新组织"

FIRM_COLUMNS = (
    Column("统一社会信用代码", "credit_code", required=True, max_length=18, text_format=True, width=22,
           help=gettext_lazy("18 characters, as on the business licence; checked with its check character.")),
    Column("名称", "name", required=True, max_length=100, width=30),
    Column("类别", "kind", kind="choice", choices=FirmKind, required=True, width=14,
           help=gettext_lazy("非公企业 or 社会组织.")),
    Column("行业门类", "industry", kind="choice", choices=Industry, width=18,
           help=gettext_lazy("The section of the national industry classification, or its letter (A–T).")),
    Column("规模", "size", kind="choice", choices=FirmSize, width=8),
    Column("法定代表人", "legal_representative", max_length=50, width=12),
    Column("成立日期", "established_on", kind="date", width=12),
    Column("从业人员数", "employees", max_length=7, width=10),
    Column("地址", "address", max_length=200, width=30),
    Column("所属组织编码", "area_code", required=True, max_length=32, text_format=True, width=14,
           help=gettext_lazy("The code of the community or sub-district organization that looks after the firm; "
                             "you must be allowed to add there.")),
    Column("楼宇", "building", max_length=100, width=18,
           help=gettext_lazy("The name of an office building on the platform, if the firm is a tenant.")),
    Column("楼层", "floor", max_length=4, width=8, help=gettext_lazy("Basement floors as -1, -2.")),
)
_HEADERS = {c.field: c.header for c in FIRM_COLUMNS}
# Short names of the kinds that the regulator's lists use.
KIND_ALIASES = {"非公企业": FirmKind.PRIVATE_ENTERPRISE, "企业": FirmKind.PRIVATE_ENTERPRISE,
                "社会组织": FirmKind.SOCIAL_ORGANIZATION}
SIZE_ALIASES = {"大型": FirmSize.LARGE, "中型": FirmSize.MEDIUM, "小型": FirmSize.SMALL, "微型": FirmSize.MICRO}


@dataclass(frozen=True)
class FirmImportResult:
    """What an import did: firms created, and rows skipped because the code is registered."""

    created: int
    skipped: int


def _areas(actor):
    return Organization.objects.restrict(actor, "add").filter(status=OrgStatus.ACTIVE).exclude(org_type__in=NOT_AREA_TYPES)


def template_row(user) -> list:
    area = _areas(user).order_by("-depth", "path").first()
    return template_example(FIRM_COLUMNS, {
        "credit_code": "91330102MA2XXXXX0X", "name": "示例科技有限公司", "kind": FirmKind.PRIVATE_ENTERPRISE,
        "industry": Industry.I, "size": FirmSize.SMALL, "legal_representative": "张三",
        "established_on": datetime.date(2019, 5, 20), "employees": "35", "address": "临江市滨河路8号",
        "area_code": area.code if area else "LJ0101", "building": "", "floor": "",
    })


def firms_template(*, user, target) -> None:
    write_workbook(target, FIRM_COLUMNS, [template_row(user)], title=SHEET_TITLE)


def _number(text, number, field, errors, *, minimum=None):
    if text in (None, ""):
        return None
    try:
        value = int(str(text).strip())
    except ValueError:
        errors.append(RowError(number, _HEADERS[field], _("“%(value)s” is not a whole number.") % {"value": text}))
        return None
    if minimum is not None and value < minimum:
        errors.append(RowError(number, _HEADERS[field], _("The number cannot be below %(min)d.") % {"min": minimum}))
        return None
    return value


def _check_codes(rows, errors) -> None:
    """Normalize each row's credit code; checksum errors and codes repeated inside the file."""
    for number, data in rows:
        if not data.get("credit_code"):
            continue
        try:
            data["credit_code"] = validate_credit_code(data["credit_code"])
        except ValidationError as exc:
            errors.append(RowError(number, _HEADERS["credit_code"], exc.messages[0]))
    repeated = duplicates_in([(n, d.get("credit_code", "")) for n, d in rows])
    for number, other in sorted(repeated.items()):
        errors.append(RowError(number, _HEADERS["credit_code"],
                               _("The same credit code is also in row %(row)d.") % {"row": other}))


def _check_places(actor, rows, errors) -> None:
    """Resolve the area organization, building and floor of each row (``area``, ``building_obj``)."""
    codes = {d["area_code"] for _n, d in rows if d.get("area_code")}
    visible = {o.code: o for o in Organization.objects.restrict(actor, "view").filter(code__in=codes)}
    addable = {o.code: o for o in _areas(actor).filter(code__in=codes)}
    names = {d["building"] for _n, d in rows if d.get("building")}
    buildings: dict[str, list[Building]] = {}
    for building in Building.objects.restrict(actor, "view").filter(name__in=names):
        buildings.setdefault(building.name, []).append(building)
    for number, data in rows:
        code = data.get("area_code")
        if code and code not in visible:
            errors.append(RowError(number, _HEADERS["area_code"],
                                   _("No organization with the code %(code)s is visible to you.") % {"code": code}))
        elif code and code not in addable:
            errors.append(RowError(number, _HEADERS["area_code"], _(
                "%(name)s cannot look after firms here: choose a community or sub-district organization you may add "
                "to.") % {"name": visible[code].name}))
        data["area"] = addable.get(code)
        data["employees"] = _number(data.get("employees"), number, "employees", errors, minimum=0)
        floor = _number(data.get("floor"), number, "floor", errors)
        data["building_obj"], data["floor"] = None, floor
        name = data.get("building")
        if name:
            found = buildings.get(name, [])
            if len(found) != 1:
                errors.append(RowError(number, _HEADERS["building"], _(
                    "No office building named %(name)s is visible to you.") % {"name": name} if not found else _(
                    "More than one office building is named %(name)s.") % {"name": name}))
            else:
                data["building_obj"] = found[0]
                if floor is not None and floor not in found[0].floors():
                    errors.append(RowError(number, _HEADERS["floor"], _("%(building)s has no floor %(floor)d.")
                                           % {"building": name, "floor": floor}))
        elif floor is not None:
            errors.append(RowError(number, _HEADERS["floor"], _("Give the building of this floor.")))


def _check_text(rows, errors) -> None:
    for number, data in rows:
        for field, limit in (("name", 100), ("address", 200), ("legal_representative", 50)):
            try:
                data[field] = clean_plain_text(data.get(field), field, limit, required=field == "name")
            except ValidationError as exc:
                errors.append(RowError(number, _HEADERS[field], exc.messages[0]))
        established = data.get("established_on")
        if established and established > timezone.localdate():
            errors.append(RowError(number, _HEADERS["established_on"],
                                   _("The date established cannot be later than today.")))


def firms_import(*, actor, upload) -> FirmImportResult:
    """Register every new firm of an Excel file, or none (两新组织名录导入)."""
    if not has_any_scope(actor, "add"):
        raise PermissionDenied
    lookups = choice_lookups(FIRM_COLUMNS)
    lookups["kind"].update(KIND_ALIASES)
    lookups["size"].update(SIZE_ALIASES)
    rows, errors = [], []
    for number, cells in read_rows(upload, FIRM_COLUMNS, skip=template_row(actor)):
        data, row_errors = parse_row(number, cells, FIRM_COLUMNS, lookups)
        rows.append((number, data))
        errors.extend(row_errors)
    _check_codes(rows, errors)
    _check_places(actor, rows, errors)
    _check_text(rows, errors)
    registered = _check_taken(rows, errors)
    if errors:
        raise rows_rejected(errors)
    numbered = [(n, d) for n, d in rows if d["credit_code"] not in registered]
    try:
        created = _create(actor, upload, [d for _n, d in numbered], skipped=len(rows) - len(numbered))
    except IntegrityError as exc:
        raise _taken_meanwhile(numbered) from exc
    return FirmImportResult(created=created, skipped=len(rows) - len(numbered))


def _check_taken(rows, errors) -> set[str]:
    """The codes of the file already on the register (rows to skip); a code held by a unit that
    is no firm of the register is a row error."""
    units = Unit.objects.filter(credit_code__in=[d["credit_code"] for _n, d in rows if d.get("credit_code")])
    holders = {code: (name, firm) for code, name, firm in units.values_list("credit_code", "name", "firm")}
    for number, data in rows:
        holder = holders.get(data.get("credit_code"))
        if holder and holder[1] is None:
            errors.append(RowError(number, _HEADERS["credit_code"], _(
                "The credit code %(code)s is already used by another unit, %(name)s, which is not on the firm "
                "register.") % {"code": data["credit_code"], "name": holder[0]}))
    return {code for code, (_name, firm) in holders.items() if firm is not None}


def _taken_meanwhile(numbered) -> ImportRejected:
    """The refusal when a code of the file was registered while it was being imported."""
    taken = set(Unit.objects.filter(credit_code__in=[d["credit_code"] for _n, d in numbered])
                .values_list("credit_code", flat=True))
    errors = [RowError(number, _HEADERS["credit_code"], _(
        "The credit code %(code)s was registered by someone else while the file was imported; upload the file "
        "again.") % {"code": data["credit_code"]}) for number, data in numbered if data["credit_code"] in taken]
    if errors:
        return rows_rejected(errors)
    return ImportRejected(_("Nothing was imported: the register changed while the file was imported. "
                            "Upload the file again."))


def _create(actor, upload, new: list[dict], *, skipped: int) -> int:
    """Write the new firms of a checked file in one transaction (one audit entry)."""
    with transaction.atomic():
        units = Unit.objects.bulk_create(Unit(name=d["name"], kind=d["kind"], credit_code=d["credit_code"],
                                              address=d["address"]) for d in new)
        if any(u.pk is None for u in units):  # back ends that do not return keys from bulk inserts
            ids = dict(Unit.objects.filter(credit_code__in=[u.credit_code for u in units])
                       .values_list("credit_code", "pk"))
            for unit in units:
                unit.pk = ids[unit.credit_code]
        Firm.objects.bulk_create(Firm(
            unit=unit, area_organization=d["area"], industry=d.get("industry") or "", size=d.get("size") or "",
            legal_representative=d["legal_representative"], established_on=d.get("established_on") or None,
            employees=d["employees"], building=d["building_obj"], floor=d["floor"], created_by=actor)
            for unit, d in zip(units, new, strict=True))
        areas = sorted({d["area"].code for d in new})
        audit_log(actor=actor, action="firm.imported", obj=new[0]["area"] if len(areas) == 1 else None,
                  organization=new[0]["area"] if new else None,
                  changes={"created": len(new), "skipped": skipped, "areas": areas,
                           "file": getattr(upload, "name", "")})
    return len(new)
