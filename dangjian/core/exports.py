"""The one export path of the platform: an export is requested, written, then downloaded.

The exporting app's service decides which rows go out and whether the requester may have
them, and writes its audit entry. Small exports it writes at once; larger ones it hands to
:func:`export_create`, and the background task :func:`run_export` writes the file under
``MEDIA_ROOT/exports/`` (an unguessable name; downloads go through the requester-only view).
Each kind names its writer in :data:`WRITERS`: ``writer(export, target) -> rows written``; a
writer that takes a while reports how far it has got with :func:`export_progress`.
"""
import logging
import secrets
import tempfile
from functools import partial

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from .background import background
from .models import Export
from .watermark import watermark_file

logger = logging.getLogger(__name__)

WRITERS = {
    Export.Kind.MEMBERS: "dangjian.members.exporting.write_export",
    Export.Kind.REPORT_TABLE: "dangjian.reports.tables.write_export",
    Export.Kind.INSPECTION_PACK: "dangjian.reports.packs.write_export",
}
# The file name ending of each kind's file (.xlsx unless named here).
SUFFIXES = {Export.Kind.INSPECTION_PACK: ".zip"}


def export_create(*, actor, kind: str, params: dict, purpose: str = "", row_count: int = 0) -> Export:
    """Record a requested export and queue its writing once the transaction commits."""
    if kind not in WRITERS:
        raise ValueError(f"Unknown export kind {kind!r}")
    with transaction.atomic():
        export = Export.objects.create(requested_by=actor, kind=kind, params=params, purpose=purpose[:200],
                                       row_count=row_count)
        transaction.on_commit(partial(run_export.enqueue, export.pk))
    return export


def export_run(*, export_id: int) -> Export:
    """Write the file of a waiting export; a failure is kept on the record, never half a file.

    An export left "running" is written again from the start: its worker was killed before the file
    was kept (the file is saved under a new name only at the end), and the recovered task is the
    only one writing it."""
    with transaction.atomic():
        export = Export.objects.select_for_update().get(pk=export_id)
        if export.status not in (Export.Status.PENDING, Export.Status.RUNNING):
            return export
        export.status = Export.Status.RUNNING
        export.save(update_fields=["status"])
    writer = import_string(WRITERS[export.kind])
    try:
        with tempfile.TemporaryFile() as target:
            count = writer(export, target)
            target.seek(0)
            suffix = SUFFIXES.get(export.kind, ".xlsx")
            watermark_file(target, kind=suffix.lstrip("."), user=export.requested_by)  # zip packs are left as written
            name = default_storage.save(f"exports/{secrets.token_urlsafe(24)}{suffix}", File(target))
    except Exception as exc:
        logger.exception("Export %s failed", export_id)
        Export.objects.filter(pk=export_id).update(status=Export.Status.FAILED, error=str(exc)[:2000],
                                                   finished_at=timezone.now())
    else:
        Export.objects.filter(pk=export_id).update(status=Export.Status.DONE, file=name, row_count=count,
                                                   progress=100, finished_at=timezone.now())
    export.refresh_from_db()
    return export


def export_progress(export: Export, percent: int) -> None:
    """Record how far the writing of ``export`` has got (0–99; 100 is set when the file is kept)."""
    export.progress = max(0, min(99, int(percent)))
    Export.objects.filter(pk=export.pk).update(progress=export.progress)


@background(label=_("Write an export file"), attempts=3)
@task()
def run_export(export_id: int) -> str:
    """Background task: write one export's file."""
    return export_run(export_id=export_id).status
