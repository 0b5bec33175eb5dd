"""The dues ledgers as spreadsheets (党费收缴台账), written with the shared xlsx helpers.

Amounts are written as exact decimals (yuan); a month not paid shows what is owed as text, so
that the sheet reads like the paper ledger.
"""
import io

from django.utils import translation
from django.utils.translation import gettext as _

from dangjian.core.spreadsheets import FILE_LANGUAGE, Column, write_workbook

from .choices import CellState
from .selectors import Ledger, SubtreeLedger


def _cell_text(cell):
    if cell.state == CellState.PAID:
        return cell.paid + cell.extra
    if cell.state == CellState.EXEMPT:
        return _("Exempted")
    if cell.state in (CellState.OWED, CellState.DUE):
        label = _("Owed") if cell.state == CellState.OWED else _("To pay")
        return f"{label} {cell.due}" if cell.due is not None else _("No base declared")
    return ""


def ledger_xlsx(ledger: Ledger) -> bytes:
    """One organization's ledger for a year: a row per member, a column per month, totals."""
    with translation.override(FILE_LANGUAGE):
        columns = [Column(_("Name"), "name", width=10), Column(_("Dues basis"), "basis", width=12),
                   Column(_("Monthly base (yuan)"), "base", width=12)]
        columns += [Column(_("Month %(month)d") % {"month": m.month}, f"m{m.month}", width=9) for m in ledger.months]
        columns += [Column(_("Due (yuan)"), "due", width=11), Column(_("Paid (yuan)"), "paid", width=11),
                    Column(_("Voluntary extra (yuan)"), "extra", width=11),
                    Column(_("Months in arrears"), "arrears", width=10)]

        def rows():
            for row in ledger.rows:
                name = row.member.name if row.current else f"{row.member.name}（{_('left')}）"
                yield [name, str(row.basis_label), row.base if row.current else "",
                       *[_cell_text(c) for c in row.cells], row.due, row.paid, row.extra,
                       row.standing.months if row.standing else ""]
            yield [_("Total"), "", "", *[t["paid"] + t["extra"] for t in ledger.month_totals],
                   ledger.due, ledger.paid, ledger.extra, ""]

        title = _("Dues %(year)d") % {"year": ledger.year}
    out = io.BytesIO()
    write_workbook(out, columns, rows(), title=title[:31], notes=False)
    return out.getvalue()


def subtree_xlsx(ledger: SubtreeLedger) -> bytes:
    """The dues of each organization of a subtree for a year, with the subtree's total."""
    with translation.override(FILE_LANGUAGE):
        columns = [
            Column(_("Organization"), "organization", width=30), Column(_("Members"), "members", width=8),
            Column(_("Due (yuan)"), "due", width=12), Column(_("Paid (yuan)"), "paid", width=12),
            Column(_("Voluntary extra (yuan)"), "extra", width=12), Column(_("Collection rate (%)"), "rate", width=10),
            Column(_("Paid this month"), "paid_this_month", width=10),
            Column(_("Owing 3+ months"), "warn", width=10), Column(_("Owing 5+ months"), "serious", width=10),
        ]

        def line(name, r):
            return [name, r.members, r.due, r.paid, r.extra, r.rate if r.rate is not None else "", r.paid_this_month,
                    r.three_plus, r.serious]

        def rows():
            for r in ledger.rows:
                yield line(r.organization.name, r)
            yield line(_("Total"), ledger.total)

        title = _("Dues %(year)d") % {"year": ledger.year}
    out = io.BytesIO()
    write_workbook(out, columns, rows(), title=title[:31], notes=False)
    return out.getvalue()
