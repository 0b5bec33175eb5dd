"""A plan's logs as a ledger spreadsheet (主题工作法工作日志台账): one row per log, by day."""
import io

from django.utils import timezone

from dangjian.core.spreadsheets import Column, write_workbook

WEEKDAYS = "一二三四五六日"
COLUMNS = [
    Column("日期", "day", kind="date", width=12), Column("星期", "weekday", width=6), Column("主题", "theme", width=12),
    Column("社区干部", "author", width=12), Column("完成的任务", "tasks", width=30), Column("工作内容", "done", width=50),
    Column("工作成效", "outcomes", width=40), Column("填写时间", "updated_at", width=18),
]


def logs_xlsx(plan, logs) -> bytes:
    """``logs`` (from ``selectors_themes.logs``, tasks prefetched) as an xlsx workbook."""

    def rows():
        for log in logs:
            yield [log.day, f"周{WEEKDAYS[log.day.weekday()]}", log.theme, log.author.get_full_name()
                   or log.author.get_username(), "；".join(t.title for t in log.tasks.all()), log.done, log.outcomes,
                   timezone.localtime(log.updated_at).replace(tzinfo=None)]

    target = io.BytesIO()
    write_workbook(target, COLUMNS, rows(), title="工作日志", notes=False)
    return target.getvalue()
