"""Background work (后台任务): what each task is, how often it is tried, and what a dead worker left.

Every task of the platform is declared with :func:`background`, which names it for the task-status
page and gives its retry policy. A failed run of a task with ``attempts > 1`` is queued again after
``backoff * 2**(n-1)`` seconds (±10 %), until the last attempt; each retry is one :class:`TaskAttempt`
row pointing at the first run, so the status page can say "attempt 2 of 4". Tasks must be
idempotent: a retry, or a run recovered from a killed worker, must not do twice what the first run
did (each task's docstring says how it holds to that).

A worker killed mid-task (power cut, OOM, ``kill -9``) leaves its task RUNNING for ever in
django-tasks-db. :func:`recover_orphans` puts such tasks back in the queue; ``manage.py run_worker``
calls it for its own worker id before it starts, and ``--stale-minutes`` catches tasks of workers
that never come back.
"""
from __future__ import annotations

import datetime
import logging
import random
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks.signals import task_finished

logger = logging.getLogger(__name__)

# A task claimed this many times without finishing is given up: it probably kills its worker.
MAX_CLAIMS = 3
WORKER_LOST = "dangjian.core.background.WorkerLost"


@dataclass(frozen=True)
class Policy:
    """What a task is called on the status page and how often it is tried."""

    label: str
    attempts: int = 1
    backoff: int = 60

    def delay(self, attempt: int) -> datetime.timedelta:
        """The wait before attempt ``attempt + 1`` (``attempt`` ≥ 1 has just failed)."""
        seconds = self.backoff * 2 ** (attempt - 1)
        return datetime.timedelta(seconds=seconds * random.uniform(0.9, 1.1))  # noqa: S311 - jitter, not secrecy


POLICIES: dict[str, Policy] = {}


def background(*, label, attempts: int = 1, backoff: int = 60):
    """Declare a task (put it above ``@task()``): its label for the status page and its retries."""

    def register(task):
        POLICIES[task.module_path] = Policy(label=label, attempts=attempts, backoff=backoff)
        return task

    return register


def policy_for(task_path: str) -> Policy | None:
    return POLICIES.get(task_path)


def label_for(task_path: str) -> str:
    policy = POLICIES.get(task_path)
    return str(policy.label) if policy else task_path.rsplit(".", 1)[-1]


# The attempt being enqueued: a backend that runs tasks at once (tests) finishes the run before
# its TaskAttempt row can be written, so the run reads its place in the chain from here.
_enqueuing: ContextVar[tuple[str, int, str] | None] = ContextVar("enqueuing", default=None)


def attempt_of(result_id, task_path: str = "") -> tuple[int, str]:
    """Which attempt a run is (1 for a first run) and the id of the chain's first run."""
    from .models import TaskAttempt

    row = TaskAttempt.objects.filter(result_id=str(result_id)).values_list("attempt", "first_id").first()
    if row:
        return row
    pending = _enqueuing.get()
    if pending and pending[0] == task_path:
        return pending[1], pending[2]
    return 1, str(result_id)


