"""Demo records of the reports app: the monthly summaries of the month before, as organizers find
them on the first days of a month (everything else in the reports app is computed)."""
import datetime

from django.utils import timezone

from dangjian.core.dates import month_start

from .monthly import monthly_summaries_send


def build_demo(today: datetime.date | None = None) -> int:
    """Send the summaries of the month before ``today``; returns how many were written."""
    today = today or timezone.localdate()
    return monthly_summaries_send(month=month_start(month_start(today) - datetime.timedelta(days=1)))
