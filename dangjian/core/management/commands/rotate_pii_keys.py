from django.core.management.base import BaseCommand, CommandError

from dangjian.core import pii
from dangjian.core.pii_maintenance import rotate_keys


class Command(BaseCommand):
    help = ("Re-encrypt every protected personal value under the first key of the configured cipher suite "
            "(PII_CIPHER, PII_KEYS or PII_SM4_KEYS). Resumable: values already under that key are left as they are. "
            "--check only counts the values still under other keys (exit code 1 if any).")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000, help="Rows per transaction (default 1000).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be re-encrypted; write nothing.")
        parser.add_argument("--check", action="store_true", help="Count values still under old keys; exit 1 if any.")

    def handle(self, *args, batch, dry_run, check, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        suite = pii.cipher()
        results = rotate_keys(batch=batch, dry_run=dry_run, only_check=check)
        stale = 0
        for r in results:
            stale += r.stale
            detail = ", ".join(f"{name} {n}" for name, n in r.per_field.items())
            done = "" if (dry_run or check) else f", re-encrypted {r.rewritten}"
            self.stdout.write(f"{r.label}: {r.values} values, {r.stale} under old keys ({detail}){done}")
        if check:
            if stale:
                self.stderr.write(f"{stale} values are not under the first {suite} key: run rotate_pii_keys.")
                raise SystemExit(1)
            self.stdout.write(self.style.SUCCESS(f"Every value is under the first {suite} key."))
        elif dry_run:
            self.stdout.write(f"Dry run: {stale} values would be re-encrypted under the first {suite} key.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Re-encrypted {stale} values under the first {suite} key."))
