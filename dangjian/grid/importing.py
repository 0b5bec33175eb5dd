"""Households of a grid from a spreadsheet (住户信息批量导入): the file format, the checks, the write.

The file is an Excel workbook (.xlsx) or a CSV file (UTF-8, or GB18030 as Excel saves it in
China) with the columns of :data:`HOUSEHOLD_COLUMNS`. The whole file is checked first: if any
row has an error, nothing is written and every bad row is reported with its row number.

Rules:

* **Buildings** (楼栋). A building named in 楼栋 that the grid has is used as it is (楼栋地址 is then
  ignored). A building the grid does not have is added by the import only when 楼栋地址 is
  filled in for it (in at least one of its rows, the same address wherever it is given), and
  only by someone who manages the grid (a community secretary, as on the "add a building"
  page); grid staff add households to existing buildings only. Otherwise the row is an error.
* **Duplicates**. The same building and room twice in the file is always an error. A room that
  the grid already has is an error, unless "update existing households" is ticked: then that
  household is updated, and a **blank cell keeps the stored value** (the phone, as on the edit
  form, and every other column), a filled cell replaces it. Tags and notes are cleared on the
  household's edit page, not by an import.
* **Tags** (标签): the Chinese labels of :class:`~dangjian.grid.choices.HouseholdTag` separated by
  、 , ， ; or ； (English labels and codes are accepted too); an unknown label is an error.
* **Phones** (联系电话) are validated as on the form and stored encrypted, with the hash, the
  last four digits and the masked form beside them.

One audit entry ``household.imported`` on the grid records the counts.
"""
from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import pii
from dangjian.core.access import can
from dangjian.core.audit import audit_log
from dangjian.core.spreadsheets import (
    FILE_LANGUAGE,
    MAX_FILE_BYTES,
    XLSX_CONTENT_TYPE,
    Column,
    ImportRejected,
    RowError,
    UploadForm,
    _read_sheet,
    duplicates_in,
    parse_row,
    read_rows,
    rows_rejected,
    template_example,
    write_workbook,
)
from dangjian.core.validators import validate_phone

from . import selectors_grids as selectors
from .choices import HouseholdTag
from .models import Building, Grid, Household, encode_tags
from .services_grids import household_apply_phone

SHEET_TITLE = "住户信息"
_TAG_SEPARATORS = re.compile(r"[、,，;；]+")
_SIZE_TEXT = re.compile(r"^(\d{1,3})\s*人?$")
_CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def _tag_labels() -> str:
    with translation.override(FILE_LANGUAGE):
        return "、".join(str(label) for label in HouseholdTag.labels)


HOUSEHOLD_COLUMNS = (
    Column("楼栋", "building", required=True, max_length=100, width=16,
           help=gettext_lazy("The building's name as in the grid, for example 锦江花园3号楼.")),
    Column("楼栋地址", "building_address", max_length=200, width=28,
           help=gettext_lazy("Only for a building the grid does not have yet: fill it in to add the building "
                             "(community secretaries only). Ignored for existing buildings.")),
    Column("单元及房号", "room", required=True, max_length=50, width=12, text_format=True,
           help=gettext_lazy("For example 2-301. Format the column as text, or Excel may turn it into a date.")),
    Column("人数", "size", width=8, help=gettext_lazy("How many people live there, 1 to 30. Empty means 1 for a new household.")),
    Column("联系人", "contact_name", max_length=50, width=10),
    Column("联系电话", "contact_phone", text_format=True, width=14,
           help=gettext_lazy("An 11-digit mobile number or a landline number with its area code. Stored "
                             "encrypted and shown masked.")),
    Column("标签", "tags", width=20,
           help=format_lazy("{} {}", gettext_lazy("Only where a service needs it; several separated by 、. "
                                                  "Allowed:"), lazy(_tag_labels, str)())),
    Column("备注", "note", max_length=200, width=24),
)
_HEADERS = {c.field: c.header for c in HOUSEHOLD_COLUMNS}


@dataclass(frozen=True)
class HouseholdImportResult:
    created: int
    updated: int = 0
    unchanged: int = 0
    buildings: list[str] = field(default_factory=list)


