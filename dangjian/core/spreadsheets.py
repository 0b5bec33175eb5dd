"""Spreadsheets in and out (xlsx): the file formats that imports read and exports write.

A format is a sequence of :class:`Column` (the Chinese header, the field, the kind of value).
:func:`read_rows` checks an uploaded file and its headers and returns the non-empty rows with
their row numbers; :func:`parse_row` turns one row's cells into values, or into
:class:`RowError` for the cells it cannot read. :func:`write_workbook` streams rows with
openpyxl's write-only mode, with drop-down lists for the choice columns and a sheet that
explains the columns, so that one format serves the template, the import and the export.

The headers are fixed Chinese text: the file format, not the user's language, decides them.
Choice cells hold the Chinese labels of the choices.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

MAX_ROWS = 20_000
MAX_FILE_BYTES = 20 * 1024 * 1024
_MAX_COLUMNS = 60
# This many empty rows in a row end the data (sheets formatted down to row 1,048,576 exist).
_BLANK_RUN_END = 1000
FILE_LANGUAGE = "zh-hans"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ZIP_MAGIC = b"PK\x03\x04"
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TRUE = {"是", "y", "yes", "true", "1", "√"}
_FALSE = {"否", "n", "no", "false", "0", "×"}
LISTS_SHEET = "选项"
NOTES_SHEET = "填写说明"


class CellError(ValueError):
    """A cell whose value cannot be read; the message is shown to the user."""


@dataclass(frozen=True)
class RowError:
    """One problem of an import file: row number (as Excel shows it), column header, message."""

    row: int
    column: str
    message: str

    def __str__(self):
        return _("Row %(row)d, column %(column)s: %(message)s") % {
            "row": self.row, "column": self.column or "—", "message": self.message}


class ImportRejected(ValidationError):
    """An import that wrote nothing: the file is refused as a whole, or some rows have errors."""

    def __init__(self, message: str, row_errors: Sequence[RowError] = ()):
        super().__init__(message)
        self.row_errors = sorted(row_errors, key=lambda e: e.row)


def rows_rejected(errors: Sequence[RowError]) -> ImportRejected:
    """The refusal of a file some of whose rows have errors."""
    bad = len({e.row for e in errors})
    message = ngettext("Nothing was imported: %(count)d row has errors. Correct it and upload the file again.",
                       "Nothing was imported: %(count)d rows have errors. Correct them and upload the file again.",
                       bad) % {"count": bad}
    return ImportRejected(message, errors)


@dataclass(frozen=True)
class ImportResult:
    created: int
    by_organization: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Column:
    """One column of a file format.

    ``kind`` is ``text``, ``date``, ``choice`` (``choices`` is a TextChoices class) or ``bool``.
    ``text_format`` keeps long digit strings (ID numbers, codes, phones) as text in Excel.
    """

    header: str
    field: str
    kind: str = "text"
    required: bool = False
    choices: Any = None
    max_length: int | None = None
    help: Any = ""
    width: int = 14
    text_format: bool = False

    def labels(self) -> list[str]:
        """The values a choice column offers, in the file's language."""
        if self.kind == "bool":
            return [bool_label(True), bool_label(False)]
        with translation.override(FILE_LANGUAGE):
            return [str(label) for label in self.choices.labels]


def choice_label(choices, value) -> str:
    """The label of a stored choice value as written in files."""
    if value in (None, ""):
        return ""
    with translation.override(FILE_LANGUAGE):
        try:
            return str(choices(value).label)
        except ValueError:
            return str(value)


def bool_label(value: bool) -> str:
    with translation.override(FILE_LANGUAGE):
        return str(_("Yes") if value else _("No"))


