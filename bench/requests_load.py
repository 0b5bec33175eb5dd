"""Residents' requests under load: ``make bench-requests`` or ``python -m bench.requests_load``.

1. Builds a small data set of its own in a dedicated PostgreSQL database
   (``BENCH_GRID_DATABASE_URL``, by default ``postgres://postgres@127.0.0.1:5432/dangjian_bench_grid``),
   dropped and created again on every run: the small demo city and the grid demo of 江滨街道
   (``city.build`` + ``grid.demo.build_demo``, seed 1; about half a minute with the migrations).
   It registers an Open311 client (its key) taking requests in at the sub-district.
2. Baseline, in this process: the same cycle as the clients below through the services
   (``workflow.request_file`` as the Open311 client, then ``request_transition`` accept, register,
   dispatch as the community dispatcher), one at a time, no HTTP.
3. Starts gunicorn (``config.wsgi``, gthread workers) on a free port against that database, gets
   the dispatcher's token from ``POST /api/v1/auth/token/``, and for 1, 8 and 32 concurrent
   clients (Python threads, one ``requests.Session`` each, keep-alive) runs for a fixed time the
   cycle: file ``POST /open311/v2/requests.json`` (form-encoded: api_key, service_code, address_id
   of a building of 滨河社区, description), then ``POST /api/v1/requests/{id}/transitions/`` with
   ``accept``, ``register`` and ``dispatch`` (with ``expected_status``), as the dispatcher would.
4. Prints, per step and concurrency: throughput (successful calls per second over the level's
   wall time), latency p50/p90/p99, errors, and the ratio of the p50 to the baseline's median;
   writes the table into the "Requests under load" section of ``docs/benchmarks.md``.

The load generator runs on the same machine as gunicorn and PostgreSQL and takes CPU from them.

Options: ``--levels 1,8,32``, ``--seconds S`` per level (default 15), ``--workers``/``--threads`` of
gunicorn (default 4 × 4), ``--baseline N`` cycles (default 60), ``--no-docs``.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dangjian_bench_grid"
ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
RESULTS_START = "<!-- bench:requests:start -->"
RESULTS_END = "<!-- bench:requests:end -->"
STEPS = ("file", "accept", "register", "dispatch")
STEP_LABELS = {
    "file": "File (Open311 `POST requests.json`)",
    "accept": "Accept (`POST …/transitions/`)",
    "register": "Register (`POST …/transitions/`)",
    "dispatch": "Dispatch with `expected_status`",
}
DISPATCHER = "community"  # the secretary of 滨河社区党委, the community's dispatcher
COMMUNITY = "滨河社区党委"
STREET = "中共临江市江滨街道工作委员会"
SERVICE_CODE = "environment"
DESCRIPTIONS = ["楼道堆放杂物很久没人清理", "小区路灯坏了好几盏", "垃圾桶满了两天没清运", "消防通道上总停着车"]


def say(message: str) -> None:
    print(message, flush=True)


def server_env(url: str) -> dict:
    """The environment of this process and of gunicorn: the benchmark database, the development
    settings without debug machinery, and no Open311 rate limit (the load comes from one key)."""
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DEBUG": "false",
            "LOG_LEVEL": "ERROR", "OPEN311_RATE_POST": "0/min", "OPEN311_RATE_GET": "0/min"}


def configure(url: str) -> None:
    os.environ.update(server_env(url))
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


# --- the data set -------------------------------------------------------------------------------

def build_data(url: str) -> dict:
    """Drop and create the benchmark database, migrate, load the small city and the grid demo;
    returns what the clients need (API key, building ids) and facts for the report."""
    import psycopg
    from django.core.management import call_command
    from django.db import connections
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = conninfo_to_dict(url)["dbname"]
    connections.close_all()
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    from dangjian.core.demo import city
    from dangjian.grid.demo import build_demo

    city.build(scale="small", seed=1)
    build_demo(seed=1)
    from dangjian.accounts.models import User
    from dangjian.grid.models import Building, Grid, Household, ServiceRequest
    from dangjian.grid.open311.keys import open311_client_create
    from dangjian.organizations.models import Organization

    street = Organization.objects.get(name=STREET)
    client, key = open311_client_create(actor=User.objects.get(username="admin"), name="压力测试客户端",
                                        organization=street, contact="bench")
    buildings = list(Building.objects.filter(grid__organization__name=COMMUNITY).order_by("pk")
                     .values_list("pk", flat=True))
    with connections["default"].cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"key": key, "client_id": client.pk, "buildings": buildings, "build_seconds": time.monotonic() - started,
            "grids": Grid.objects.count(), "households": Household.objects.count(),
            "requests": ServiceRequest.objects.count()}


# --- measuring ----------------------------------------------------------------------------------

@dataclass
class Samples:
    """Latencies (seconds) of the successful calls per step, errors per step, and the wall time."""

    latencies: dict = field(default_factory=lambda: defaultdict(list))
    errors: dict = field(default_factory=lambda: defaultdict(int))
    error_examples: list = field(default_factory=list)
    wall: float = 0.0
    cycles: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, step: str, seconds: float, ok: bool, example: str = "") -> None:
        with self.lock:
            if ok:
                self.latencies[step].append(seconds)
            else:
                self.errors[step] += 1
                if len(self.error_examples) < 5:
                    self.error_examples.append(f"{step}: {example[:300]}")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), nearest rank on sorted values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def baseline(facts: dict, cycles: int) -> Samples:
    """The cycle through the services in this process, one at a time (no HTTP, no serializers)."""
    from django.db import connection

    from dangjian.accounts.models import User
    from dangjian.grid.choices import Channel, RequestStatus
    from dangjian.grid.models import Building, Open311Client, RequestCategory
    from dangjian.grid.workflow import request_file, request_transition

    dispatcher = User.objects.get(username=DISPATCHER)
    client = Open311Client.objects.select_related("organization").get(pk=facts["client_id"])
    category = RequestCategory.objects.get(code=SERVICE_CODE)
    buildings = list(Building.objects.filter(pk__in=facts["buildings"]).select_related("grid", "grid__organization"))
    samples = Samples()
    started = time.perf_counter()
    for index in range(cycles + 3):
        record = index >= 3  # three warm-up cycles
        t = time.perf_counter()
        request = request_file(actor=None, channel=Channel.OPEN311, client=client, category=category,
                               description=DESCRIPTIONS[index % len(DESCRIPTIONS)], organization=client.organization,
                               building=buildings[index % len(buildings)])
        if record:
            samples.add("file", time.perf_counter() - t, True)
        for step, expected in (("accept", None), ("register", None), ("dispatch", RequestStatus.REGISTERED)):
            t = time.perf_counter()
            request_transition(request=request, action=step, actor=dispatcher, expected_status=expected)
            if record:
                samples.add(step, time.perf_counter() - t, True)
        if index == 2:
            started = time.perf_counter()
    samples.wall, samples.cycles = time.perf_counter() - started, cycles
    connection.close()
    return samples


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn in the background; its log (errors only) goes to ``var/bench/gunicorn-requests.log``."""
    import requests
    from django.conf import settings

    gunicorn = Path(sys.executable).parent / "gunicorn"
    log = Path(settings.VAR_DIR) / "bench" / "gunicorn-requests.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
         "--workers", str(workers), "--threads", str(threads), "--backlog", "256", "--timeout", "60",
         "--log-level", "warning"],
        env=server_env(url), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except requests.RequestException:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz within a minute")


