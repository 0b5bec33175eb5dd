"""The task-status page (后台任务): what the background worker has done, is doing and gave up on.

System administrators see every task run with its attempt, times and error; a failed run can be
queued again. The page reads django-tasks-db's results table and :mod:`dangjian.core.background`.
"""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from .background import POLICIES, attempt_of, label_for, task_run_again, worker_health
from .models import TaskAttempt

STATUS_LABELS = {
    TaskResultStatus.READY: gettext_lazy("Waiting"), TaskResultStatus.RUNNING: gettext_lazy("Running"),
    TaskResultStatus.SUCCESSFUL: gettext_lazy("Done"), TaskResultStatus.FAILED: gettext_lazy("Failed"),
}


def _require_admin(user):
    if not user.is_superuser:
        raise PermissionDenied


def _row(result, attempts: dict) -> dict:
    policy = POLICIES.get(result.task_path)
    finished, started = result.finished_at, result.started_at
    return {
        "id": result.pk, "label": label_for(result.task_path), "status": result.status,
        "status_label": STATUS_LABELS.get(result.status, result.status),
        "enqueued_at": result.enqueued_at, "started_at": started, "finished_at": finished,
        "run_after": None if result.run_after == get_date_max() else result.run_after,
        "seconds": (finished - started).total_seconds() if finished and started else None,
        "attempt": attempts.get(str(result.pk), 1), "attempts": policy.attempts if policy else 1,
        "error": result.exception_class_path.rsplit(".", 1)[-1] if result.exception_class_path else "",
    }


@login_required
def task_list(request):
    """Task runs, newest first, with counts by status and the worker's health."""
    _require_admin(request.user)
    results = DBTaskResult.objects.defer("args_kwargs", "return_value", "traceback").order_by("-enqueued_at")
    status = request.GET.get("status", "")
    if status in STATUS_LABELS:
        results = results.filter(status=status)
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    attempts = dict(TaskAttempt.objects.filter(result_id__in=[str(r.pk) for r in page]).values_list(
        "result_id", "attempt"))
    day_ago = timezone.now() - datetime.timedelta(days=1)
    health = worker_health()
    counts = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    context = {
        "nav": "tasks", "page_obj": page, "rows": [_row(r, attempts) for r in page], "status": status,
        "statuses": STATUS_LABELS.items(), "counts": {key: counts.get(key, 0) for key in STATUS_LABELS},
        "failed_today": DBTaskResult.objects.filter(status=TaskResultStatus.FAILED, finished_at__gte=day_ago).count(),
        "oldest_waiting": oldest, "health": health,
        "last_seen": datetime.datetime.fromisoformat(health["worker_last_seen"]) if health["worker_last_seen"] else None,
    }
    return render(request, "core/task_list.html", context)


def _result(pk) -> DBTaskResult:
    result = DBTaskResult.objects.filter(pk=pk).first()
    if result is None:
        raise Http404
    return result


@login_required
def task_detail(request, pk):
    """One run: its arguments, the chain of attempts it belongs to, and the error's traceback."""
    _require_admin(request.user)
    result = _result(pk)
    attempt, first_id = attempt_of(result.pk)
    chain_ids = [first_id, *TaskAttempt.objects.filter(first_id=first_id).order_by("attempt").values_list(
        "result_id", flat=True)]
    chain = DBTaskResult.objects.filter(pk__in=chain_ids).defer("args_kwargs", "return_value", "traceback")
    attempts = dict(TaskAttempt.objects.filter(first_id=first_id).values_list("result_id", "attempt"))
    steps = sorted((_row(r, attempts) for r in chain), key=lambda row: row["attempt"])
    context = {"nav": "tasks", "row": _row(result, {str(result.pk): attempt}), "result": result, "chain": steps,
               "may_retry": result.status == TaskResultStatus.FAILED and attempt >= max(s["attempt"] for s in steps)}
    return render(request, "core/task_detail.html", context)


@login_required
@require_POST
def task_retry(request, pk):
    """Queue a failed run again at once, as one more attempt of its chain."""
    _require_admin(request.user)
    _result(pk)
    try:
        again = task_run_again(actor=request.user, result_id=pk)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("task_detail", pk=pk)
    messages.success(request, _("The task has been queued again."))
    return redirect("task_detail", pk=again)
