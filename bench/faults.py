"""Faults: ``make faults`` or ``python -m bench.faults`` (root: it restarts PostgreSQL).

Builds the PostgreSQL database ``dangjian_bench_faults`` (``BENCH_FAULTS_DATABASE_URL``) afresh with
the small demo city and the grid demo (``bench.requests_load.build_data``), then:

a. **PostgreSQL restarted during load.** gunicorn serves the site; ``--writers`` client threads file
   residents' requests through Open311 without pause, recording the id of every request the server
   acknowledged (HTTP 201); a probe asks ``/healthz`` every 0.2 s. After a steady phase PostgreSQL is
   restarted (``pg_ctlcluster <version> <cluster> restart``) and the load goes on. Measured: how long the
   restart took, the seconds from the first failure to the last one (the window), the seconds from
   PostgreSQL being back to the site answering again, the errors in the window and after it, and the
   acknowledged ids missing from the database (lost committed writes, must be 0). PostgreSQL is
   started again in a ``finally`` whatever happens.
b. **Worker killed mid-task.** A members export is queued (``members_export`` above
   ``EXPORT_INLINE_LIMIT``); ``manage.py run_worker --worker-id faults-1`` runs it with the writer
   slowed down (``--export-sleep`` seconds, patched in the worker process only); the worker is killed
   with SIGKILL while the task is RUNNING, started again with the same id, and must finish the task:
   the task SUCCESSFUL, the export DONE with its file, exactly one file written and one audit entry.

Results go to the "Faults" section of ``docs/benchmarks.md``. Options: ``--only a|b``, ``--writers``,
``--steady``, ``--after`` (seconds of load before and after the restart), ``--export-sleep``, ``--no-docs``.
The exit status is 1 if a check failed.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.requests_load import (
    DESCRIPTIONS,
    SERVICE_CODE,
    build_data,
    commit,
    configure,
    free_port,
    machine,
    postgres_version,
    say,
    server_env,
    start_server,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dangjian_bench_faults"
ROOT = Path(__file__).resolve().parent.parent
RESULTS_START = "<!-- bench:faults:start -->"
RESULTS_END = "<!-- bench:faults:end -->"
WORKER_ID = "faults-1"


def existing_data() -> dict:
    """The facts ``build_data`` gives, from a database built by an earlier run (a new Open311 key)."""
    from django_tasks_db.models import DBTaskResult

    from bench.requests_load import COMMUNITY, STREET
    from dangjian.accounts.models import User
    from dangjian.grid.models import Building
    from dangjian.grid.open311.keys import open311_client_create
    from dangjian.organizations.models import Organization

    DBTaskResult.objects.all().delete()  # old queued tasks would make /healthz say "stalled" (no worker here)
    client, key = open311_client_create(actor=User.objects.get(username="admin"), name=f"故障测试 {time.time():.0f}",
                                        organization=Organization.objects.get(name=STREET), contact="bench")
    buildings = list(Building.objects.filter(grid__organization__name=COMMUNITY).order_by("pk")
                     .values_list("pk", flat=True))
    return {"key": key, "client_id": client.pk, "buildings": buildings, "build_seconds": 0.0}


# --- PostgreSQL ---------------------------------------------------------------------------------

def cluster() -> tuple[str, str]:
    """The version and name of the cluster serving port 5432 (``pg_lsclusters``)."""
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[2] == os.environ.get("PGPORT", "5432"):
            return parts[0], parts[1]
    raise SystemExit("no PostgreSQL cluster on port 5432 in pg_lsclusters")


def pg_ctl(action: str) -> float:
    version, name = cluster()
    started = time.monotonic()
    subprocess.run(["pg_ctlcluster", version, name, action], check=True, capture_output=True, text=True, timeout=120)
    return time.monotonic() - started


def ensure_postgres_running() -> None:
    version, name = cluster()
    status = subprocess.run(["pg_ctlcluster", version, name, "status"], capture_output=True, text=True)
    if status.returncode != 0:
        say("PostgreSQL is not running: starting it.")
        pg_ctl("start")


# --- a. PostgreSQL restart under load -----------------------------------------------------------

@dataclass
class Timeline:
    """Every call of the writers and the probe: (time, kind, ok, detail)."""

    events: list = field(default_factory=list)
    acknowledged: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.events.append((time.monotonic(), kind, ok, detail))


def writer(base: str, facts: dict, number: int, timeline: Timeline, stop: threading.Event) -> None:
    import requests

    session = requests.Session()
    count = 0
    while not stop.is_set():
        count += 1
        form = {"api_key": facts["key"], "service_code": SERVICE_CODE,
                "address_id": str(facts["buildings"][(number * 7 + count) % len(facts["buildings"])]),
                "description": DESCRIPTIONS[count % len(DESCRIPTIONS)]}
        try:
            answer = session.post(f"{base}/open311/v2/requests.json", data=form, timeout=30)
        except requests.RequestException as exc:
            timeline.add("write", False, type(exc).__name__)
            time.sleep(0.1)
            continue
        if answer.status_code in (200, 201):
            with timeline.lock:
                timeline.acknowledged.append(int(answer.json()[0]["service_request_id"]))
            timeline.add("write", True)
        else:
            timeline.add("write", False, f"HTTP {answer.status_code}")
            time.sleep(0.1)


def probe(base: str, timeline: Timeline, stop: threading.Event) -> None:
    import requests

    while not stop.is_set():
        try:
            answer = requests.get(f"{base}/healthz", timeout=5)
            timeline.add("health", answer.status_code == 200 and answer.json().get("database") == "ok",
                         f"HTTP {answer.status_code}")
        except (requests.RequestException, ValueError) as exc:
            timeline.add("health", False, type(exc).__name__)
        stop.wait(0.2)


def restart_under_load(url: str, facts: dict, args) -> dict:
    from dangjian.grid.models import ServiceRequest

    port = free_port()
    say(f"a. gunicorn on 127.0.0.1:{port} ({args.workers} × {args.threads}), {args.writers} writers …")
    server = start_server(url, port, args.workers, args.threads)
    base = f"http://127.0.0.1:{port}"
    timeline, stop = Timeline(), threading.Event()
    threads = [threading.Thread(target=writer, args=(base, facts, n, timeline, stop), daemon=True)
               for n in range(args.writers)]
    threads.append(threading.Thread(target=probe, args=(base, timeline, stop), daemon=True))
    restart_started = restart_done = None
    try:
        for thread in threads:
            thread.start()
        time.sleep(args.steady)
        say("   restarting PostgreSQL …")
        restart_started = time.monotonic()
        try:
            pg_ctl("restart")
        finally:
            restart_done = time.monotonic()
        say(f"   PostgreSQL back after {restart_done - restart_started:.1f} s; load goes on for {args.after} s …")
        time.sleep(args.after)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=40)
        ensure_postgres_running()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    from django.db import connections

    connections.close_all()
    ids = sorted(set(timeline.acknowledged))
    found = set()
    for start in range(0, len(ids), 5000):
        found |= set(ServiceRequest.objects.filter(pk__in=ids[start:start + 5000]).values_list("pk", flat=True))
    lost = [pk for pk in ids if pk not in found]
    events = sorted(timeline.events)
    writes = [e for e in events if e[1] == "write"]
    failures = [e for e in writes if not e[2]]
    first_failure = failures[0][0] if failures else None
    last_failure = failures[-1][0] if failures else None
    back = next((e[0] for e in writes if e[2] and e[0] > restart_done), None)
    health_back = next((e[0] for e in events if e[1] == "health" and e[2] and e[0] > restart_done), None)
    late = [e for e in failures if e[0] > restart_done + args.grace]
    kinds = {}
    for e in failures:
        kinds[e[3]] = kinds.get(e[3], 0) + 1
    result = {
        "restart_seconds": restart_done - restart_started,
        "writes_ok": len(writes) - len(failures), "writes_failed": len(failures), "failure_kinds": kinds,
        "window_seconds": (last_failure - first_failure) if failures else 0.0,
        "first_failure_after_restart_began": (first_failure - restart_started) if failures else None,
        "write_back_after_pg": (back - restart_done) if back else None,
        "health_back_after_pg": (health_back - restart_done) if health_back else None,
        "late_failures": len(late), "acknowledged": len(ids), "lost": len(lost), "lost_ids": lost[:20],
        "writes_before": sum(1 for e in writes if e[2] and e[0] < restart_started),
        "writes_after": sum(1 for e in writes if e[2] and e[0] > restart_done),
    }
    result["ok"] = (result["lost"] == 0 and result["write_back_after_pg"] is not None
                    and result["write_back_after_pg"] <= args.recover_within and result["late_failures"] == 0)
    say(f"   {result}")
    return result


# --- b. worker killed mid-task ------------------------------------------------------------------

def slow_members_writer(export, target) -> int:
    """The members export writer, after a pause (``FAULTS_EXPORT_SLEEP`` seconds): time to kill the
    worker while the task is RUNNING. Used by the worker process of this harness only."""
    from dangjian.members.exporting import write_export

    time.sleep(float(os.environ.get("FAULTS_EXPORT_SLEEP", "8")))
    return write_export(export, target)


def worker_main(argv: list[str]) -> None:
    """``python -m bench.faults worker …``: ``manage.py run_worker …`` with the slow export writer."""
    import django

    django.setup()
    from django.core.management import call_command

    from dangjian.core import exports
    from dangjian.core.models import Export

    exports.WRITERS[Export.Kind.MEMBERS] = "bench.faults.slow_members_writer"
    call_command("run_worker", *argv)


def worker_var_dir() -> Path:
    """The worker's own ``var/`` (its ``MEDIA_ROOT`` is ``media/`` in it): files it writes are counted
    there, apart from whatever else writes into the site's ``var/media/exports``."""
    return ROOT / "var" / "bench" / "faults-worker-var"


