from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangjian.core.retention import audit_prune


class Command(BaseCommand):
    help = ("Delete audit entries and finished background-task results older than --keep-days days "
            "(default AUDIT_RETENTION_DAYS, 365; never fewer than 180), in batches.")

    def add_arguments(self, parser):
        parser.add_argument("--keep-days", type=int, default=None, help="Keep this many days (at least 180).")
        parser.add_argument("--batch", type=int, default=1000, help="Rows deleted per transaction (default 1000).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args, keep_days, batch, dry_run, **options):
        keep_days = settings.AUDIT_RETENTION_DAYS if keep_days is None else keep_days
        try:
            result = audit_prune(keep_days=keep_days, batch=max(batch, 1), dry_run=dry_run)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {result.audit_entries} audit entries ({result.access_entries} reveals/exports) and "
                          f"{result.task_results} finished task results from before {result.cutoff:%Y-%m-%d %H:%M}.")
