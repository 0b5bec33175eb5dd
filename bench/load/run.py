"""Load with locust: ``make load`` or ``python -m bench.load.run``.

1. Builds the PostgreSQL database ``dangjian_bench_load`` (``BENCH_LOAD_DATABASE_URL``) afresh: the
   small demo city and the grid demo (``bench.requests_load.build_data``, seed 1).
2. Starts gunicorn (gthread; ``--workers`` × ``--threads``) on loopback against it
   (``bench.requests_load.start_server``).
3. For each level (``--levels 10,50,100`` users) runs locust headless as a subprocess
   (``--headless -u N -r R -t 60s --csv …``) with the mixed workload of ``bench/load/locustfile.py``:
   secretaries browsing the roster and member pages and recording meetings, residents filing
   requests, grid workers listing requests, organizers opening the workbench and the dashboard;
   every user signs in through the login form.
4. Reads locust's CSV statistics and writes per level and endpoint: requests/s, error rate, p50,
   p95, p99, into the "Load with locust" section of ``docs/benchmarks.md``, with the machine facts
   and the highest level that held errors < 1 % and p95 < 1 s on the pages after sign-in (sign-in,
   an Argon2 hash per login, is reported apart).

Load generator, gunicorn and PostgreSQL share the machine. Options: ``--levels``, ``--seconds``
(per level, default 60), ``--workers`` (default 3), ``--threads`` (default 4), ``--no-docs``, ``--reuse``
(keep the database of an earlier run instead of building it again).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.requests_load import (
    COMMUNITY,
    build_data,
    configure,
    free_port,
    load_average,
    machine,
    postgres_version,
    say,
    start_server,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dangjian_bench_load"
ROOT = Path(__file__).resolve().parent.parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
RESULTS_START = "<!-- bench:load:start -->"
RESULTS_END = "<!-- bench:load:end -->"
SECRETARIES = {"branch": "滨河社区第一党支部", "community": COMMUNITY}
SUSTAINED = {"errors": 0.01, "p95_ms": 1000}
RESIDENT_ACCOUNTS = 100


def context(facts: dict, out: Path) -> Path:
    """What the simulated users need: the secretaries' organizations, the community and its buildings."""
    from dangjian.core.demo.city import DEMO_PASSWORD
    from dangjian.organizations.models import Organization

    data = {
        "password": DEMO_PASSWORD,
        "residents": resident_accounts(RESIDENT_ACCOUNTS, DEMO_PASSWORD),
        "orgs": {user: Organization.objects.get(name=name).pk for user, name in SECRETARIES.items()},
        "community": Organization.objects.get(name=COMMUNITY).pk,
        "buildings": facts["buildings"],
    }
    path = out / "context.json"
    path.write_text(json.dumps(data))
    return path


def existing_data() -> dict:
    """The facts ``build_data`` gives, read from a database built by an earlier run."""
    from django_tasks_db.models import DBTaskResult

    from dangjian.grid.models import Building

    # No worker runs beside this benchmark: tasks queued by an earlier run would make /healthz answer
    # "stalled" (503) after five minutes, and gunicorn would never be seen ready.
    DBTaskResult.objects.all().delete()
    buildings = list(Building.objects.filter(grid__organization__name=COMMUNITY).order_by("pk")
                     .values_list("pk", flat=True))
    return {"buildings": buildings, "build_seconds": 0.0}


