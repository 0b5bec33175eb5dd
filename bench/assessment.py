"""The assessment pages at city scale: ``make bench-assessment`` or ``python -m bench.assessment``.

1. Builds (or reuses) its own PostgreSQL database (``BENCH_ASSESSMENT_DATABASE_URL``, by default
   ``postgres://postgres@127.0.0.1:5432/dangjian_bench_assessment``): the demo city with 17
   sub-districts (86 communities) and enough towns for about 1,000 villages
   (``city.build``), then through the services:

   * a ten-star cycle of the shipped scheme over every village, run by the city, opened with
     ``cycle_open`` (measuring is left to the background worker, see below), every judged
     criterion recorded and every assessment approved in bulk; so the cycle has about 13,000
     results and the rectification tasks of the shortfalls (opened by the approval service for the
     first 100 villages, in bulk for the rest);
   * a tiering cycle of the shipped scheme over every community, opened and measured inline.

2. Times the background measuring of the tiering cycle (``cycle_measure`` over every community:
   meeting compliance, grid indicators, volunteer hours, survey satisfaction per community) and
   reports the seconds per organization.
3. Measures the pages with the Django test client (as ``bench.run`` does): a warm-up, then
   ``--repeat`` requests; each page's read statements are replayed through a plain psycopg cursor
   (bare SQL); ratio = median server time / median bare SQL time.
4. Writes the table into the "Assessment at city scale" section of ``docs/benchmarks.md``.

Options: ``--rebuild``, ``--data-only``, ``--repeat N`` (default 10), ``--only KEY,…``, ``--no-docs``.
"""
from __future__ import annotations

import argparse
import datetime
import os
import time
from decimal import Decimal
from pathlib import Path

from .run import configure as configure_database
from .run import say

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dangjian_bench_assessment"
ROOT = Path(__file__).resolve().parent.parent
RESULTS_START = "<!-- bench:assessment:start -->"
RESULTS_END = "<!-- bench:assessment:end -->"
SEED = 1
EXTRA_TOWNS = 83  # 12 villages each: with the demo's 3 and 5 × 12, about 1,000 villages
STAR_CYCLE = "基准：嘎查村星级评定"
TIER_CYCLE = "基准：社区分类定级"


def configure() -> str:
    return configure_database("BENCH_ASSESSMENT_DATABASE_URL", DEFAULT_DATABASE_URL)


# --- the data set -------------------------------------------------------------------------------

def _star_cycle(city_org, actor):
    """Open the star cycle over every village, record and approve everything."""
    from django.db import transaction
    from django.utils import timezone

    from dangjian.assessment.choices import AssessmentStatus
    from dangjian.assessment.models import Assessment, CriterionResult, Scheme
    from dangjian.assessment.services_cycles import assessment_transition, cycle_open, recompute
    from dangjian.organizations.models import Organization

    villages = list(Organization.objects.filter(unit_kind="village", org_type="branch").order_by("path"))
    scheme = Scheme.objects.get(code="village-stars", version=1)
    year = timezone.localdate().year
    cycle = cycle_open(actor=actor, scheme=scheme, organization=city_org, name=STAR_CYCLE, year=year,
                       period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
                       organizations=villages)
    results = list(CriterionResult.objects.filter(assessment__cycle=cycle).select_related("criterion"))
    now = timezone.now()
    for i, result in enumerate(results):
        if result.criterion.measured:  # as the background worker leaves them (the demo has few records)
            result.value, result.measured_at = Decimal(i % 5) / 4, now
            result.met = result.value >= result.criterion.threshold
        else:
            result.met = result.self_met = result.criterion.is_veto or (i % 7 != 0)
            if result.criterion.is_veto and i % 97 == 0:
                result.met = result.self_met = False
    with transaction.atomic():
        CriterionResult.objects.bulk_update(results, ["met", "self_met", "value", "measured_at"], batch_size=2000)
        last = scheme.steps.order_by("-order").first().order
        Assessment.objects.filter(cycle=cycle).update(step=last)
    assessments = list(cycle.assessments.select_related("cycle__scheme", "organization"))
    for assessment in assessments:
        recompute(assessment)
    # The approval service (with its shortfall tasks) for the first hundred; the rest in bulk.
    for assessment in assessments[:100]:
        assessment_transition(actor=actor, assessment=assessment, action="approve")
    Assessment.objects.filter(cycle=cycle, status=AssessmentStatus.IN_REVIEW).update(
        status=AssessmentStatus.APPROVED, approved_at=timezone.now())
    return cycle, len(villages), len(results)


