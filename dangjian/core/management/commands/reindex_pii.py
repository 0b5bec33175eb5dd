from django.core.management.base import BaseCommand, CommandError

from dangjian.core.pii_maintenance import reindex


class Command(BaseCommand):
    help = ("Recompute the blind indexes (ID number and phone look-up hashes) from the decrypted values: run it "
            "after setting a new PII_HASH_KEY or changing PII_CIPHER. --check only counts the stale ones "
            "(exit code 1 if any).")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000, help="Rows per transaction (default 1000).")
        parser.add_argument("--check", action="store_true", help="Count stale indexes; write nothing; exit 1 if any.")

    def handle(self, *args, batch, check, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        results = reindex(batch=batch, only_check=check)
        stale = sum(r.stale for r in results)
        for r in results:
            detail = ", ".join(f"{name} {n}" for name, n in r.per_field.items())
            self.stdout.write(f"{r.label}: {r.values} values, {r.stale} stale indexes ({detail})")
        if check and stale:
            self.stderr.write(f"{stale} blind indexes are stale: run reindex_pii.")
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(f"{'Stale' if check else 'Recomputed'}: {stale}."))