def resident_accounts(count: int, password: str) -> list[str]:
    """Sign-in accounts for the simulated residents, one each (``load-resident-001`` …): filing is limited
    per user (``RATE_LIMITS["resident_post"]``, 10 a minute), as it should be, so a crowd of residents
    sharing one account would only measure the limit. Any signed-in user may file as a resident."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from dangjian.accounts.models import User

    names = [f"load-resident-{n:03d}" for n in range(1, count + 1)]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    hashed = make_password(password)
    now = timezone.now()
    User.objects.bulk_create([User(username=name, password=hashed, password_changed_at=now)
                              for name in names if name not in existing])
    return names


def run_locust(base: str, users: int, seconds: int, prefix: Path, context_file: Path) -> dict:
    """One level: locust headless in a subprocess; returns its rows of ``<prefix>_stats.csv`` by name."""
    locust = Path(sys.executable).parent / "locust"
    rate = max(1, users // 10)  # every user started within ~10 s
    command = [str(locust), "-f", str(LOCUSTFILE), "--headless", "-u", str(users), "-r", str(rate),
               "-t", f"{seconds}s", "--stop-timeout", "10", "--csv", str(prefix), "--host", base,
               "--only-summary", "--loglevel", "WARNING"]
    samples = prefix.parent / f"{prefix.name}_samples.tsv"
    samples.unlink(missing_ok=True)
    env = {**os.environ, "LOAD_CONTEXT": str(context_file), "LOAD_SAMPLES": str(samples)}
    with (prefix.parent / f"{prefix.name}.log").open("w") as log:
        subprocess.run(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, timeout=seconds + 120)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    rows["_samples"] = read_samples(samples)
    rows["_seconds"] = seconds
    return rows


def read_samples(path: Path) -> list[tuple[str, float, bool]]:
    """(name, milliseconds, failed) of every request, written by the locustfile."""
    found = []
    if path.exists():
        for line in path.read_text().splitlines():
            name, ms, failed = line.split("\t")
            found.append((name, float(ms), failed == "1"))
    return found


def is_login(name: str) -> bool:
    return name.endswith("login form") or name.endswith("login POST")


def level_summary(rows: dict, subset: str = "pages") -> dict:
    """Figures of one level over ``subset`` of the requests: "pages" (everything after signing in, the
    criterion of what the box sustains), "login" (the sign-in GET and POST) or "all"."""
    from bench.requests_load import percentile

    chosen = [(ms, failed) for name, ms, failed in rows["_samples"]
              if subset == "all" or (subset == "login") == is_login(name)]
    count = len(chosen)
    failures = sum(1 for _, failed in chosen if failed)
    times = [ms for ms, _ in chosen]
    return {"requests": count, "failures": failures, "error_rate": failures / count if count else 1.0,
            "rps": count / rows["_seconds"], "p50": percentile(times, 50), "p95": percentile(times, 95),
            "p99": percentile(times, 99)}


def held(rows: dict) -> bool:
    s = level_summary(rows)
    return s["requests"] > 0 and s["error_rate"] < SUSTAINED["errors"] and s["p95"] < SUSTAINED["p95_ms"]


def _ms(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def tables(levels: list[tuple[int, dict]]) -> list[str]:
    lines = ["| Users | Requests | Requests/s | Errors | p50 (ms) | p95 (ms) | p99 (ms) | Held? |",
             "|--:|--:|--:|--:|--:|--:|--:|---|"]
    for users, rows in levels:
        for subset, label in (("pages", "pages after sign-in"), ("login", "sign-in (GET + POST)")):
            s = level_summary(rows, subset)
            mark = ("yes" if held(rows) else "no") if subset == "pages" else "–"
            lines.append(f"| {users}: {label} | {s['requests']:,} | {s['rps']:.1f} | {s['failures']} "
                         f"({s['error_rate']:.1%}) | {s['p50']:.0f} | {s['p95']:.0f} | {s['p99']:.0f} | {mark} |")
    lines += ["", "Per endpoint:", "",
              "| Endpoint | Users | Requests | Requests/s | Errors | p50 (ms) | p95 (ms) | p99 (ms) |",
              "|---|--:|--:|--:|--:|--:|--:|--:|"]
    names = sorted({name for _, rows in levels for name in rows if name != "Aggregated" and not name.startswith("_")})
    for name in names:
        for users, rows in levels:
            row = rows.get(name)
            if not row:
                continue
            count, failures = int(row["Request Count"]), int(row["Failure Count"])
            rate = failures / count if count else 0
            lines.append(f"| {row['Type']} {name} | {users} | {count:,} | {float(row['Requests/s']):.1f} "
                         f"| {failures} ({rate:.1%}) | {_ms(row['50%']):.0f} | {_ms(row['95%']):.0f} "
                         f"| {_ms(row['99%']):.0f} |")
    return lines


def report(args, facts, pg, levels, load_before) -> str:
    from django.utils import timezone

    from bench.requests_load import commit

    now = timezone.localtime()
    sustained = [users for users, rows in levels if held(rows)]
    verdict = (f"**{max(sustained)} users** (the highest level measured with errors < 1 % and p95 < 1 s on the pages "
               "after sign-in)" if sustained
               else "none of the levels measured (errors ≥ 1 % or p95 ≥ 1 s at every level)")
    lines = [
        "### Results", "",
        "| | |", "|---|---|",
        f"| Date | {now:%Y-%m-%d %H:%M} {now.tzname()} |",
        f"| Code | {commit()} |",
        f"| Machine | {machine()}; locust, gunicorn and PostgreSQL on the same machine |",
        f"| PostgreSQL | {pg} |",
        f"| Server | gunicorn, {args.workers} gthread workers × {args.threads} threads, `config.settings.dev` with "
        "DEBUG off, persistent database connections |",
        f"| Data set | small demo city + grid demo (`dangjian_bench_load`), built in {facts['build_seconds']:.0f} s "
        "(0: kept from an earlier run) |",
        f"| Load | locust {locust_version()}, {args.seconds} s per level, users started at N/10 per second, think "
        f"time 1–4 s; mix by weight: secretaries 3, residents 4, grid workers 2, organizers 1; load average "
        f"before / after {load_before} / {load_average()} |",
        f"| Sustained on this box | {verdict} |",
        "",
        *tables(levels),
    ]
    return "\n".join(lines) + "\n"


def locust_version() -> str:
    from importlib.metadata import version

    return version("locust")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", default="10,50,100", help="simulated users per level (default 10,50,100)")
    parser.add_argument("--seconds", type=int, default=60, help="seconds per level (default 60)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--no-docs", action="store_true", help="print the results only")
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_LOAD_DATABASE_URL", DEFAULT_DATABASE_URL)
    began = time.monotonic()
    configure(url)
    from django.conf import settings
    from django.db import connections

    out = Path(settings.VAR_DIR) / "bench" / "load"
    out.mkdir(parents=True, exist_ok=True)
    load_before = load_average()
    say(f"Building the data set in {url} …")
    facts = existing_data() if args.reuse else build_data(url)
    context_file = context(facts, out)
    pg = postgres_version()
    connections.close_all()
    port = free_port()
    say(f"Starting gunicorn on 127.0.0.1:{port} ({args.workers} workers × {args.threads} threads) …")
    server = start_server(url, port, args.workers, args.threads)
    base = f"http://127.0.0.1:{port}"
    levels = []
    try:
        for users in [int(n) for n in args.levels.split(",") if n.strip()]:
            say(f"{users} users for {args.seconds} s …")
            rows = run_locust(base, users, args.seconds, out / f"u{users}", context_file)
            s = level_summary(rows)
            say(f"  {s['requests']} requests, {s['rps']:.1f}/s, errors {s['failures']} ({s['error_rate']:.1%}), "
                f"p50 {s['p50']:.0f} ms, p95 {s['p95']:.0f} ms, p99 {s['p99']:.0f} ms")
            levels.append((users, rows))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    text = report(args, facts, pg, levels, load_before)
    say("")
    say(text)
    if not args.no_docs:
        from bench.run import write_docs

        write_docs(text.rstrip("\n"), start=RESULTS_START, end=RESULTS_END)
        say("Written to docs/benchmarks.md.")
    say(f"Total {time.monotonic() - began:.0f} s (failures per level: var/bench/load/u<N>_failures.csv).")


if __name__ == "__main__":
    main()