def build(url: str, *, rebuild: bool) -> dict:
    from django.core.management import call_command
    from django.db import connections

    from .run import Database

    db = Database(url)
    if db.exists() and not rebuild:
        call_command("migrate", verbosity=0)
        from dangjian.assessment.models import Cycle

        if Cycle.objects.filter(name__in=[STAR_CYCLE, TIER_CYCLE]).count() == 2:
            say(f"{db.name} holds the assessment data set.")
            return {"source": "present"}
        say(f"{db.name} is incomplete; rebuilding.")
    db.recreate()
    facts = {"source": "built"}
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    from dangjian.core.demo import city
    from dangjian.core.demo.orglife import build_orglife
    from dangjian.grid.demo import build_demo as build_grid

    city.SCALES["bench-assessment"] = (16, 5 + EXTRA_TOWNS)
    key = city.build(scale="bench-assessment", seed=SEED)
    build_orglife(seed=SEED)
    build_grid(seed=SEED)
    facts["demo_seconds"] = round(time.monotonic() - started)
    say(f"City built in {facts['demo_seconds']} s.")
    from dangjian.accounts.models import User

    actor = User.objects.get(username="city")
    lap = time.monotonic()
    _, facts["villages"], facts["star_results"] = _star_cycle(key["city"], actor)
    facts["star_seconds"] = round(time.monotonic() - lap)
    say(f"Star cycle over {facts['villages']} villages in {facts['star_seconds']} s.")
    with connections["default"].cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return facts


def tier_cycle() -> dict:
    """Open the tiering cycle over every community (once) and time measuring it, the worker's job."""
    from django.utils import timezone

    from dangjian.accounts.models import User
    from dangjian.assessment.models import Cycle, Scheme
    from dangjian.assessment.services_cycles import cycle_measure, cycle_open
    from dangjian.organizations.models import Organization

    actor = User.objects.get(username="city")
    cycle = Cycle.objects.filter(name=TIER_CYCLE).first()
    if cycle is None:  # more than MEASURE_INLINE communities: measuring is left to the worker, timed below
        communities = Organization.objects.filter(unit_kind="community", org_type="committee",
                                                  name__endswith="社区党委").order_by("path")
        year = timezone.localdate().year
        cycle = cycle_open(actor=actor, scheme=Scheme.objects.get(code="community-tiers", version=1),
                           organization=Organization.objects.get_root_nodes().get(), name=TIER_CYCLE, year=year,
                           period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
                           organizations=list(communities))
    count = cycle.assessments.count()
    started = time.monotonic()
    measured = cycle_measure(actor=actor, cycle=cycle)
    seconds = time.monotonic() - started
    return {"communities": count, "measured": measured, "seconds": round(seconds, 1),
            "per_org": round(seconds / max(count, 1), 3)}


# --- measuring ----------------------------------------------------------------------------------

