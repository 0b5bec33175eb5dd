"""Report tables as spreadsheets, in the layout of the familiar paper tables: the title merged
across, a line with 填报单位, 截止日期 and 单位, one or two header rows with merged cells, borders,
the total row in bold, column widths and the header frozen. Text is fixed Chinese (the file
format, not the user's language, decides it)."""
from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
_BOLD = Font(bold=True)


def _cell_value(cell):
    value = cell.value
    if isinstance(value, str) and cell.unit != "count":
        try:
            return float(Decimal(value))
        except ArithmeticError:
            return value
    if isinstance(value, Decimal):
        return float(value)
    return value


def _date(on) -> str:
    return f"{on.year}年{on.month}月{on.day}日"


def write_aggregate(table, target) -> int:
    """Write an :class:`~.aggregate.AggregateTable` to ``target``; returns the number of data rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.spec["title"][:31]
    width = len(table.spec["columns"]) + 1
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1, table.spec["title"]).font = Font(bold=True, size=16)
    sheet.cell(1, 1).alignment = _CENTER
    sheet.row_dimensions[1].height = 30
    sheet.cell(2, 1, f"填报单位：{table.organization.name}")
    date_column = max(2, width // 2)
    sheet.cell(2, date_column, f"截止日期：{_date(table.on)}")
    if table.spec.get("unit"):
        sheet.cell(2, width, f"单位：{table.spec['unit']}").alignment = Alignment(horizontal="right")
    top = 3
    # Header rows with their merges: a grid of taken cells places each header cell.
    taken = set()
    for r, header_row in enumerate(table.header):
        column = 1
        for head in header_row:
            while (r, column) in taken:
                column += 1
            row_number = top + r
            cell = sheet.cell(row_number, column, head.text)
            if head.colspan > 1 or head.rowspan > 1:
                sheet.merge_cells(start_row=row_number, start_column=column, end_row=row_number + head.rowspan - 1,
                                  end_column=column + head.colspan - 1)
            for dr in range(head.rowspan):
                for dc in range(head.colspan):
                    taken.add((r + dr, column + dc))
            cell.font = _BOLD
            column += head.colspan
    header_end = top + len(table.header) - 1
    for row in sheet.iter_rows(min_row=top, max_row=header_end, max_col=width):
        for cell in row:
            cell.border, cell.alignment, cell.fill = _BORDER, _CENTER, _HEADER_FILL
    number = header_end
    for data_row in table.rows:
        number += 1
        sheet.cell(number, 1, data_row.label)
        for index, cell in enumerate(data_row.cells, start=2):
            target_cell = sheet.cell(number, index, _cell_value(cell))
            if cell.unit != "count":
                target_cell.number_format = "0.00"
        for cell in sheet[number][:width]:
            cell.border = _BORDER
            if data_row.kind == "total":
                cell.font = _BOLD
        sheet.cell(number, 1).alignment = Alignment(vertical="center", wrap_text=True)
    sheet.column_dimensions["A"].width = 28
    for index, column in enumerate(table.spec["columns"], start=2):
        sheet.column_dimensions[get_column_letter(index)].width = column.get("width") or max(
            8, min(16, len(column["heading"]) * 2 + 2))
    sheet.freeze_panes = sheet.cell(header_end + 1, 2)
    sheet.page_setup.orientation = "landscape"
    book.save(target)
    return len(table.rows)


def write_records(spec: dict, organization, on, rows, target) -> int:
    """A records (collection) table: the title line, then one header row and the records."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(spec["title"][:31])
    for index, column in enumerate(spec["columns"], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.get("width") or max(
            10, len(column["heading"]) * 2 + 2)
    sheet.freeze_panes = "A3"
    sheet.append([f"{spec['title']}（填报单位：{organization.name}，截止日期：{_date(on)}）"])
    sheet.append([c["heading"] for c in spec["columns"]])
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    book.save(target)
    return count