@receiver(task_finished)
def retry_failed(sender, task_result, **kwargs):
    """Queue a failed task again while its policy allows (the signal fires in the worker)."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    policy = POLICIES.get(task_result.task.module_path)
    if policy is None or policy.attempts <= 1:
        return
    attempt, first_id = attempt_of(task_result.id, task_result.task.module_path)
    if attempt >= policy.attempts:
        logger.error("Task %s gave up after %s attempts (first run %s)", task_result.task.module_path, attempt, first_id)
        return
    retry_enqueue(task_result.task, task_result.args, task_result.kwargs, attempt=attempt + 1, first_id=first_id,
                  delay=policy.delay(attempt))


def retry_enqueue(task, args, kwargs, *, attempt: int, first_id: str, delay: datetime.timedelta):
    """Queue attempt ``attempt`` of a task after ``delay`` and remember which chain it belongs to."""
    from .models import TaskAttempt

    backend = task_backends[task.backend]
    planned = task.using(run_after=timezone.now() + delay) if backend.supports_defer else task
    token = _enqueuing.set((task.module_path, attempt, first_id))
    try:
        with transaction.atomic():
            result = planned.enqueue(*args, **kwargs)
            TaskAttempt.objects.update_or_create(result_id=str(result.id),
                                                 defaults={"first_id": first_id, "attempt": attempt})
    finally:
        _enqueuing.reset(token)
    logger.warning("Task %s failed; attempt %s queued as %s", task.module_path, attempt, result.id)
    return result


def recover_orphans(*, worker_id: str | None = None, stale_minutes: int | None = None) -> dict:
    """Put back in the queue the tasks a dead worker left RUNNING: those last claimed by ``worker_id``
    (called as that worker starts, so they cannot still be running) and, with ``stale_minutes``, those
    started longer ago than that by any worker. A task claimed :data:`MAX_CLAIMS` times is marked
    failed instead. Returns ``{"requeued": n, "failed": n}``."""
    from django_tasks_db.models import DBTaskResult

    counts = {"requeued": 0, "failed": 0}
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    candidates = []
    if worker_id:
        candidates += [r for r in running if r.worker_ids and r.worker_ids[-1] == worker_id]
    if stale_minutes:
        cutoff = timezone.now() - datetime.timedelta(minutes=stale_minutes)
        candidates += [r for r in running.filter(started_at__lt=cutoff) if r not in candidates]
    for result in candidates:
        with transaction.atomic():
            if len(result.worker_ids) >= MAX_CLAIMS:
                DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.FAILED, finished_at=timezone.now(), exception_class_path=WORKER_LOST,
                    traceback=f"The worker running this task stopped {len(result.worker_ids)} times.")
                counts["failed"] += 1
                logger.error("Task %s (%s) given up: its worker died %s times", result.pk, result.task_path,
                             len(result.worker_ids))
            else:
                changed = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.READY, started_at=None)
                counts["requeued"] += changed
                if changed:
                    logger.warning("Task %s (%s) left running by %s put back in the queue", result.pk,
                                   result.task_path, result.worker_ids[-1] if result.worker_ids else "?")
    return counts


def worker_health() -> dict:
    """Whether the worker is alive: ``{"worker": ok|starting|stalled, "worker_last_seen": iso|None}``.

    The worker is alive if it ran a heartbeat in the last five minutes; one heartbeat is kept queued.
    "starting" means no heartbeat yet but nothing has waited long either; "stalled" means tasks wait
    for more than five minutes and no heartbeat ran.
    """
    from django_tasks_db.models import DBTaskResult

    from .tasks import worker_heartbeat

    recent = timezone.now() - datetime.timedelta(minutes=5)
    beats = DBTaskResult.objects.filter(task_path=worker_heartbeat.module_path)
    last = beats.filter(status=TaskResultStatus.SUCCESSFUL).order_by("-finished_at").values_list(
        "finished_at", flat=True).first()
    from django.db.models import Q
    from django_tasks_db.models import get_date_max

    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).filter(
        Q(run_after=get_date_max(), enqueued_at__lt=recent) | Q(run_after__lt=recent)).exists()
    if not beats.filter(status=TaskResultStatus.READY).exists():
        worker_heartbeat.enqueue()
    state = "ok"
    if last is None or last < recent:
        state = "stalled" if waiting else "starting"
    return {"worker": state, "worker_last_seen": last.isoformat() if last else None}


def task_run_again(*, actor, result_id) -> str:
    """Queue a failed run again at once, as the next attempt of its chain (the task-status page's "run
    again"). Only the last run of a chain may be run again, and only once: a run with a later attempt,
    queued or done, is refused, so a double click or an earlier attempt never queues a second copy.
    Returns the id of the new run."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _
    from django_tasks_db.models import DBTaskResult

    from .audit import audit_log
    from .models import TaskAttempt

    with transaction.atomic():
        result = DBTaskResult.objects.select_for_update().filter(pk=result_id).first()
        if result is None or result.status != TaskResultStatus.FAILED:
            raise ValidationError(_("Only a failed task can be run again."), code="not_failed")
        attempt, first_id = attempt_of(result.pk, result.task_path)
        if TaskAttempt.objects.filter(first_id=first_id, attempt__gt=attempt).exists():
            raise ValidationError(_("This task has already been tried again; see its latest attempt."),
                                  code="not_latest")
        task_result = result.task_result
        again = retry_enqueue(task_result.task, task_result.args, task_result.kwargs, attempt=attempt + 1,
                              first_id=first_id, delay=datetime.timedelta(0))
        audit_log(actor=actor, action="task.requeued", note=f"{label_for(result.task_path)} {result.pk}")
    return str(again.id)
