"""The coverage statistics as a spreadsheet: one sheet each for the summary, the tables by kind,
by area and by building, and the monthly trend. Headers are fixed Chinese text (the file format,
not the user's language, decides them)."""
from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

COUNT_HEADERS = ["企业和社会组织数", "单独建立党组织", "联合建立党组织", "仅选派指导员或联络员", "未覆盖",
                 "党的组织覆盖率(%)", "党的工作覆盖率(%)"]
COUNT_KEYS = ["total", "own", "joint", "guided", "none", "organized_rate", "worked_rate"]


def _rate(value):
    return float(value) if value is not None else None


def _values(row: dict) -> list:
    return [_rate(row[k]) if k.endswith("_rate") else row.get(k, 0) for k in COUNT_KEYS]


def _sheet(book, title: str, first: str, rows: list[tuple[str, dict]]):
    sheet = book.create_sheet(title)
    sheet.append([first, *COUNT_HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for name, row in rows:
        sheet.append([name, *_values(row)])
    sheet.column_dimensions["A"].width = 30
    return sheet


def stats_xlsx(organization, stats) -> bytes:
    """The workbook of ``coverage_stats(organization, on)``."""
    book = Workbook()
    book.remove(book.active)
    summary = {"total": stats.total, **stats.by_coverage, "organized_rate": stats.organized_rate,
               "worked_rate": stats.worked_rate}
    sheet = _sheet(book, "汇总", "党组织", [(organization.display_name, summary)])
    sheet.append([])
    sheet.append(["统计日期", stats.on.isoformat()])
    sheet.append(["具备单独组建条件", stats.ready])
    _sheet(book, "按类别", "类别", [(row["label"], row) for row in stats.by_kind])
    _sheet(book, "按区域", "属地党组织", [(row["name"], row) for row in stats.by_area])
    _sheet(book, "按楼宇", "楼宇", [(row["name"], row) for row in stats.by_building])
    _sheet(book, "趋势", "日期", [(row["on"], row) for row in stats.trend])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
