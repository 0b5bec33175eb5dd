"""Blank residents' contact details past the retention days of the privacy notice (run daily), or
``--enqueue`` the task for the background worker."""
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Blank contact details kept with requests, wishes and bookings that ended past the retention days."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue the task for the worker instead.")

    def handle(self, *args, **options):
        if options["enqueue"]:
            from dangjian.privacy.tasks import contacts_purge_task

            self.stdout.write(f"queued {contacts_purge_task.enqueue().id}")
            return
        from dangjian.privacy.services import contacts_purge

        counts = contacts_purge()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
