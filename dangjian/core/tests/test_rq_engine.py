"""The step up from the database worker: the same tasks on RQ over Redis (django-tasks-rq).

Only settings change (docs/deployment.md, "Scale path"): the tasks, their retries and their callers
stay as they are. Needs Redis (``REDIS_URL``, database 15 by default); skipped where there is none,
except under CI, where Redis runs beside PostgreSQL.
"""
import os
import uuid
import warnings

import pytest
from django.core.cache import cache

from .sample_tasks import counted, flaky

# One Redis database per test process, so that parallel test workers never take each other's jobs.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("REDIS_URL", f"redis://127.0.0.1:6379/{15 - _WORKER % 8}")


@pytest.fixture
def rq_engine(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        warnings.warn("Redis is not reachable: the RQ engine is not tested.", stacklevel=2)
        pytest.skip("no Redis")
    queue_name = "default"
    settings.RQ_QUEUES = {queue_name: {"URL": REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue_name]}}
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue(queue_name, job_class=Job)
    queue.empty()

    def work():
        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True, with_scheduler=True)

    yield work
    queue.empty()


@pytest.mark.django_db
def test_tasks_run_on_rq_as_on_the_database_worker(rq_engine):
    key = f"runs-{uuid.uuid4().hex}"
    result = counted.enqueue(key)
    assert cache.get(key) is None  # queued, not run
    rq_engine()
    assert cache.get(key) == 1
    result.refresh()
    assert result.status == "SUCCESSFUL" and result.return_value == 1


@pytest.mark.django_db
def test_failed_tasks_are_retried_on_rq(rq_engine):
    from dangjian.core.models import TaskAttempt

    key = f"runs-{uuid.uuid4().hex}"
    first = flaky.enqueue(key, 1)
    rq_engine()
    rq_engine()  # the retry is scheduled: a second pass takes it once it is due
    assert cache.get(key) == 2
    retry = TaskAttempt.objects.get(first_id=str(first.id))
    assert retry.attempt == 2