def get_token(base: str) -> str:
    import requests

    from dangjian.core.demo.city import DEMO_PASSWORD

    answer = requests.post(f"{base}/api/v1/auth/token/", data={"username": DISPATCHER, "password": DEMO_PASSWORD},
                           timeout=30)
    answer.raise_for_status()
    return answer.json()["token"]


class Client:
    """One concurrent client: files a request through Open311 and dispatches it through the API."""

    def __init__(self, base: str, key: str, token: str, buildings: list[int], number: int):
        import requests

        self.base, self.key, self.buildings, self.number = base, key, buildings, number
        self.open311 = requests.Session()
        self.api = requests.Session()
        self.api.headers.update({"Authorization": f"Token {token}", "Accept": "application/json"})
        self.count = 0

    def cycle(self, samples: Samples | None) -> None:
        self.count += 1
        form = {"api_key": self.key, "service_code": SERVICE_CODE,
                "address_id": str(self.buildings[(self.number * 7 + self.count) % len(self.buildings)]),
                "description": DESCRIPTIONS[self.count % len(DESCRIPTIONS)]}
        answer, seconds = self.timed(self.open311.post, f"{self.base}/open311/v2/requests.json", data=form)
        ok = answer is not None and answer.status_code in (200, 201)
        self.record(samples, "file", seconds, ok, answer)
        if not ok:
            return
        pk = answer.json()[0]["service_request_id"]
        for step, body in (("accept", {"action": "accept"}), ("register", {"action": "register"}),
                           ("dispatch", {"action": "dispatch", "expected_status": "registered"})):
            answer, seconds = self.timed(self.api.post, f"{self.base}/api/v1/requests/{pk}/transitions/", json=body)
            ok = answer is not None and answer.status_code == 200
            self.record(samples, step, seconds, ok, answer)
            if not ok:
                return
        if samples is not None:
            with samples.lock:
                samples.cycles += 1

    @staticmethod
    def timed(method, url, **kwargs):
        import requests

        started = time.perf_counter()
        try:
            answer = method(url, timeout=60, **kwargs)
        except requests.RequestException:
            answer = None
        return answer, time.perf_counter() - started

    @staticmethod
    def record(samples, step, seconds, ok, answer):
        if samples is None:
            return
        example = "" if ok else (f"HTTP {answer.status_code} {answer.text}" if answer is not None else "no answer")
        samples.add(step, seconds, ok, example)


