"""Spreadsheets of the follow-up work: the rectification tasks of a list, the results of a review
round. Member ratings appear as counts per grade only, never by name."""
import io

from django.utils import timezone

from dangjian.core.spreadsheets import Column, choice_label, write_workbook

from .choices import RectificationStatus, ReportGrade
from .selectors_followup import days_overdue

RECTIFICATION_COLUMNS = [
    Column("组织", "organization", width=28), Column("问题", "title", width=36), Column("来源考核指标", "source", width=28),
    Column("责任人", "owner", width=12), Column("整改期限", "deadline", kind="date", width=12),
    Column("状态", "status", kind="choice", choices=RectificationStatus, width=10),
    Column("逾期天数", "days_overdue", width=10), Column("整改情况", "closing_note", width=40),
    Column("提交时间", "submitted_at", width=18), Column("办结时间", "closed_at", width=18),
]


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def rectifications_xlsx(tasks) -> bytes:
    """Tasks (from ``selectors_followup.rectifications``) as an xlsx workbook."""

    def rows():
        for t in tasks:
            source = t.source.criterion.name if t.source_id else ""
            owner = (t.owner.get_full_name() or t.owner.get_username()) if t.owner_id else ""
            yield [t.organization.name, t.title, source, owner, t.deadline, choice_label(RectificationStatus, t.status),
                   days_overdue(t) or "", t.closing_note, _local(t.submitted_at), _local(t.closed_at)]

    target = io.BytesIO()
    write_workbook(target, RECTIFICATION_COLUMNS, rows(), title="整改任务", notes=False)
    return target.getvalue()


def review_round_xlsx(round_, rows) -> bytes:
    """The reports of a round (``selectors_followup.report_rows``): counts per side and grade, score, grade."""
    grades = ReportGrade.values
    columns = [Column("组织", "organization", width=28), Column("述职人", "reporter", width=12),
               Column("提交时间", "submitted_at", width=18)]
    columns += [Column(f"上级评议·{choice_label(ReportGrade, g)}", f"upper_{g}", width=10) for g in grades]
    columns += [Column(f"党员评议·{choice_label(ReportGrade, g)}", f"member_{g}", width=10) for g in grades]
    columns += [Column("综合得分", "score", width=10), Column("评议等次", "grade", width=10)]

    def values():
        for row in rows:
            report = row.report
            yield [report.organization.name, report.reporter.name if report.reporter_id else "",
                   _local(report.submitted_at), *[row.upper[g] for g in grades], *[row.member[g] for g in grades],
                   row.score, choice_label(ReportGrade, row.grade)]

    target = io.BytesIO()
    write_workbook(target, columns, values(), title="述职评议结果", notes=False)
    return target.getvalue()
