"""A worker killed mid-task (kill -9) and started again finishes the task, exactly once.

The short SQLite version of ``make faults`` (b), see docs/benchmarks.md "Faults": on a scratch file copy
of the test database, a members export is queued; ``manage.py run_worker --worker-id t-1`` (through
``python -m bench.faults worker``, which slows the export writer down in that process only) takes it;
the worker gets SIGKILL while the task is RUNNING and is started again with the same id. The task
must end SUCCESSFUL, the export DONE with one file written.
"""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
ENQUEUE = """
import django
django.setup()
from django.test import override_settings
from dangjian.accounts.models import User
from dangjian.members.exporting import members_export
with override_settings(EXPORT_INLINE_LIMIT=0):
    print(members_export(actor=User.objects.get(username="admin"), params={}).export.pk)
"""

pytestmark = [pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                 reason="the SQLite version; PostgreSQL is make faults"),
              pytest.mark.django_db]


@pytest.fixture
def scratch(tmp_path, db):
    """A file copy of the (in-memory) test database and the environment of processes using it."""
    connection.ensure_connection()
    target = tmp_path / "worker.sqlite3"
    copy = sqlite3.connect(target)
    # Through SQL text, not the backup API: the test's open transaction would block the backup.
    copy.executescript("\n".join(connection.connection.iterdump()))
    copy.close()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{target}", "DJANGO_SETTINGS_MODULE": "config.settings.dev",
           "DANGJIAN_VAR_DIR": str(tmp_path / "var"), "DEBUG": "false", "LOG_LEVEL": "WARNING",
           "FAULTS_EXPORT_SLEEP": "3"}
    return target, env


def _state(database: Path, export_id: int) -> tuple[str | None, str, list]:
    with sqlite3.connect(database, timeout=10) as db:
        task = db.execute("SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
                          "WHERE task_path = 'dangjian.core.exports.run_export' AND args_kwargs LIKE ?",
                          (f'%"args": [{export_id}]%',)).fetchone()
        export = db.execute("SELECT status, file FROM core_export WHERE id = ?", (export_id,)).fetchone()
    return (task[0] if task else None), export[0], export[1]


def _wait(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _worker(env):
    return subprocess.Popen([sys.executable, "-m", "bench.faults", "worker", "--worker-id", "t-1", "--interval", "0.1"],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_killed_worker_finishes_the_task_once_restarted(scratch):
    database, env = scratch
    export_id = int(subprocess.run([sys.executable, "-c", ENQUEUE], env=env, cwd=ROOT, capture_output=True,
                                   text=True, check=True).stdout.strip().splitlines()[-1])
    first = _worker(env)
    second = None
    try:
        assert _wait(lambda: _state(database, export_id)[:2] == ("RUNNING", "running"), 30), "the worker took the task"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert _state(database, export_id)[0] == "RUNNING", "a killed worker leaves its task RUNNING"
        second = _worker(env)
        assert _wait(lambda: _state(database, export_id)[0] not in ("RUNNING", "READY"), 30)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
    task_status, export_status, file = _state(database, export_id)
    assert task_status == "SUCCESSFUL"
    assert export_status == "done" and file
    written = list((Path(env["DANGJIAN_VAR_DIR"]) / "media" / "exports").glob("*"))
    assert len(written) == 1
