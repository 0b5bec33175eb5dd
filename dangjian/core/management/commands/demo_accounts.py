from django.core.management.base import BaseCommand

from dangjian.accounts.models import User
from dangjian.core.demo.city import DEMO_PASSWORD, PERSONAS


class Command(BaseCommand):
    help = "Print the demo accounts created by seed_demo."

    def handle(self, *args, **options):
        found = set(User.objects.filter(username__in=PERSONAS).values_list("username", flat=True))
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, what in PERSONAS.items():
            if username in found:
                self.stdout.write(f"  {username:<10} {what}")
