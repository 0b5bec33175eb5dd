"""Retention of the audit log and of finished background-task results (保存期限).

Audit entries older than the retention period (``AUDIT_RETENTION_DAYS``, at least
:data:`MINIMUM_DAYS`) are deleted in batches by ``manage.py prune_audit_log``; entries inside the
period are never touched, reveals and exports included. With the finished task results go the
retry records (:class:`~dangjian.core.models.TaskAttempt`) of runs whose result is gone. The pruning
itself is written to the log (``audit.pruned``) with the counts and the cut-off day.
"""
import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .audit import audit_log
from .models import AuditEntry, TaskAttempt

# Personal-data access records must stay at least half a year (个人信息处理记录至少保存六个月).
MINIMUM_DAYS = 180


@dataclass
class Pruned:
    cutoff: datetime.datetime
    audit_entries: int = 0
    access_entries: int = 0
    task_results: int = 0
    task_attempts: int = 0


def check_keep_days(keep_days: int) -> None:
    if keep_days < MINIMUM_DAYS:
        raise ValidationError(
            _("Audit records must be kept at least %(minimum)s days; %(days)s days is too short.")
            % {"minimum": MINIMUM_DAYS, "days": keep_days}, code="retention_too_short")


def _delete_in_batches(queryset, batch: int) -> int:
    total = 0
    while True:
        pks = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch])
        if not pks:
            return total
        with transaction.atomic():
            # QuerySet deletion: AuditEntry.delete() refuses single deletions made by the application.
            total += queryset.model._base_manager.filter(pk__in=pks)._raw_delete(queryset.db)


def results_kept_in_database() -> bool:
    """Whether every configured task backend keeps its results in django_tasks_db's table: only then
    is a retry record whose result is missing from it known to be left over (on RQ it never is there)."""
    from django_tasks_db.backend import DatabaseBackend

    backends = [import_string(config["BACKEND"]) for config in getattr(settings, "TASKS", {}).values()]
    return bool(backends) and all(issubclass(backend, DatabaseBackend) for backend in backends)


def _attempts_without_results(remaining, batch: int, dry_run: bool) -> int:
    """Delete (or, in a dry run, count) the retry records whose task result is not in ``remaining``,
    ``batch`` at a time in primary-key order."""
    total, last = 0, 0
    while True:
        rows = list(TaskAttempt.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "result_id")[:batch])
        if not rows:
            return total
        last = rows[-1][0]
        ids = {}
        for pk, result_id in rows:
            try:
                ids[pk] = uuid.UUID(result_id)
            except ValueError:  # not a database task's id at all
                ids[pk] = None
        found = set(remaining.filter(pk__in=[i for i in ids.values() if i]).values_list("pk", flat=True))
        left_over = [pk for pk, result_id in ids.items() if result_id not in found]
        if left_over and not dry_run:
            with transaction.atomic():
                TaskAttempt.objects.filter(pk__in=left_over).delete()
        total += len(left_over)


def audit_prune(*, keep_days: int, batch: int = 1000, now=None, dry_run: bool = False) -> Pruned:
    """Delete audit entries and finished task results older than ``keep_days`` days."""
    from django_tasks_db.models import DBTaskResult

    from .privacy_report import actions_of

    check_keep_days(keep_days)
    cutoff = (now or timezone.now()) - datetime.timedelta(days=keep_days)
    old = AuditEntry.objects.filter(at__lt=cutoff)
    tasks = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)
    result = Pruned(cutoff=cutoff, access_entries=old.filter(action__in=actions_of()).count())
    prune_attempts = results_kept_in_database()
    if dry_run:
        result.audit_entries, result.task_results = old.count(), tasks.count()
        if prune_attempts:
            result.task_attempts = _attempts_without_results(
                DBTaskResult.objects.exclude(pk__in=tasks.values("pk")), batch, dry_run=True)
        return result
    result.audit_entries = _delete_in_batches(old, batch)
    result.task_results = _delete_in_batches(DBTaskResult.objects.filter(pk__in=tasks.values("pk")), batch)
    if prune_attempts:
        result.task_attempts = _attempts_without_results(DBTaskResult.objects.all(), batch, dry_run=False)
    with transaction.atomic():
        audit_log(actor=None, action="audit.pruned", changes={
            "before": cutoff.date(), "count": result.audit_entries, "tasks": result.task_results,
            "attempts": result.task_attempts})
    return result
