"""Administration of the official working-day calendar (法定节假日与调休): days set by hand, a
year imported from a file when the State Council publishes it, or years loaded from the
chinese-calendar package. Every change is audited; working-day dates are recomputed from the
table on their next reading (see :mod:`dangjian.core.workdays`).
"""
from __future__ import annotations

import csv
import datetime
import io

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .audit import audit_log
from .models import CalendarDay, CalendarYear
from .spreadsheets import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    Column,
    ImportRejected,
    RowError,
    choice_lookups,
    parse_row,
    parse_text,
    read_rows,
    rows_rejected,
    template_example,
    write_workbook,
)
from .workdays import calendar_changed_on_commit, calendar_load_package, calendar_year_replace


class FileKind(models.TextChoices):
    """The kinds of day as the import file writes them (the file format, not the user's language)."""

    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"


# Other words people write in the 类型 column, and what they mean.
KIND_SYNONYMS = {
    "假": "holiday", "休": "holiday", "休息": "holiday", "假日": "holiday", "节假日": "holiday", "法定节假日": "holiday",
    "放假休息": "holiday", "班": "workday", "上班": "workday", "补班": "workday", "调休补班": "workday",
    "make-up workday": "workday",
}

CALENDAR_COLUMNS = [
    Column("日期", "date", kind="date", required=True, width=14, help="2027-01-01"),
    Column("类型", "kind", kind="choice", choices=FileKind, required=True, width=12, help="放假 / 调休上班"),
    Column("名称", "name", max_length=50, width=16, help="元旦、春节……"),
]


def _check_day(day: datetime.date, kind: str) -> str | None:
    """The problem with a day of this kind, if any."""
    if kind == CalendarDay.Kind.WORKDAY and day.weekday() < 5:
        return _("A make-up workday falls on a Saturday or Sunday; %(date)s is a weekday.") % {"date": day.isoformat()}
    return None


def calendar_day_save(*, actor, day: datetime.date, kind: str, name: str = "") -> CalendarDay:
    """Set one day to a holiday or a make-up workday (replacing what it was)."""
    if kind not in CalendarDay.Kind.values:
        raise ValidationError({"kind": _("Choose holiday or make-up workday.")})
    problem = _check_day(day, kind)
    if problem:
        raise ValidationError({"kind": problem})
    name = (name or "").strip()
    if kind == CalendarDay.Kind.HOLIDAY and not name:
        raise ValidationError({"name": _("Name the holiday, for example 春节.")})
    with transaction.atomic():
        before = CalendarDay.objects.filter(date=day).values("kind", "name").first() or {"kind": None, "name": ""}
        obj, _created = CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})
        calendar_changed_on_commit(day.year)
        audit_log(actor=actor, action="calendar.day_saved", obj=obj,
                  changes={"date": day, "kind": [before["kind"], kind], "name": [before["name"], name]})
    return obj


def calendar_day_delete(*, actor, day: datetime.date) -> None:
    """Make a day ordinary again (a weekday works, a weekend rests)."""
    obj = CalendarDay.objects.filter(date=day).first()
    if obj is None:
        raise ValidationError(_("%(date)s is an ordinary day already.") % {"date": day.isoformat()})
    with transaction.atomic():
        audit_log(actor=actor, action="calendar.day_deleted", obj=obj,
                  changes={"date": day, "kind": obj.kind, "name": obj.name})
        obj.delete()
        calendar_changed_on_commit(day.year)


def calendar_year_confirm(*, actor, year: int) -> CalendarYear:
    """Mark a year whose days were entered by hand as complete: its dates stop being provisional."""
    if CalendarYear.objects.filter(year=year).exists():
        raise ValidationError(_("The calendar of %(year)d is already complete.") % {"year": year})
    if not CalendarDay.objects.filter(date__year=year).exists():
        raise ValidationError(_("Enter the holidays and make-up workdays of %(year)d first.") % {"year": year})
    with transaction.atomic():
        obj = CalendarYear.objects.create(year=year, source=_("entered by hand"))
        calendar_changed_on_commit(year)
        audit_log(actor=actor, action="calendar.year_confirmed", obj=obj,
                  changes={"count": CalendarDay.objects.filter(date__year=year).count()})
    return obj


def calendar_package_load(*, actor, replace: bool = False) -> list[int]:
    """Load the years the chinese-calendar package knows (audited); see ``calendar_load_package``."""
    with transaction.atomic():
        years = calendar_load_package(replace=replace)
        if years:
            audit_log(actor=actor, action="calendar.package_loaded", changes={"years": years},
                      note=_("years already loaded were replaced") if replace else "")
    return years