def run_level(base: str, facts: dict, token: str, clients: int, seconds: float) -> Samples:
    """``clients`` threads cycling until ``seconds`` have passed (each finishes its cycle)."""
    samples = Samples()
    pool = [Client(base, facts["key"], token, facts["buildings"], n) for n in range(clients)]
    barrier = threading.Barrier(clients + 1)
    stop = threading.Event()

    def work(client):
        barrier.wait()
        while not stop.is_set():
            client.cycle(samples)

    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in pool]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    samples.wall = time.perf_counter() - started
    return samples


def warm_up(base: str, facts: dict, token: str, clients: int) -> None:
    """A few cycles in parallel so that every gunicorn worker has served each URL once."""
    pool = [Client(base, facts["key"], token, facts["buildings"], n) for n in range(clients)]
    threads = [threading.Thread(target=lambda c=c: [c.cycle(None) for _ in range(2)]) for c in pool]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- the report ---------------------------------------------------------------------------------

def ms(value: float) -> str:
    return f"{value * 1000:,.1f}"


def table(base_samples: Samples, levels: list[tuple[int, Samples]]) -> list[str]:
    lines = ["| Step | Clients | Calls | Errors | Throughput (calls/s) | p50 (ms) | p90 (ms) | p99 (ms) "
             "| Ratio p50 / service |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    service = {step: statistics.median(base_samples.latencies[step]) for step in STEPS}
    for step in STEPS:
        values = base_samples.latencies[step]
        lines.append(f"| {STEP_LABELS[step]}: service call in process | 1 | {len(values)} | 0 "
                     f"| {len(values) / base_samples.wall:,.1f} | {ms(percentile(values, 50))} "
                     f"| {ms(percentile(values, 90))} | {ms(percentile(values, 99))} | 1.0 |")
        for clients, samples in levels:
            values = samples.latencies[step]
            p50 = percentile(values, 50)
            lines.append(f"| {STEP_LABELS[step]} | {clients} | {len(values):,} | {samples.errors[step]} "
                         f"| {len(values) / samples.wall:,.1f} | {ms(p50)} | {ms(percentile(values, 90))} "
                         f"| {ms(percentile(values, 99))} | {p50 / service[step]:,.1f} |")
    lines += ["", "| Clients | Whole cycles | Cycles/s | HTTP calls/s |", "|--:|--:|--:|--:|",
              f"| service calls, 1 | {base_samples.cycles} | {base_samples.cycles / base_samples.wall:,.1f} "
              f"| – |"]
    for clients, samples in levels:
        calls = sum(len(v) for v in samples.latencies.values()) + sum(samples.errors.values())
        lines.append(f"| {clients} | {samples.cycles:,} | {samples.cycles / samples.wall:,.1f} "
                     f"| {calls / samples.wall:,.1f} |")
    return lines


def machine() -> str:
    cpu = ""
    try:
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = f" ({found.group(1).strip()})" if found else ""
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, AttributeError):
        pass
    return f"{os.cpu_count()} CPUs{cpu}{memory}, Python {platform.python_version()}"


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
    connection.close()
    return re.sub(r" on .*", "", version)


