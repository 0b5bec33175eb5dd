"""Background tasks of the reports app (inspection packs are written by ``core.exports.run_export``)."""
import datetime

from django_tasks import task


@task()
def send_monthly_summaries_task(month: str) -> int:
    """Make and send the monthly summaries of ``month`` (``YYYY-MM-DD``, the month's first day) that
    are not made yet; returns how many were made."""
    from .monthly import monthly_summaries_send

    return monthly_summaries_send(month=datetime.date.fromisoformat(month))