def _choice_lookup(choices) -> dict[str, str]:
    """Label (Chinese or English) or stored value → stored value."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        with translation.override(FILE_LANGUAGE):
            chinese = str(label)
        with translation.override("en"):
            english = str(label)
        for key in (str(value), english.lower(), chinese):
            lookup.setdefault(key, value)
        if chinese.endswith("族") and len(chinese) > 1:  # 汉 for 汉族, 蒙古 for 蒙古族
            lookup.setdefault(chinese[:-1], value)
    return lookup


# ---------------------------------------------------------------------------------------------
# Cell values


def parse_text(value) -> str:
    """A cell as text: numbers without a trailing ``.0``, dates as 2024-01-31, blanks as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def parse_date(value) -> datetime.date | None:
    """Excel dates, and text such as 2024-01-31, 2024/1/31, 2024.1.31, 2024年1月31日, 20240131."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        converted = from_excel(value)
        return converted.date() if isinstance(converted, datetime.datetime) else converted
    text = parse_text(value)
    if not text:
        return None
    match = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError(_("“%(value)s” is not a date; write it as 2024-01-31.") % {"value": text})


def parse_bool(value) -> bool:
    text = parse_text(value).lower()
    if not text:
        return False
    if text in _TRUE or text == bool_label(True).lower():
        return True
    if text in _FALSE or text == bool_label(False).lower():
        return False
    raise CellError(_("Write %(yes)s or %(no)s.") % {"yes": bool_label(True), "no": bool_label(False)})


def parse_cell(column: Column, value, lookups: dict[str, dict[str, str]]):
    """The value of one cell for ``column``; raises CellError with a message for the user."""
    if column.kind == "date":
        parsed = parse_date(value)
    elif column.kind == "bool":
        return parse_bool(value)
    else:
        parsed = parse_text(value)
    if parsed in (None, ""):
        if column.required:
            raise CellError(_("This field is required."))
        return parsed
    if column.kind == "choice":
        lookup = lookups[column.field]
        found = lookup.get(parsed, lookup.get(parsed.lower()))
        if found is None:
            raise CellError(_("“%(value)s” is not one of the allowed values; choose one from the drop-down list.")
                            % {"value": parsed})
        return found
    if column.max_length and isinstance(parsed, str):
        try:
            MaxLengthValidator(column.max_length)(parsed)
        except ValidationError as exc:
            raise CellError(exc.messages[0]) from exc
    return parsed


def choice_lookups(columns: Sequence[Column]) -> dict[str, dict[str, str]]:
    return {c.field: _choice_lookup(c.choices) for c in columns if c.kind == "choice"}


def parse_row(number: int, cells: dict[str, Any], columns: Sequence[Column],
              lookups: dict[str, dict[str, str]]) -> tuple[dict[str, Any], list[RowError]]:
    """The values of one row by field, and the errors of the cells that could not be read."""
    data, errors = {}, []
    for column in columns:
        try:
            data[column.field] = parse_cell(column, cells.get(column.field), lookups)
        except CellError as exc:
            errors.append(RowError(number, column.header, str(exc)))
    return data, errors


# ---------------------------------------------------------------------------------------------
# Reading files


def _normalize_header(value) -> str:
    return parse_text(value).replace(" ", "").rstrip("*＊")


def read_rows(upload, columns: Sequence[Column], *, skip: Sequence | None = None) -> list[tuple[int, dict[str, Any]]]:
    """The non-empty rows of the first sheet as ``(row number, {field: raw cell value})``.

    Refuses (:class:`ImportRejected`) a file that is not xlsx, whose headers are not the
    format's, that has no rows or more than :data:`MAX_ROWS`. ``skip`` is a row (in column
    order) left out when it appears unchanged: the template's example.
    """
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise ImportRejected(_("Upload an Excel workbook (.xlsx). Save older .xls or .csv files as .xlsx first."))
    if (getattr(upload, "size", 0) or 0) > MAX_FILE_BYTES:
        raise ImportRejected(_("The file is larger than %(size)d MB. Split it into smaller files.")
                             % {"size": MAX_FILE_BYTES // (1024 * 1024)})
    upload.seek(0)
    if upload.read(4) != _ZIP_MAGIC:
        raise ImportRejected(_("The file is not a valid Excel workbook (.xlsx)."))
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors for broken files
        raise ImportRejected(_("The file is not a valid Excel workbook (.xlsx).")) from exc
    try:
        return _read_sheet(workbook.worksheets[0], columns, skip)
    finally:
        workbook.close()


def _read_sheet(sheet, columns, skip):
    rows = sheet.iter_rows(values_only=True, max_col=_MAX_COLUMNS)
    try:
        header = next(rows)
    except StopIteration:
        raise ImportRejected(_("The file is empty.")) from None
    names = [_normalize_header(v) for v in header]
    expected = {c.header: c for c in columns}
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            continue
        if name in positions:
            raise ImportRejected(_("The column %(column)s appears twice.") % {"column": name})
        positions[name] = index
    missing = [c.header for c in columns if c.header not in positions]
    unknown = [n for n in positions if n not in expected]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("missing columns: %(columns)s") % {"columns": "、".join(missing)})
        if unknown:
            parts.append(_("unknown columns: %(columns)s") % {"columns": "、".join(unknown)})
        raise ImportRejected(_("The columns do not match the template (%(problems)s). Download the template and "
                               "copy your data into it.") % {"problems": "; ".join(parts)})
    skip_text = [parse_text(v) for v in skip] if skip else None
    result, blank_run = [], 0
    for number, values in enumerate(rows, start=2):
        cells = {c.field: values[positions[c.header]] if positions[c.header] < len(values) else None
                 for c in columns}
        texts = [parse_text(cells[c.field]) for c in columns]
        if not any(texts):
            blank_run += 1
            if blank_run >= _BLANK_RUN_END:
                break
            continue
        blank_run = 0
        if texts == skip_text:
            continue
        result.append((number, cells))
        if len(result) > MAX_ROWS:
            raise ImportRejected(_("The file has more than %(max)d rows. Split it into smaller files.")
                                 % {"max": MAX_ROWS})
    if not result:
        raise ImportRejected(_("The file has no data rows below the headers."))
    return result


def duplicates_in(rows: Iterable[tuple[int, str]]) -> dict[int, int]:
    """For values that appear more than once: {row: the first other row with the same value}."""
    first: dict[str, int] = {}
    found: dict[int, int] = {}
    for number, value in rows:
        if not value:
            continue
        if value in first:
            found[number] = first[value]
            found.setdefault(first[value], number)
        else:
            first[value] = number
    return found


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"), widget=forms.ClearableFileInput(
        attrs={"accept": ".xlsx," + XLSX_CONTENT_TYPE}))


# ---------------------------------------------------------------------------------------------
# Writing files

_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C8102E")
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


def write_workbook(target, columns: Sequence[Column], rows: Iterable[Sequence], *, title: str,
                   notes: bool = True, validation_rows: int = MAX_ROWS + 1) -> int:
    """Stream ``rows`` (values in column order) into an xlsx written to ``target``.

    Adds a drop-down list to each choice column (from a hidden sheet of options) and, with
    ``notes``, a sheet explaining the columns. Returns the number of rows written.
    """
    with translation.override(FILE_LANGUAGE):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title)
        listed = [c for c in columns if c.kind in ("choice", "bool")]
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = column.width
            if column.text_format:
                sheet.column_dimensions[letter].number_format = "@"
        for list_index, column in enumerate(listed, start=1):
            letter = get_column_letter(columns.index(column) + 1)
            options = get_column_letter(list_index)
            rule = DataValidation(
                type="list", allow_blank=True, showErrorMessage=True,
                formula1=f"'{LISTS_SHEET}'!${options}$2:${options}${len(column.labels()) + 1}",
                errorTitle=str(_("Not an allowed value")), error=str(_("Choose a value from the drop-down list.")),
            )
            rule.add(f"{letter}2:{letter}{validation_rows}")
            sheet.data_validations.append(rule)
        sheet.freeze_panes = "A2"
        sheet.append([_header_cell(sheet, c) for c in columns])
        count = 0
        for row in rows:
            sheet.append([_value_cell(sheet, v) for v in row])
            count += 1
        if notes:
            _write_notes(workbook, columns)
        _write_lists(workbook, listed)
        workbook.save(target)
    return count


def _header_cell(sheet, column: Column):
    cell = WriteOnlyCell(sheet, column.header)
    cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
    cell.fill = _HEADER_FILL
    return cell


def _value_cell(sheet, value):
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def _write_notes(workbook, columns):
    sheet = workbook.create_sheet(NOTES_SHEET)
    for letter, width in zip("ABCD", (18, 10, 60, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([_header_cell(sheet, Column(str(h), "")) for h in (
        _("Column"), _("Required"), _("How to fill it in"), _("Allowed values"))])
    for column in columns:
        if column.kind == "date":
            allowed = _("A date, such as 2024-01-31, 2024/1/31 or 2024年1月31日")
        elif column.kind in ("choice", "bool"):
            allowed = "、".join(column.labels())
        elif column.max_length:
            allowed = _("At most %(max)d characters") % {"max": column.max_length}
        else:
            allowed = ""
        sheet.append([column.header, str(_("Yes") if column.required else _("No")), str(column.help), str(allowed)])
    sheet.append([])
    for line in (_("Headers in red must be filled in. Keep the headers of the first row unchanged."),
                 _("The example in the second row is ignored if left unchanged; you may delete it."),
                 _("The whole file is checked first: if any row has an error, nothing is imported and every "
                   "error is listed with its row and column."),
                 _("At most %(max)d rows per file.") % {"max": MAX_ROWS}):
        sheet.append([str(line)])


def _write_lists(workbook, listed):
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    labels = [c.labels() for c in listed]
    sheet.append([c.header for c in listed])
    for index in range(max((len(x) for x in labels), default=0)):
        sheet.append([x[index] if index < len(x) else None for x in labels])


def template_example(columns: Sequence[Column], example: dict[str, Any]) -> list:
    """The example row of a template in column order, choices written as their labels."""
    row = []
    for column in columns:
        value = example.get(column.field, "")
        if column.kind == "choice":
            value = choice_label(column.choices, value)
        elif column.kind == "bool":
            value = bool_label(bool(value))
        row.append(value)
    return row


def upload_page(request, *, run, template: str, context: dict, success_message, success_url: str):
    """The flow of every import page: upload, check every row, import all or show each error.

    ``run(upload)`` imports and returns a result, or raises :class:`ImportRejected`;
    ``success_message(result)`` says what was done.
    """
    from django.contrib import messages
    from django.shortcuts import redirect, render

    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    rejected = None
    if request.method == "POST" and form.is_valid():
        try:
            result = run(form.cleaned_data["file"])
        except ImportRejected as exc:
            rejected = exc
        else:
            messages.success(request, success_message(result))
            return redirect(success_url)
    return render(request, template, {**context, "form": form, "rejected": rejected})
