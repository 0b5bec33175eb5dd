"""``manage.py restore BACKUP [--yes]``: put a backup made by ``manage.py backup`` back."""
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dangjian.core import backups


class Command(BaseCommand):
    help = ("Restore a backup directory (or its manifest.json) made by `manage.py backup`: checks the manifest's "
            "signature (BACKUP_KEY, else SECRET_KEY) and the SHA-256 of every file first and refuses an altered "
            "backup; replaces the database and MEDIA_ROOT (the previous files are kept as "
            "<MEDIA_ROOT>.before-restore-<time>). Stop the web server and the worker first (on SQLite this is "
            "required). A database that is not empty is replaced only with --yes; tables the backup does not "
            "have are then dropped. Exits non-zero when the restored database's fingerprint differs from the "
            "backup's.")

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup directory or its manifest.json.")
        parser.add_argument("--yes", action="store_true",
                            help="Replace the database even if it is not empty (everything in it is lost, tables "
                                 "the backup does not have are dropped).")

    def handle(self, *args, backup, yes, **options):
        result = backups.restore_backup(backup, yes=yes, database=backups.database_settings())
        manifest = result.manifest
        self.stdout.write(self.style.SUCCESS(
            f"Restored the backup of {manifest['created_at']} (app version {manifest.get('app_version', '?')}, "
            f"{len(manifest.get('media_files', []))} stored files) in {result.seconds:.1f} s."))
        if result.dropped_tables:
            self.stdout.write(f"  dropped {len(result.dropped_tables)} tables the backup does not have: "
                              f"{', '.join(result.dropped_tables)}")
        if result.previous_media:
            self.stdout.write(f"  the stored files found before are kept in {result.previous_media}")
        if not result.fingerprint_matches:
            raise backups.BackupError(
                _("The restored database's fingerprint differs from the one taken at backup time: the restore is "
                  "not faithful. Compare `manage.py db_fingerprint --json` with the manifest before starting the "
                  "site."), code="fingerprint_mismatch")
        self.stdout.write("  the database's fingerprint matches the one taken at backup time.")
        self.stdout.write("  Run `manage.py migrate` if the code is newer than the backup, then start the site.")
