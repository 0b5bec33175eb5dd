"""``manage.py send_monthly_summaries [--month YYYY-MM] [--enqueue]``: make and send the monthly
summaries (for cron, daily: before the rule's day of sending nothing is due), or queue the task for
the background worker. Safe to rerun: a summary is never made twice."""
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Send the monthly summaries of the month before (or of --month) to the committees' organizers."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="The month to summarize, as YYYY-MM (default: the month before).")
        parser.add_argument("--enqueue", action="store_true", help="Queue the task for the worker instead.")

    def handle(self, *args, **options):
        from dangjian.reports.monthly import default_month, monthly_summaries_send

        today = timezone.localdate()
        if options["month"]:
            try:
                month = datetime.datetime.strptime(options["month"], "%Y-%m").date()
            except ValueError as exc:
                raise CommandError("--month must be YYYY-MM, e.g. 2026-10") from exc
            if month >= today.replace(day=1):
                raise CommandError("Only a month that has ended can be summarized.")
        else:
            month = default_month(today)
            if month is None:
                self.stdout.write("The summaries of last month are not due yet.")
                return
        if options["enqueue"]:
            from dangjian.reports.tasks import send_monthly_summaries_task

            result = send_monthly_summaries_task.enqueue(month.isoformat())
            self.stdout.write(f"queued {result.id}")
            return
        count = monthly_summaries_send(month=month)
        self.stdout.write(f"{count} summary(ies) of {month:%Y-%m} sent")
