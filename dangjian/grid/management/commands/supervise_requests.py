"""``manage.py supervise_requests``: supervise overdue requests now (for cron), or ``--enqueue``
the task for the background worker."""
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Send supervision notices for requests whose step deadline has passed (once per deadline)."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue the task for the worker instead.")

    def handle(self, *args, **options):
        if options["enqueue"]:
            from dangjian.grid.tasks import supervise_overdue_task

            result = supervise_overdue_task.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        from dangjian.grid.supervision import supervise_overdue

        count = supervise_overdue()
        self.stdout.write(f"{count} request(s) supervised")
