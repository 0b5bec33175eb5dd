"""Retention: prune_audit_log refuses short periods and prunes old entries and task results in batches."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dangjian.core.audit import audit_log
from dangjian.core.models import AuditEntry
from dangjian.core.retention import audit_prune


def _aged(entry, days):
    AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.now() - datetime.timedelta(days=days))
    return entry


def test_periods_under_180_days_are_refused(personas, org):
    old = _aged(audit_log(actor=personas["branch"], action="member.updated", obj=org["branch"]), 400)
    with pytest.raises(CommandError):
        call_command("prune_audit_log", "--keep-days", "179")
    with pytest.raises(ValidationError) as refused:
        audit_prune(keep_days=30)
    assert refused.value.error_list[0].code == "retention_too_short"
    assert AuditEntry.objects.filter(pk=old.pk).exists()


def test_old_entries_and_finished_tasks_are_pruned_young_reveals_kept(personas, org, capsys):
    old_change = _aged(audit_log(actor=personas["branch"], action="member.updated", obj=org["branch"]), 400)
    old_reveal = _aged(audit_log(actor=personas["branch"], action="member.revealed", obj=org["branch"], note="x"), 366)
    young_reveal = _aged(audit_log(actor=personas["branch"], action="member.revealed", obj=org["branch"], note="y"), 364)
    young_export = _aged(audit_log(actor=personas["branch"], action="dues.exported", obj=org["branch"]), 200)
    long_ago = timezone.now() - datetime.timedelta(days=400)
    fields = {"args_kwargs": {}, "task_path": "dangjian.core.tasks.worker_heartbeat", "backend_name": "default",
              "run_after": long_ago, "exception_class_path": "", "traceback": ""}
    result = DBTaskResult.objects.create(status="SUCCESSFUL", finished_at=long_ago, **fields)
    waiting = DBTaskResult.objects.create(status="READY", **fields)  # not finished: never pruned

    call_command("prune_audit_log", "--keep-days", "365", "--batch", "1")
    assert not AuditEntry.objects.filter(pk__in=[old_change.pk, old_reveal.pk]).exists()
    assert AuditEntry.objects.filter(pk__in=[young_reveal.pk, young_export.pk]).count() == 2
    assert not DBTaskResult.objects.filter(pk=result.id).exists()
    assert DBTaskResult.objects.filter(pk=waiting.id).exists()
    pruned = AuditEntry.objects.get(action="audit.pruned")
    assert pruned.changes["count"] >= 2 and pruned.changes["tasks"] >= 1
    assert "Deleted" in capsys.readouterr().out


def test_default_comes_from_the_setting_and_dry_run_deletes_nothing(settings, personas, org):
    settings.AUDIT_RETENTION_DAYS = 200
    entry = _aged(audit_log(actor=personas["branch"], action="member.updated", obj=org["branch"]), 250)
    call_command("prune_audit_log", "--dry-run")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    call_command("prune_audit_log")
    assert not AuditEntry.objects.filter(pk=entry.pk).exists()


def _task_result(finished_days_ago):
    long_ago = timezone.now() - datetime.timedelta(days=finished_days_ago)
    return DBTaskResult.objects.create(
        status="FAILED", finished_at=long_ago, args_kwargs={}, task_path="dangjian.core.tasks.worker_heartbeat",
        backend_name="default", run_after=long_ago, exception_class_path="", traceback="")


def test_retry_records_go_with_their_pruned_task_results(settings, personas):
    import uuid

    from dangjian.core.models import TaskAttempt

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old, young = _task_result(400), _task_result(10)
    attempts = {
        "old": TaskAttempt.objects.create(result_id=str(old.id), first_id="a", attempt=2),
        "young": TaskAttempt.objects.create(result_id=str(young.id), first_id="b", attempt=2),
        "gone": TaskAttempt.objects.create(result_id=str(uuid.uuid4()), first_id="c", attempt=3),
    }
    assert audit_prune(keep_days=365, batch=1, dry_run=True).task_attempts == 2
    assert TaskAttempt.objects.count() == 3
    pruned = audit_prune(keep_days=365, batch=1)
    assert pruned.task_attempts == 2
    assert list(TaskAttempt.objects.values_list("pk", flat=True)) == [attempts["young"].pk]
    assert AuditEntry.objects.get(action="audit.pruned").changes["attempts"] == 2


def test_retry_records_are_kept_when_results_live_elsewhere(settings, personas):
    import uuid

    from dangjian.core.models import TaskAttempt

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    TaskAttempt.objects.create(result_id=str(uuid.uuid4()), first_id="rq-job", attempt=2)  # an RQ job's id
    assert audit_prune(keep_days=365).task_attempts == 0
    assert TaskAttempt.objects.filter(first_id="rq-job").exists()