class HouseholdImportForm(UploadForm):
    """The upload, and whether rooms already in the grid update their households."""

    update = forms.BooleanField(
        label=gettext_lazy("Update existing households"), required=False,
        help_text=gettext_lazy("A room the grid already has is updated from the file (blank cells keep the stored "
                               "values). Otherwise such a room is an error."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = gettext_lazy("Excel (.xlsx) or CSV file")
        self.fields["file"].widget.attrs["accept"] = f".xlsx,.csv,{XLSX_CONTENT_TYPE},text/csv"


# The template ---------------------------------------------------------------------------------

def template_row(grid: Grid) -> list:
    """The example row of the template: a made-up household in one of the grid's buildings."""
    building = grid.buildings.order_by("name").values_list("name", flat=True).first() or "1号楼"
    with translation.override(FILE_LANGUAGE):
        tag = str(HouseholdTag.ELDERLY_ALONE.label)
    return template_example(HOUSEHOLD_COLUMNS, {
        "building": building, "building_address": "", "room": "1-101", "size": 2, "contact_name": "张三",
        "contact_phone": "13800138000", "tags": tag, "note": "",
    })


def households_template(*, grid: Grid, target) -> None:
    """Write the import template (headers, an example row, a sheet of notes) to ``target``."""
    write_workbook(target, HOUSEHOLD_COLUMNS, [template_row(grid)], title=SHEET_TITLE)


# Reading ---------------------------------------------------------------------------------------

class _CsvSheet:
    """The rows of a CSV file, read like an openpyxl sheet."""

    def __init__(self, rows: list[list[str]]):
        self.rows = rows

    def iter_rows(self, values_only=True, max_col=None):
        for row in self.rows:
            yield tuple(row[:max_col])


def _read_csv(upload, skip) -> list:
    if (getattr(upload, "size", 0) or 0) > MAX_FILE_BYTES:
        raise ImportRejected(_("The file is larger than %(size)d MB. Split it into smaller files.")
                             % {"size": MAX_FILE_BYTES // (1024 * 1024)})
    upload.seek(0)
    content = upload.read()
    for encoding in _CSV_ENCODINGS:
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRejected(_("The CSV file could not be read; save it as UTF-8 or as an Excel workbook."))
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ImportRejected(_("The CSV file could not be read; save it as UTF-8 or as an Excel workbook.")) from exc
    return _read_sheet(_CsvSheet(rows), HOUSEHOLD_COLUMNS, skip)


def _read(upload, skip) -> list:
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith(".csv"):
        return _read_csv(upload, skip)
    if not name.endswith(".xlsx"):
        raise ImportRejected(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    return read_rows(upload, HOUSEHOLD_COLUMNS, skip=skip)


# Checking --------------------------------------------------------------------------------------

def _tag_lookup() -> dict[str, str]:
    """Chinese label, English label (lower case) or code → code."""
    lookup = {}
    for value, label in HouseholdTag.choices:
        with translation.override(FILE_LANGUAGE):
            chinese = str(label)
        with translation.override("en"):
            english = str(label).lower()
        for key in (value, english, chinese):
            lookup.setdefault(key, value)
    return lookup


def _parse_tags(text: str, lookup: dict[str, str]) -> tuple[list[str], list[str]]:
    """(codes, unknown labels) of a tags cell."""
    text = (text or "").strip()
    if not text:
        return [], []
    whole = lookup.get(text, lookup.get(text.lower()))
    if whole:
        return [whole], []
    codes, unknown = [], []
    for part in _TAG_SEPARATORS.split(text):
        part = part.strip()
        if not part:
            continue
        code = lookup.get(part, lookup.get(part.lower()))
        if code:
            codes.append(code)
        else:
            unknown.append(part)
    return codes, unknown


def _parse_size(text: str) -> int | None:
    match = _SIZE_TEXT.match(text or "")
    size = int(match.group(1)) if match else None
    if size is None or not 1 <= size <= 30:
        raise ValueError
    return size


@dataclass
class _Row:
    number: int
    data: dict
    household: Household | None = None


def _new_buildings(rows, buildings: dict[str, Building]) -> tuple[dict[str, str], dict[int, str]]:
    """Buildings to add ({name: address}) and the rows whose address contradicts an earlier one."""
    addresses: dict[str, str] = {}
    conflicts: dict[int, str] = {}
    for number, data, _errors, _raw in rows:
        name, address = data.get("building") or "", (data.get("building_address") or "").strip()
        if not name or not address or name in buildings:
            continue
        if name in addresses and addresses[name] != address:
            conflicts[number] = addresses[name]
        addresses.setdefault(name, address)
    return addresses, conflicts


def _check_rows(actor, grid: Grid, rows, update: bool) -> tuple[list[_Row], dict[str, str], list[RowError]]:
    buildings = {b.name: b for b in grid.buildings.all()}
    new_buildings, conflicts = _new_buildings(rows, buildings)
    may_add_buildings = bool(new_buildings) and selectors.manages(actor, grid)
    existing = {(h.building.name, h.room): h for h in Household.objects.filter(building__grid=grid)
                .select_related("building").defer("contact_phone")}
    tags = _tag_lookup()
    errors: list[RowError] = []
    checked: list[_Row] = []
    keys: list[tuple[int, str]] = []
    for number, data, row_errors, raw_room in rows:
        errors.extend(row_errors)
        failed = {e.column for e in row_errors}

        def error(field_name, message, number=number, failed=failed):
            if _HEADERS[field_name] not in failed:
                errors.append(RowError(number, _HEADERS[field_name], message))
                failed.add(_HEADERS[field_name])

        if isinstance(raw_room, (datetime.date, datetime.datetime)):
            error("room", _("Excel turned the room into a date; format the column as text and enter it again."))
        name = data.get("building") or ""
        if name and name not in buildings:
            if name not in new_buildings:
                error("building", _("This grid has no building named %(name)s. Add it first, or fill in "
                                    "楼栋地址 to add it with the import.") % {"name": name})
            elif not may_add_buildings:
                error("building", _("Only the community may add buildings to a grid; ask it to add %(name)s "
                                    "first.") % {"name": name})
            elif number in conflicts:
                error("building_address", _("Another row gives %(name)s the address %(address)s.")
                      % {"name": name, "address": conflicts[number]})
        if data.get("size"):
            try:
                data["size"] = _parse_size(data["size"])
            except ValueError:
                error("size", _("Enter how many people live there (1 to 30)."))
        else:
            data["size"] = None
        if data.get("contact_phone"):
            try:
                data["contact_phone"] = validate_phone(data["contact_phone"])
            except ValidationError as exc:
                error("contact_phone", exc.messages[0])
        codes, unknown = _parse_tags(data.get("tags"), tags)
        data["tags"] = codes
        if unknown:
            error("tags", _("Unknown tags: %(tags)s. Use: %(allowed)s.")
                  % {"tags": "、".join(unknown), "allowed": _tag_labels()})
        row = _Row(number, data)
        room = data.get("room") or ""
        if name and room and _HEADERS["room"] not in failed and _HEADERS["building"] not in failed:
            keys.append((number, f"{name}\x00{room}"))
            row.household = existing.get((name, room))
            if row.household is not None and not update:
                error("room", _("This building already has a household in this room. Tick “Update existing "
                                "households” to update it from the file."))
        checked.append(row)
    for number, other in duplicates_in(keys).items():
        errors.append(RowError(number, _HEADERS["room"],
                               _("The same building and room are also in row %(row)d.") % {"row": other}))
    return checked, new_buildings, errors


# Writing ---------------------------------------------------------------------------------------

_UPDATE_FIELDS = ["size", "contact_name", "tags", "note"]
_PHONE_FIELDS = ["contact_phone", "phone_hash", "phone_last4", "phone_masked"]


def _update(household: Household, data: dict) -> bool:
    """Fill ``household`` from a row's non-blank cells; whether anything changed. The stored phone is
    compared by its hash (it is not loaded)."""
    changed = False
    for name in ("size", "contact_name", "note"):
        if data.get(name) and getattr(household, name) != data[name]:
            setattr(household, name, data[name])
            changed = True
    if data["tags"] and encode_tags(data["tags"]) != household.tags:
        household.tags = encode_tags(data["tags"])
        changed = True
    if data.get("contact_phone") and pii.blind_index("phone", data["contact_phone"]) != household.phone_hash:
        household_apply_phone(household, data["contact_phone"])
        changed = True
    return changed


def households_import(*, actor, grid: Grid, upload, update: bool = False) -> HouseholdImportResult:
    """Add (or, with ``update``, update) every household of a file to ``grid``, or none.

    See the module's documentation for the rules. Writes one ``household.imported`` entry.
    """
    if not can(actor, "add", grid):
        raise PermissionDenied
    raw_rows = _read(upload, template_row(grid))
    rows = [(number, *parse_row(number, cells, HOUSEHOLD_COLUMNS, {}), cells.get("room"))
            for number, cells in raw_rows]
    checked, new_buildings, errors = _check_rows(actor, grid, rows, update)
    if errors:
        raise rows_rejected(errors)
    try:
        with transaction.atomic():
            buildings = {b.name: b for b in grid.buildings.all()}
            for name, address in new_buildings.items():
                buildings[name] = Building.objects.create(grid=grid, name=name, address=address)
            created, updated, unchanged = [], [], 0
            for row in checked:
                data = row.data
                if row.household is not None:
                    if _update(row.household, data):
                        updated.append(row.household)
                    else:
                        unchanged += 1
                    continue
                household = Household(building=buildings[data["building"]], room=data["room"],
                                      size=data["size"] or 1, contact_name=data.get("contact_name") or "",
                                      note=data.get("note") or "", tags=encode_tags(data["tags"]))
                if data.get("contact_phone"):
                    household_apply_phone(household, data["contact_phone"])
                created.append(household)
            Household.objects.bulk_create(created, batch_size=500)
            # Households whose phone is unchanged keep it unloaded (deferred): only the others write it.
            new_phone = [h for h in updated if "contact_phone" in h.__dict__]
            same_phone = [h for h in updated if "contact_phone" not in h.__dict__]
            if new_phone:
                Household.objects.bulk_update(new_phone, _UPDATE_FIELDS + _PHONE_FIELDS, batch_size=500)
            if same_phone:
                Household.objects.bulk_update(same_phone, _UPDATE_FIELDS, batch_size=500)
            audit_log(actor=actor, action="household.imported", obj=grid, organization=grid.organization,
                      changes={"created": len(created), "updated": len(updated), "unchanged": unchanged,
                               "buildings_created": sorted(new_buildings), "update_existing": bool(update),
                               "file": getattr(upload, "name", "")})
    except IntegrityError as exc:
        raise ImportRejected(_("Someone changed the grid's households while the file was being checked; nothing "
                               "was imported. Please upload the file again.")) from exc
    return HouseholdImportResult(created=len(created), updated=len(updated), unchanged=unchanged,
                                 buildings=sorted(new_buildings))
