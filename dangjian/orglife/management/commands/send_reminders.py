"""``manage.py send_reminders``: remind secretaries of meetings still due (for cron), or ``--enqueue``
the task for the background worker."""
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Remind secretaries of meetings still due in periods that end soon (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue the task for the worker instead.")

    def handle(self, *args, **options):
        if options["enqueue"]:
            from dangjian.orglife.tasks import send_reminders_task

            self.stdout.write(f"queued {send_reminders_task.enqueue().id}")
            return
        from dangjian.orglife.reminders import send_due_reminders

        self.stdout.write(f"Reminded {send_due_reminders()} organization(s).")