def commit() -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.strip()
        return f"commit {sha} plus the working tree at the time"
    except (OSError, subprocess.CalledProcessError):
        return "working tree"


def report(facts, args, base_samples, levels, pg) -> str:
    from django.utils import timezone

    now = timezone.localtime()
    lines = [
        "### Results", "",
        "| | |", "|---|---|",
        f"| Date | {now:%Y-%m-%d %H:%M} {now.tzname()} |",
        f"| Code | {commit()} |",
        f"| Machine | {machine()}; gunicorn, PostgreSQL and the clients on the same machine |",
        f"| PostgreSQL | {pg} |",
        f"| Server | gunicorn, {args.workers} gthread workers × {args.threads} threads, `config.settings.dev` "
        "with DEBUG off, persistent database connections |",
        f"| Data set | small demo city + grid demo: {facts['grids']} grids, {facts['households']:,} households, "
        f"{facts['requests']} requests before the run; built in {facts['build_seconds']:.0f} s |",
        f"| Load | {args.seconds:g} s per level after a warm-up; baseline {args.baseline} cycles in process; "
        f"load average before / after the run {facts['load_before']} / {load_average()} (other work on the "
        "machine slows every figure) |",
        "",
        *table(base_samples, levels),
    ]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", default="1,8,32", help="concurrent clients per level (default 1,8,32)")
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds per level (default 15)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--baseline", type=int, default=60, help="cycles of the in-process baseline (default 60)")
    parser.add_argument("--no-docs", action="store_true", help="print the results only")
    args = parser.parse_args(argv)
    levels_wanted = [int(n) for n in args.levels.split(",") if n.strip()]
    url = os.environ.get("BENCH_GRID_DATABASE_URL", DEFAULT_DATABASE_URL)
    began = time.monotonic()
    configure(url)
    say(f"Building the data set in {url} …")
    load_before = load_average()
    facts = build_data(url) | {"load_before": load_before}
    say(f"Built in {facts['build_seconds']:.0f} s: {facts['grids']} grids, {facts['households']} households.")
    pg = postgres_version()
    say(f"Baseline: {args.baseline} cycles through the services in process …")
    base_samples = baseline(facts, args.baseline)
    port = free_port()
    say(f"Starting gunicorn on 127.0.0.1:{port} ({args.workers} workers × {args.threads} threads) …")
    server = start_server(url, port, args.workers, args.threads)
    base = f"http://127.0.0.1:{port}"
    levels = []
    try:
        token = get_token(base)
        warm_up(base, facts, token, args.workers * args.threads)
        for clients in levels_wanted:
            say(f"{clients} concurrent client(s) for {args.seconds:g} s …")
            samples = run_level(base, facts, token, clients, args.seconds)
            levels.append((clients, samples))
            say(f"  {samples.cycles} cycles, {samples.cycles / samples.wall:.1f}/s, "
                f"errors {dict(samples.errors) or 0}")
            for example in samples.error_examples:
                say(f"  error: {example}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    text = report(facts, args, base_samples, levels, pg)
    say("")
    say(text)
    if not args.no_docs:
        from .run import write_docs

        write_docs(text.rstrip("\n"), start=RESULTS_START, end=RESULTS_END)
        say(f"Written to {DOCS.relative_to(ROOT)}.")
    say(f"Total {time.monotonic() - began:.0f} s.")


if __name__ == "__main__":
    main()
