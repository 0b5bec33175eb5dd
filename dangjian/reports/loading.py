"""Loading the shipped report tables (``rules/reports/*.toml``) into :class:`ReportTable`.

Run on every migrate (post_migrate): a new code is inserted; a shipped (FILE) table whose file has
a new version is updated; a table added or changed on this site (SITE) is never touched.
"""
from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)

TABLES_DIR = Path(settings.BASE_DIR) / "rules" / "reports"


def table_fields(spec: dict, text: str) -> dict:
    """The model fields of a table from its checked ``spec`` and TOML ``text``."""
    return {"title": spec["title"], "version": spec["version"], "kind": spec["kind"], "spec": spec,
            "source": text, "order": spec["order"]}


def load_table_text(text: str, *, name: str = "") -> tuple[str, str]:
    """Load one shipped definition; returns (code, what happened: created, updated, kept, site)."""
    from .models import ReportTable
    from .tables.definition import parse_definition

    try:
        spec = parse_definition(text)
    except ValidationError as exc:
        raise ValueError(f"Report table {name or '?'}: {'; '.join(exc.messages)}") from None
    existing = ReportTable.objects.filter(code=spec["code"]).first()
    if existing is None:
        ReportTable.objects.create(code=spec["code"], origin=ReportTable.Origin.FILE, **table_fields(spec, text))
        return spec["code"], "created"
    if existing.origin != ReportTable.Origin.FILE:
        return spec["code"], "site"
    if existing.version == spec["version"]:
        return spec["code"], "kept"
    for key, value in table_fields(spec, text).items():
        setattr(existing, key, value)
    existing.save()
    return spec["code"], "updated"


def load_report_tables(*args, directory: Path | None = None, **kwargs) -> dict[str, str]:
    """Load every definition file (idempotent). Returns code → what happened."""
    directory = directory or TABLES_DIR
    done = {}
    if not directory.exists():
        return done
    for path in sorted(directory.glob("*.toml")):
        try:
            code, outcome = load_table_text(path.read_text(encoding="utf-8"), name=path.name)
        except ValueError:
            # A file the figures no longer fit must not stop a migrate; the tests load every file.
            logger.exception("Report table file %s not loaded", path.name)
            done[path.name] = "invalid"
            continue
        done[code] = outcome
    return done


def connect(app_config) -> None:
    """Load the shipped tables after every migrate of the reports app."""
    from django.db.models.signals import post_migrate

    post_migrate.connect(load_report_tables, sender=app_config, dispatch_uid="reports.load_report_tables")
