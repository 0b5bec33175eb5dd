"""``manage.py backup [--output DIR]``: the database and the stored files into one backup directory."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from dangjian.core import backups


class Command(BaseCommand):
    help = ("Back up the database (PostgreSQL: pg_dump -Fc; SQLite: an online copy, safe while the site runs) "
            "and every file under MEDIA_ROOT into a new directory (mode 0700, files 0600) with a manifest of "
            "SHA-256 hashes signed with BACKUP_KEY (else SECRET_KEY). Backups are not encrypted: store them on an "
            "encrypted volume and keep the PII keys and BACKUP_KEY elsewhere.")

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.VAR_DIR) / "backups"),
                            help="Directory the backup is written under (default var/backups).")

    def handle(self, *args, output, **options):
        result = backups.create_backup(Path(output), database=backups.database_settings())
        manifest = result.manifest
        size = sum(entry["size"] for entry in manifest["files"].values())
        self.stdout.write(self.style.SUCCESS(f"Backup written to {result.path}"))
        self.stdout.write(f"  engine {manifest['engine']}, {len(manifest['tables'])} tables, "
                          f"{sum(n or 0 for n in manifest['tables'].values()):,} rows, "
                          f"{len(manifest['media_files'])} stored files, {size / 1024 / 1024:.1f} MiB, "
                          f"{result.seconds:.1f} s; fingerprint {manifest['fingerprint']['digest'][:16]}")
