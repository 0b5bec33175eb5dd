"""``manage.py expire_wishes``: return overdue claimed wishes to the board and close expired ones
(for cron), or ``--enqueue`` the task for the background worker."""
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Return claimed wishes not fulfilled in time to the board; close wishes past their date."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue the task for the worker instead.")

    def handle(self, *args, **options):
        if options["enqueue"]:
            from dangjian.wishes.tasks import expire_wishes_task

            result = expire_wishes_task.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        from dangjian.wishes.services import wishes_expire

        self.stdout.write(f"{wishes_expire()} wish step(s) taken")
