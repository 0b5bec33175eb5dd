"""Statistics at city scale: ``make bench-stats`` or ``python -m bench.stats``.

On the large data set of ``bench.run`` (a million members; restored from its cached dump or built):

1. Each section of the statistics layer is computed for the whole city, today, with no cache:
   its time and its statement count, and the bare SQL of the same statements replayed through a
   plain psycopg cursor (ratio = section time / bare SQL time).
2. The pages and the API, **cold** (the statistics cache emptied before every request, so every
   figure is computed afresh) and **warm** (the answer kept from the request before): the city's
   full dashboard (today and the same day a year before), the 大屏, the overview API today and as of
   the last day of the year before, and a sub-district's dashboard. Cold requests are compared with
   the bare SQL of their statements.
3. Writes the tables into the "Statistics at city scale" section of ``docs/benchmarks.md``.

Options: ``--repeat N`` (default 5 cold and 20 warm requests), ``--no-docs``, ``--only KEY,…``.
"""
from __future__ import annotations

import argparse
import datetime
import os
import statistics
import time
from dataclasses import dataclass, field

from .run import configure, say

RESULTS_START = "<!-- bench:stats:start -->"
RESULTS_END = "<!-- bench:stats:end -->"


@dataclass
class Timing:
    key: str
    title: str
    persona: str = ""
    url: str = ""
    status: int = 200
    queries: int = 0
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)


def _median_ms(values) -> str:
    return f"{statistics.median(values) * 1000:,.0f}" if values else "—"


def _ratio(values, bare) -> str:
    return f"{statistics.median(values) / statistics.median(bare):,.1f}" if values and bare else "—"


def _reads(log) -> list[tuple[str, object]]:
    from .run import _is_read

    return [(sql, params) for sql, params, many, _ in log.entries if _is_read(sql) and not many]


def sections(raw, *, repeat: int) -> list[Timing]:
    """Each section computed for the whole city today, without the cache."""
    from django.db import connection
    from django.utils import timezone

    from dangjian.organizations.models import Organization
    from dangjian.reports.figures import SECTIONS, Scope

    from .run import QueryLog, replay

    city = Organization.objects.get_root_nodes().get()
    results = []
    for section in SECTIONS:
        timing = Timing(f"section-{section.code}", str(section.label))
        for _ in range(repeat):
            log = QueryLog()
            with connection.execute_wrapper(log):
                started = time.perf_counter()
                section.compute(Scope(city, timezone.localdate()))
                timing.cold.append(time.perf_counter() - started)
            timing.queries = len(log.entries)
        timing.bare = [replay(raw, _reads(log)) for _ in range(repeat)]
        say(f"  section {section.code}: {_median_ms(timing.cold)} ms, {timing.queries} queries")
        results.append(timing)
    return results


def pages() -> list[Timing]:
    from dangjian.accounts.models import RoleAssignment
    from dangjian.organizations.models import Organization

    city = Organization.objects.get_root_nodes().get()
    street = RoleAssignment.objects.select_related("organization").get(user__username="organizer").organization
    last_year_end = datetime.date(datetime.date.today().year - 1, 12, 31).isoformat()
    return [
        Timing("dashboard-city", "Dashboard of the whole city (today and a year before)", "city",
               f"/reports/?org={city.pk}"),
        Timing("screen-city", "大屏 of the whole city", "city", f"/reports/screen/?org={city.pk}"),
        Timing("api-city", "API: overview of the whole city, today", "city", f"/api/v1/stats/overview/?org={city.pk}"),
        Timing("api-city-past", "API: overview of the whole city on the last day of last year", "city",
               f"/api/v1/stats/overview/?org={city.pk}&date={last_year_end}"),
        Timing("dashboard-street", "Dashboard of the organizer's sub-district (~100,000 members)", "organizer",
               f"/reports/?org={street.pk}"),
    ]


