"""Compile the gettext catalogues (.po → .mo) with polib, so no system gettext is needed."""
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo files (pure Python; no msgfmt needed)."

    def handle(self, *args, **options):
        count = 0
        for locale_path in settings.LOCALE_PATHS:
            for po_path in Path(locale_path).glob("*/LC_MESSAGES/*.po"):
                catalogue = polib.pofile(str(po_path))
                fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags and not e.obsolete]
                if fuzzy:
                    raise CommandError(f"{po_path}: {len(fuzzy)} fuzzy entries, e.g. {fuzzy[0]!r}")
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
        self.stdout.write(f"Compiled {count} catalogue(s).")
