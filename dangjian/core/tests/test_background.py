"""Background work: retries with backoff, recovery of tasks a dead worker left, the status page."""
import uuid

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dangjian.core.background import MAX_CLAIMS, POLICIES, Policy, recover_orphans
from dangjian.core.models import AuditEntry, TaskAttempt

from .sample_tasks import counted, flaky

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def worker_keeps_the_test_connection(monkeypatch):
    """The worker closes "old" connections between tasks; inside a test's transaction (autocommit off)
    Django counts the test's own PostgreSQL connection as unusable and would close it."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture
def key():
    return f"runs-{uuid.uuid4().hex}"


def test_the_backoff_doubles_with_each_attempt():
    policy = Policy(label="x", attempts=4, backoff=60)
    assert 54 <= policy.delay(1).total_seconds() <= 66
    assert 108 <= policy.delay(2).total_seconds() <= 132
    assert 216 <= policy.delay(3).total_seconds() <= 264


def test_every_task_of_the_platform_is_declared_with_a_label():
    import importlib

    from django_tasks.base import Task

    names = ["assessment.tasks", "core.exports", "core.tasks", "grid.tasks", "notices.tasks", "orglife.tasks",
             "reports.tasks", "wishes.tasks"]
    modules = [importlib.import_module(f"dangjian.{name}") for name in names]
    tasks = [value for module in modules for value in vars(module).values() if isinstance(value, Task)]
    assert len(tasks) >= 10
    assert all(t.module_path in POLICIES for t in tasks), [t.module_path for t in tasks if t.module_path not in POLICIES]


@pytest.mark.django_db
def test_a_failing_task_is_retried_until_it_succeeds(key):
    flaky.enqueue(key, 2)
    assert cache.get(key) == 3
    assert list(TaskAttempt.objects.order_by("attempt").values_list("attempt", flat=True)) == [2, 3]


@pytest.mark.django_db
def test_retries_stop_at_the_last_attempt(key):
    flaky.enqueue(key, 10)
    assert cache.get(key) == POLICIES[flaky.module_path].attempts == 3


@pytest.mark.django_db
def test_the_database_worker_retries_and_the_chain_is_recorded(settings, key):
    settings.TASKS = DB_TASKS
    first = flaky.enqueue(key, 1)
    call_command("run_worker", "--worker-id", "test-1", "--batch", verbosity=0)
    assert cache.get(key) == 2
    runs = {str(r.pk): r.status for r in DBTaskResult.objects.filter(task_path=flaky.module_path)}
    assert runs[str(first.id)] == TaskResultStatus.FAILED
    retry = TaskAttempt.objects.get(first_id=str(first.id))
    assert retry.attempt == 2 and runs[retry.result_id] == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db
def test_a_task_left_running_by_a_killed_worker_completes_once_after_restart(settings, key):
    settings.TASKS = DB_TASKS
    result = counted.enqueue(key)
    # The worker "w-dead" claimed it and was killed before finishing: the row stays RUNNING.
    DBTaskResult.objects.filter(pk=result.id).update(status=TaskResultStatus.RUNNING, worker_ids=["w-dead"])
    call_command("run_worker", "--worker-id", "w-other", "--batch", verbosity=0)
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING  # not another worker's business
    call_command("run_worker", "--worker-id", "w-dead", "--batch", verbosity=0)
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
    assert cache.get(key) == 1


@pytest.mark.django_db
def test_a_task_that_keeps_killing_its_worker_is_given_up(settings, key):
    settings.TASKS = DB_TASKS
    result = counted.enqueue(key)
    DBTaskResult.objects.filter(pk=result.id).update(status=TaskResultStatus.RUNNING,
                                                     worker_ids=["w"] * MAX_CLAIMS)
    assert recover_orphans(worker_id="w") == {"requeued": 0, "failed": 1}
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.FAILED
    assert cache.get(key) is None


@pytest.mark.django_db
def test_stale_tasks_of_any_worker_are_recovered(settings, key):
    import datetime

    from django.utils import timezone

    settings.TASKS = DB_TASKS
    result = counted.enqueue(key)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=["gone"], started_at=timezone.now() - datetime.timedelta(hours=2))
    assert recover_orphans(stale_minutes=90 * 60) == {"requeued": 0, "failed": 0}
    assert recover_orphans(stale_minutes=60) == {"requeued": 1, "failed": 0}
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY


@pytest.mark.django_db
def test_the_status_page_shows_attempts_and_runs_a_failed_task_again(settings, client_for, key):
    settings.TASKS = DB_TASKS
    first = flaky.enqueue(key, 5)
    call_command("run_worker", "--worker-id", "test-1", "--batch", verbosity=0)
    last = TaskAttempt.objects.get(first_id=str(first.id), attempt=3)
    client = client_for("admin")
    page = client.get("/tasks/?status=FAILED")
    assert page.status_code == 200
    assert "Flaky sample" in page.content.decode() and "3 / 3" in page.content.decode()
    detail = client.get(f"/tasks/{last.result_id}/")
    assert detail.status_code == 200 and "RuntimeError" in detail.content.decode()
    response = client.post(f"/tasks/{last.result_id}/retry/")
    again = TaskAttempt.objects.get(first_id=str(first.id), attempt=4)
    assert response.status_code == 302 and response["Location"] == f"/tasks/{again.result_id}/"
    assert DBTaskResult.objects.get(pk=again.result_id).status == TaskResultStatus.READY
    assert AuditEntry.objects.filter(action="task.requeued").exists()
    assert client_for("city").get("/tasks/").status_code == 403


@pytest.mark.django_db
def test_healthz_tells_a_working_worker_from_a_stalled_one(settings, client):
    import datetime

    from django.utils import timezone

    settings.TASKS = DB_TASKS
    first = client.get("/healthz").json()
    assert first["database"] == "ok" and first["worker"] == "starting"
    # A task that has waited ten minutes with no heartbeat run: the worker is stalled.
    waiting = counted.enqueue("stalled")
    DBTaskResult.objects.filter(pk=waiting.id).update(enqueued_at=timezone.now() - datetime.timedelta(minutes=10))
    stalled = client.get("/healthz")
    assert stalled.status_code == 503 and stalled.json()["worker"] == "stalled"
    call_command("run_worker", "--worker-id", "health-1", "--batch", verbosity=0)
    healthy = client.get("/healthz")
    assert healthy.status_code == 200 and healthy.json()["worker"] == "ok"
    assert healthy.json()["worker_last_seen"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from django.db import connection
    from django.db.utils import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "error"


@pytest.mark.django_db
def test_only_the_last_failed_run_of_a_chain_can_be_run_again_and_only_once(settings, key):
    from django.core.exceptions import ValidationError

    from dangjian.accounts.models import User
    from dangjian.core.background import task_run_again

    settings.TASKS = DB_TASKS
    admin = User.objects.get(username="admin")
    first = flaky.enqueue(key, 5)
    call_command("run_worker", "--worker-id", "test-1", "--batch", verbosity=0)
    with pytest.raises(ValidationError) as earlier:
        task_run_again(actor=admin, result_id=first.id)
    assert earlier.value.code == "not_latest"
    last = TaskAttempt.objects.get(first_id=str(first.id), attempt=3)
    task_run_again(actor=admin, result_id=last.result_id)
    with pytest.raises(ValidationError) as twice:  # a double click
        task_run_again(actor=admin, result_id=last.result_id)
    assert twice.value.code == "not_latest"
    assert TaskAttempt.objects.filter(first_id=str(first.id)).count() == 3