def cases():
    from dangjian.assessment.models import Assessment, Cycle

    from .run import Case

    star = Cycle.objects.get(name=STAR_CYCLE)
    tier = Cycle.objects.get(name=TIER_CYCLE)
    village = Assessment.objects.filter(cycle=star).order_by("organization__path").first()
    return [
        Case("landing", "Assessment landing of the city organizer", "city", "/assessment/"),
        Case("star-cycle", f"Star cycle page, {star.assessments.count()} villages (distribution, movements, rows)",
             "city", f"/assessment/cycles/{star.pk}/"),
        Case("star-cycle-lagging", "Star cycle page, lagging villages only", "city",
             f"/assessment/cycles/{star.pk}/?grade=lagging"),
        Case("tier-cycle", f"Tiering cycle page, {tier.assessments.count()} communities", "city",
             f"/assessment/cycles/{tier.pk}/"),
        Case("assessment", "One village's assessment page", "city", f"/assessment/a/{village.pk}/"),
        Case("api-cycle", "API: star cycle detail (distribution and every result)", "city",
             f"/api/v1/assessment-cycles/{star.pk}/", api=True, repeat=3),
        Case("rectifications", "Rectification tasks of the city, page 1", "city", "/assessment/rectifications/"),
        Case("api-rectifications", "API: rectification tasks, page 1", "city", "/api/v1/rectifications/", api=True),
        Case("history", "One village's ratings across years", "city",
             f"/assessment/orgs/{village.organization_id}/history/"),
    ]


def run_cases(url: str, *, repeat: int, only: set[str]):
    from django.conf import settings

    from .run import Database, measure

    db = Database(url)
    out = Path(settings.VAR_DIR) / "bench" / "assessment-queries"
    results = []
    with db.connect() as raw:
        raw.execute("SET jit = off")
        for case in cases():
            if only and case.key not in only:
                continue
            say(f"  {case.title}: {case.url}")
            results.append(measure(case, repeat=repeat, raw=raw, out_dir=out))
    return results


def report(results, facts: dict, tier: dict, repeat: int) -> str:
    import platform

    from .run import WARMUP, _cpu_model, _meminfo_gib, table

    built = (f"; built in {facts['demo_seconds'] + facts['star_seconds']} s" if facts.get("source") == "built"
             else "")
    rows = [
        ("Date", datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("Machine", f"{os.cpu_count()} CPUs ({_cpu_model()}), {_meminfo_gib()} RAM, Python {platform.python_version()}"),
        ("Data set", f"the demo city with {facts['villages']:,} villages in one star cycle "
                     f"({facts['star_results']:,} criterion results) and every community in a "
                     f"tiering cycle{built}"),
        ("Background measuring", f"{tier['measured']} measured results for {tier['communities']} communities in "
                                 f"{tier['seconds']} s: {tier['per_org']} s per community (meeting compliance, "
                                 "requests on time, satisfaction, volunteer hours)"),
        ("Repetitions", f"{repeat} per page after {WARMUP} warm-up requests; Django test client, DEBUG off"),
    ]
    lines = ["### Results", "", "| | |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    lines += ["", table(results), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "10")))
    parser.add_argument("--rebuild", action="store_true", default=os.environ.get("BENCH_REBUILD") == "1")
    parser.add_argument("--data-only", action="store_true")
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--only", default="")
    args = parser.parse_args(argv)
    url = configure()
    facts = build(url, rebuild=args.rebuild)
    if "villages" not in facts:  # a data set built by an earlier run
        from dangjian.assessment.models import Assessment, CriterionResult

        facts["villages"] = Assessment.objects.filter(cycle__name=STAR_CYCLE).count()
        facts["star_results"] = CriterionResult.objects.filter(assessment__cycle__name=STAR_CYCLE).count()
    say("Measuring the tiering cycle again (the background worker's job) …")
    tier = tier_cycle()
    say(f"  {tier}")
    if args.data_only:
        return 0
    only = {k.strip() for k in args.only.split(",") if k.strip()}
    say(f"Measuring ({args.repeat} requests per page) …")
    results = run_cases(url, repeat=args.repeat, only=only)
    section = report(results, facts, tier, args.repeat)
    say("\n" + section)
    if not args.no_docs and not only:
        from .run import write_docs

        write_docs(section, start=RESULTS_START, end=RESULTS_END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