# ---------------------------------------------------------------------------------------------
# Import of a year from a file


def _read_csv(upload, columns) -> list[tuple[int, dict]]:
    """The rows of a CSV file (UTF-8, with or without BOM, or GB18030 as Excel saves it in China)."""
    raw = upload.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRejected(_("The CSV file cannot be read: save it as UTF-8."))
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise ImportRejected(_("The file is empty."))
    names = [parse_text(h).replace(" ", "").rstrip("*＊") for h in header]
    positions = {name: index for index, name in enumerate(names) if name}
    missing = [c.header for c in columns if c.header not in positions]
    if missing:
        raise ImportRejected(_("The columns do not match the template (%(problems)s). Download the template and "
                               "copy your data into it.")
                             % {"problems": _("missing columns: %(columns)s") % {"columns": "、".join(missing)}})
    rows = []
    for number, values in enumerate(reader, start=2):
        cells = {c.field: values[positions[c.header]] if positions[c.header] < len(values) else None for c in columns}
        if any(parse_text(v) for v in cells.values()):
            rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise ImportRejected(_("The file has more than %(max)d rows. Split it into smaller files.") % {"max": MAX_ROWS})
    if not rows:
        raise ImportRejected(_("The file has no data rows below the headers."))
    return rows


def read_calendar_file(upload) -> list[tuple[int, dict]]:
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith(".csv"):
        if (getattr(upload, "size", 0) or 0) > MAX_FILE_BYTES:
            raise ImportRejected(_("The file is larger than %(size)d MB. Split it into smaller files.")
                                 % {"size": MAX_FILE_BYTES // (1024 * 1024)})
        return _read_csv(upload, CALENDAR_COLUMNS)
    if not name.endswith(".xlsx"):
        raise ImportRejected(_("Upload an Excel workbook (.xlsx) or a CSV file."))
    return read_rows(upload, CALENDAR_COLUMNS)


def parse_calendar_rows(rows, *, year: int) -> list[tuple[datetime.date, str, str]]:
    """The days of the file as (date, kind, name); raises :class:`ImportRejected` listing every bad row."""
    lookups = choice_lookups(CALENDAR_COLUMNS)
    errors: list[RowError] = []
    days, seen = [], {}
    for number, cells in rows:
        kind_text = parse_text(cells.get("kind"))
        cells = {**cells, "kind": KIND_SYNONYMS.get(kind_text.lower(), kind_text)}
        data, row_errors = parse_row(number, cells, CALENDAR_COLUMNS, lookups)
        errors += row_errors
        if row_errors:
            continue
        day, kind, name = data["date"], data["kind"], data["name"]
        if day.year != year:
            errors.append(RowError(number, "日期", _("%(date)s is not in %(year)d.") % {"date": day.isoformat(), "year": year}))
            continue
        if day in seen:
            errors.append(RowError(number, "日期", _("%(date)s is also on row %(row)d.")
                                   % {"date": day.isoformat(), "row": seen[day]}))
            continue
        seen[day] = number
        problem = _check_day(day, kind)
        if problem:
            errors.append(RowError(number, "类型", problem))
            continue
        if kind == CalendarDay.Kind.HOLIDAY and not name:
            errors.append(RowError(number, "名称", _("Name the holiday, for example 春节.")))
            continue
        days.append((day, kind, name))
    if errors:
        raise rows_rejected(errors)
    return days


def calendar_year_import(*, actor, year: int, upload) -> int:
    """Replace a year's holidays and make-up workdays with those of a file: all rows or none."""
    days = parse_calendar_rows(read_calendar_file(upload), year=year)
    with transaction.atomic():
        replaced = CalendarDay.objects.filter(date__year=year).count()
        calendar_year_replace(year=year, days=days, source=(getattr(upload, "name", "") or "")[:100])
        audit_log(actor=actor, action="calendar.year_imported", obj=CalendarYear.objects.get(year=year),
                  changes={"count": len(days)},
                  note=_("%(file)s replaced %(n)d days") % {"file": getattr(upload, "name", "") or "", "n": replaced})
    return len(days)


def calendar_template(target, *, year: int) -> None:
    """The import template: the columns, an example row (元旦, a holiday every year) and notes."""
    example = {"date": datetime.date(year, 1, 1), "kind": FileKind.HOLIDAY, "name": "元旦"}
    write_workbook(target, CALENDAR_COLUMNS, [template_example(CALENDAR_COLUMNS, example)],
                   title=f"{year}年节假日", validation_rows=400)