def start_worker(url: str, log: Path, sleep: float) -> subprocess.Popen:
    env = server_env(url) | {"FAULTS_EXPORT_SLEEP": str(sleep), "LOG_LEVEL": "INFO",
                             "DANGJIAN_VAR_DIR": str(worker_var_dir())}
    return subprocess.Popen([sys.executable, "-m", "bench.faults", "worker", "--worker-id", WORKER_ID,
                             "--interval", "0.2"], env=env, cwd=ROOT, stdout=log.open("a"), stderr=subprocess.STDOUT)


def wait_for(predicate, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def worker_killed(url: str, args) -> dict:
    from django.conf import settings
    from django.test import override_settings
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from dangjian.accounts.models import User
    from dangjian.core.exports import run_export
    from dangjian.core.models import AuditEntry, Export
    from dangjian.members.exporting import members_export

    log = Path(settings.VAR_DIR) / "bench" / "faults-worker.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("")
    shutil.rmtree(worker_var_dir(), ignore_errors=True)
    exports_dir = worker_var_dir() / "media" / "exports"
    files_before = set(exports_dir.glob("*")) if exports_dir.exists() else set()
    admin = User.objects.get(username="admin")
    with override_settings(EXPORT_INLINE_LIMIT=0):
        outcome = members_export(actor=admin, params={}, purpose="")
    export = outcome.export
    say(f"b. export {export.pk} queued ({export.row_count} rows); worker {WORKER_ID} starts, writer slowed "
        f"by {args.export_sleep:g} s …")
    tasks = DBTaskResult.objects.filter(task_path=run_export.module_path, args_kwargs__args=[export.pk])
    worker = start_worker(url, log, args.export_sleep)
    result = {"export": export.pk, "rows": export.row_count}
    second = None
    try:
        running = wait_for(lambda: tasks.filter(status=TaskResultStatus.RUNNING).exists()
                           and Export.objects.filter(pk=export.pk, status=Export.Status.RUNNING).exists(), 60)
        if not running:
            raise SystemExit(f"the task never ran: {log.read_text()[-2000:]}")
        time.sleep(1.0)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        killed_at = time.monotonic()
        task = tasks.get()
        result["status_after_kill"] = task.status
        result["export_status_after_kill"] = Export.objects.get(pk=export.pk).status
        say(f"   killed; task {task.status}, export {result['export_status_after_kill']}; starting the worker again …")
        second = start_worker(url, log, args.export_sleep)
        finished = wait_for(lambda: tasks.exclude(status__in=[TaskResultStatus.RUNNING, TaskResultStatus.READY])
                            .first(), 60 + args.export_sleep * 2)
        result["recovery_seconds"] = time.monotonic() - killed_at
        task = tasks.get()
        export.refresh_from_db()
        files_after = set(exports_dir.glob("*")) if exports_dir.exists() else set()
        result.update({
            "task_status": task.status, "finished": bool(finished), "claims": list(task.worker_ids),
            "export_status": export.status, "export_file": bool(export.file),
            "files_written": len(files_after - files_before),
            "audit_entries": AuditEntry.objects.filter(action="member.exported", object_id=str(export.pk)).count(),
            "requeued_at_restart": sum(int(n) for n in re.findall(r"worker faults-1: (\d+) task\(s\) put back",
                                                                  log.read_text())),
        })
    finally:
        for process in (worker, second):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
    result["ok"] = (result.get("task_status") == TaskResultStatus.SUCCESSFUL and result.get("export_status") == "done"
                    and result.get("export_file") and result.get("files_written") == 1
                    and result.get("audit_entries") == 1)
    say(f"   {result}")
    return result


# --- the report ---------------------------------------------------------------------------------

def seconds(value) -> str:
    return "–" if value is None else f"{value:.1f} s"


def report(args, pg, a: dict | None, b: dict | None) -> str:
    from django.utils import timezone

    now = timezone.localtime()
    lines = ["### Results", "", "| | |", "|---|---|",
             f"| Date | {now:%Y-%m-%d %H:%M} {now.tzname()} |", f"| Code | {commit()} |",
             f"| Machine | {machine()} |", f"| PostgreSQL | {pg} |",
             f"| Server | gunicorn, {args.workers} gthread workers × {args.threads} threads, `config.settings.dev` "
             f"with DEBUG off, `DB_CONN_MAX_AGE` {os.environ.get('DB_CONN_MAX_AGE', '60')} s |", ""]
    if a:
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(a["failure_kinds"].items())) or "none"
        lines += [f"**a. PostgreSQL restarted during load** ({args.writers} writers filing requests through Open311, "
                  f"{args.steady:g} s before and {args.after:g} s after the restart): "
                  f"{'passed' if a['ok'] else 'FAILED'}", "",
                  "| | |", "|---|---|",
                  f"| `pg_ctlcluster … restart` took | {seconds(a['restart_seconds'])} |",
                  f"| Writes acknowledged (before / after the restart) | {a['acknowledged']:,} "
                  f"({a['writes_before']:,} / {a['writes_after']:,}) |",
                  f"| Failed writes (all in the window) | {a['writes_failed']} ({kinds}) |",
                  f"| Window from the first to the last failure | {seconds(a['window_seconds'])} |",
                  f"| First successful write after PostgreSQL was back | {seconds(a['write_back_after_pg'])} |",
                  f"| `/healthz` answering 200 again after PostgreSQL was back | {seconds(a['health_back_after_pg'])} |",
                  f"| Failures later than {args.grace:g} s after PostgreSQL was back | {a['late_failures']} |",
                  f"| Acknowledged writes missing from the database (lost) | **{a['lost']}** |", ""]
    if b:
        lines += [f"**b. Worker killed mid-task** (members export of {b['rows']:,} rows, writer slowed by "
                  f"{args.export_sleep:g} s, `kill -9` while RUNNING, `run_worker` started again with the same "
                  f"`--worker-id`): {'passed' if b['ok'] else 'FAILED'}", "",
                  "| | |", "|---|---|",
                  f"| After the kill | task {b.get('status_after_kill')}, export {b.get('export_status_after_kill')} |",
                  f"| Put back in the queue by `run_worker` at its restart | {b.get('requeued_at_restart')} task(s) |",
                  f"| After the restart | task {b.get('task_status')} (claimed by {b.get('claims')}), "
                  f"export {b.get('export_status')}, file {'kept' if b.get('export_file') else 'missing'} |",
                  f"| From the kill to the task finished | {seconds(b.get('recovery_seconds'))} |",
                  f"| Files written / audit entries of the export | {b.get('files_written')} / "
                  f"{b.get('audit_entries')} (exactly once: 1 / 1) |", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["worker"]:
        worker_main(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["a", "b"], help="run one fault only")
    parser.add_argument("--writers", type=int, default=4, help="client threads filing requests (default 4)")
    parser.add_argument("--steady", type=float, default=8, help="seconds of load before the restart (default 8)")
    parser.add_argument("--after", type=float, default=20, help="seconds of load after the restart (default 20)")
    parser.add_argument("--grace", type=float, default=10,
                        help="failures later than this after PostgreSQL is back count as not recovered (default 10)")
    parser.add_argument("--recover-within", type=float, default=10,
                        help="the site must write again within this many seconds of PostgreSQL being back (default 10)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--export-sleep", type=float, default=8)
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_FAULTS_DATABASE_URL", DEFAULT_DATABASE_URL)
    began = time.monotonic()
    configure(url)
    if args.only != "b" and os.geteuid() != 0:
        raise SystemExit("restarting PostgreSQL needs root (or run with --only b)")
    say(f"Building the data set in {url} …")
    facts = existing_data() if args.reuse else build_data(url)
    pg = re.sub(r"\s+", " ", postgres_version())
    a = b = None
    try:
        if args.only in (None, "a"):
            a = restart_under_load(url, facts, args)
        if args.only in (None, "b"):
            b = worker_killed(url, args)
    finally:
        ensure_postgres_running()
    text = report(args, pg, a, b)
    say("\n" + text)
    if not args.no_docs:
        from bench.run import write_docs

        write_docs(text.rstrip("\n"), start=RESULTS_START, end=RESULTS_END)
        say("Written to docs/benchmarks.md.")
    say(f"Total {time.monotonic() - began:.0f} s.")
    return 0 if all(r is None or r["ok"] for r in (a, b)) else 1


if __name__ == "__main__":
    sys.exit(main())
