"""The hardship register as a spreadsheet (困难党员台账)."""
import io

from dangjian.core.spreadsheets import Column, choice_label, write_workbook

from .choices import CaseStatus
from .selectors import last_contact

REGISTER_COLUMNS = [
    Column("姓名", "name", width=10),
    Column("所在组织", "organization", width=24),
    Column("年龄", "age", width=6),
    Column("困难类型", "kinds", width=20),
    Column("困难情况", "situation", width=40),
    Column("困难起始日期", "since", width=12),
    Column("登记日期", "opened_on", width=12),
    Column("状态", "status", width=8),
    Column("帮扶次数", "support_count", width=8),
    Column("帮扶金额（元）", "money_total", width=12),
    Column("最近帮扶或慰问", "last_contact", width=14),
    Column("结案日期", "closed_on", width=12),
    Column("结果", "outcome", width=30),
]


def register_xlsx(cases) -> bytes:
    """Cases (from ``selectors.with_figures``) as an xlsx workbook (labels in the file's language)."""

    def rows():
        for case in cases:
            yield [
                case.member.name, case.member.organization.name, case.member.age(), case.kinds_display,
                case.situation, case.since, case.opened_on, choice_label(CaseStatus, case.status),
                case.support_count, case.money_total, last_contact(case), case.closed_on, case.outcome,
            ]

    target = io.BytesIO()
    write_workbook(target, REGISTER_COLUMNS, rows(), title="困难党员台账", notes=False)
    return target.getvalue()