def measure_page(timing: Timing, raw, *, cold: int, warm: int) -> Timing:
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client

    from dangjian.accounts.models import User

    from .run import QueryLog, replay

    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    client.force_login(User.objects.get(username=timing.persona))
    stats_cache = caches["stats"]
    log = QueryLog()
    for _ in range(cold):
        stats_cache.clear()
        log = QueryLog()
        with connection.execute_wrapper(log):
            started = time.perf_counter()
            response = client.get(timing.url)
            elapsed = time.perf_counter() - started
        timing.status, timing.queries = response.status_code, len(log.entries)
        if response.status_code != 200:
            return timing
        timing.cold.append(elapsed)
    timing.bare = [replay(raw, _reads(log)) for _ in range(cold)]
    client.get(timing.url)
    for _ in range(warm):
        started = time.perf_counter()
        client.get(timing.url)
        timing.warm.append(time.perf_counter() - started)
    say(f"  {timing.key}: cold {_median_ms(timing.cold)} ms, warm {_median_ms(timing.warm)} ms")
    return timing


def report(section_rows: list[Timing], page_rows: list[Timing], *, cold: int, warm: int) -> str:
    import platform

    from dangjian.members.models import Member, Membership
    from dangjian.organizations.models import Organization
    from dangjian.orglife.models import Meeting

    from .run import _cpu_model, _meminfo_gib

    facts = [
        ("Date", datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("Machine", f"{os.cpu_count()} CPUs ({_cpu_model()}), {_meminfo_gib()} RAM, Python {platform.python_version()}"),
        ("Data set", f"the large data set: {Organization.objects.count():,} organizations, "
                     f"{Member.objects.count():,} members, {Membership.objects.count():,} membership periods, "
                     f"{Meeting.objects.count():,} meetings"),
        ("Repetitions", f"sections and cold requests {cold} times (statistics cache emptied before each), warm "
                        f"requests {warm} times; Django test client, DEBUG off"),
    ]
    lines = ["### Results", "", "| | |", "|---|---|", *[f"| {k} | {v} |" for k, v in facts], "",
             "Each section for the whole city, today, computed afresh:", "",
             "| Section | Queries | Median (ms) | Bare SQL median (ms) | Ratio |", "|---|--:|--:|--:|--:|"]
    for t in section_rows:
        lines.append(f"| {t.title} (`{t.key[8:]}`) | {t.queries} | {_median_ms(t.cold)} | {_median_ms(t.bare)} "
                     f"| {_ratio(t.cold, t.bare)} |")
    lines += ["", "Pages and API, cold (computed afresh) and warm (from the statistics cache):", "",
              "| Page | As | HTTP | Queries (cold) | Cold median (ms) | Bare SQL of the cold request (ms) | Ratio "
              "| Warm median (ms) |", "|---|---|---|--:|--:|--:|--:|--:|"]
    for t in page_rows:
        lines.append(f"| {t.title}<br>`{t.url}` | {t.persona} | {t.status} | {t.queries} | {_median_ms(t.cold)} "
                     f"| {_median_ms(t.bare)} | {_ratio(t.cold, t.bare)} | {_median_ms(t.warm)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "5")))
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--only", default="")
    args = parser.parse_args(argv)
    from .run import Database, ensure_data, write_docs

    db = Database(configure())
    from .scale import DEFAULT_MEMBERS

    ensure_data(db, members=DEFAULT_MEMBERS, rebuild=False)
    only = {k for k in args.only.split(",") if k}
    with db.connect() as raw:
        raw.execute("SET jit = off")
        section_rows = [] if only else sections(raw, repeat=args.repeat)
        page_rows = [measure_page(t, raw, cold=args.repeat, warm=args.warm) for t in pages()
                     if not only or t.key in only]
    section = report(section_rows, page_rows, cold=args.repeat, warm=args.warm)
    say("\n" + section)
    if not args.no_docs and not only:
        write_docs(section, start=RESULTS_START, end=RESULTS_END)
    return 0 if all(t.status == 200 for t in page_rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
