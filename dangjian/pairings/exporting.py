"""A fund's ledger of one year as a spreadsheet (互助金台账)."""
import io

from dangjian.core.spreadsheets import Column, choice_label, write_workbook

from .choices import EntryDirection

LEDGER_COLUMNS = [
    Column("日期", "entry_date", kind="date", width=12),
    Column("收支", "direction", width=6),
    Column("摘要（来源或收款人）", "counterparty", width=28),
    Column("收入（元）", "income", width=12),
    Column("支出（元）", "payment", width=12),
    Column("余额（元）", "balance", width=12),
    Column("审批人", "approved_by", width=10),
    Column("备注", "note", width=30),
]


def ledger_xlsx(ledger) -> bytes:
    """The ledger (from ``selectors.ledger``): the opening balance, one row per entry with the running
    balance, and the year's totals."""

    def rows():
        yield [None, "", "上年结余", None, None, ledger.opening, "", ""]
        for row in ledger.rows:
            entry = row.entry
            income = entry.amount if entry.direction == EntryDirection.INCOME else None
            payment = entry.amount if entry.direction == EntryDirection.PAYMENT else None
            yield [entry.entry_date, choice_label(EntryDirection, entry.direction), entry.counterparty, income,
                   payment, row.balance, entry.approved_by, entry.note]
        yield [None, "", "本年合计", ledger.income, ledger.payment, ledger.closing, "", ""]

    target = io.BytesIO()
    write_workbook(target, LEDGER_COLUMNS, rows(), title=f"{ledger.year}年台账", notes=False)
    return target.getvalue()
