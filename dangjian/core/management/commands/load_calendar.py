from django.core.management.base import BaseCommand

from dangjian.core.calendar_admin import calendar_package_load


class Command(BaseCommand):
    help = ("Load the official holidays and make-up workdays the chinese-calendar package knows. Years already "
            "loaded keep their edits unless --replace is given.")

    def add_arguments(self, parser):
        parser.add_argument("--replace", action="store_true", help="Replace years already loaded (their edits are lost).")

    def handle(self, *args, replace, **options):
        years = calendar_package_load(actor=None, replace=replace)
        if years:
            self.stdout.write(self.style.SUCCESS(f"Loaded: {', '.join(str(y) for y in years)}"))
        else:
            self.stdout.write("Every year the package knows is loaded already; nothing was changed.")
