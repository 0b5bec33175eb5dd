from django.core.management.base import BaseCommand

from dangjian.orglife.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Remind secretaries of meetings still due in periods that end soon (run daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"Reminded {send_due_reminders()} organization(s).")
