"""``manage.py db_fingerprint [--json]``: row count and checksum of every model table."""
import json

from django.core.management.base import BaseCommand

from dangjian.core import backups


class Command(BaseCommand):
    help = ("Row count and checksum (rows' values in primary-key order) of every model table. Two databases "
            "with the same answer hold the same data: compare before a backup and after its restore.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")

    def handle(self, *args, json: bool = False, **options):
        from django.db import connection

        with connection.cursor() as cursor:
            prints = backups.fingerprint(cursor, connection.vendor)
        if json:
            self.stdout.write(_json_dumps(prints))
            return
        for table, facts in prints["tables"].items():
            rows = "missing" if facts["rows"] is None else f"{facts['rows']:>10,}"
            self.stdout.write(f"{table:<50} {rows:>10}  {facts['checksum']}")
        self.stdout.write(f"{'digest':<50} {'':>10}  {prints['digest']}")


def _json_dumps(value) -> str:
    return json.dumps(value, indent=1, sort_keys=True)
