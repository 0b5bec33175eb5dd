"""Coverage of firms at city scale: ``make bench-coverage`` or ``python -m bench.coverage``.

1. Builds (or reuses) its own PostgreSQL database (``BENCH_COVERAGE_DATABASE_URL``, by default
   ``postgres://postgres@127.0.0.1:5432/dangjian_bench_coverage``): the demo city at city scale
   (17 sub-districts, 86 communities), then

   * 30,000 firms and social organizations spread over the communities (bulk, with valid credit
     codes), 300 office buildings holding 6,000 of them on their floors;
   * 1,200 joint branches of 2–5 firms each and 800 firms' own branches, set up through the
     services (``joint_branch_form``, ``firm_branch_form``: dated versions and audit entries), so
     coverage is computed from the org tree as in production;
   * instructors or liaisons for 6,000 firms (bulk) and 12,000 members linked to firms.

2. Measures the pages with the Django test client (as ``bench.run`` does): a warm-up, then
   ``--repeat`` requests; each page's read statements are replayed through a plain psycopg cursor
   (bare SQL); ratio = median server time / median bare SQL time.
3. Writes the table into the "Coverage at city scale" section of ``docs/benchmarks.md``.

Options: ``--rebuild``, ``--data-only``, ``--repeat N`` (default 10), ``--only KEY,…``, ``--no-docs``.
"""
from __future__ import annotations

import argparse
import datetime
import os
import random
import time
from pathlib import Path

from .run import configure as configure_database
from .run import say

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dangjian_bench_coverage"
RESULTS_START = "<!-- bench:coverage:start -->"
RESULTS_END = "<!-- bench:coverage:end -->"
SEED = 1
FIRMS = 30_000
BUILDINGS = 300
TENANTS = 6_000
JOINT = 1_200
OWN = 800
GUIDED = 6_000
STAFF = 12_000
MARK = "基准企业"


def configure() -> str:
    return configure_database("BENCH_COVERAGE_DATABASE_URL", DEFAULT_DATABASE_URL)


# --- the data set -------------------------------------------------------------------------------

def _credit_code(n: int) -> str:
    from dangjian.core.validators import credit_code_check_char

    first17 = f"91330102MA{n:07d}"
    return first17 + credit_code_check_char(first17)


def _firms(rng: random.Random) -> list:
    """Units and firms in bulk, with buildings holding some of them on their floors."""
    from dangjian.coverage.choices import FirmSize, Industry
    from dangjian.coverage.models import Building, Firm
    from dangjian.organizations.models import Organization, Unit

    communities = list(Organization.objects.filter(unit_kind="community", org_type="committee",
                                                   name__endswith="社区党委").order_by("path"))
    buildings = Building.objects.bulk_create(
        Building(name=f"基准大厦{i:03d}", address=f"基准路{i}号", area_organization=communities[i % len(communities)],
                 floors_above=rng.randint(8, 30), floors_below=2) for i in range(BUILDINGS))
    units = Unit.objects.bulk_create(
        (Unit(name=f"{MARK}{n:05d}有限公司" if n % 10 else f"{MARK}{n:05d}协会",
              kind="private_enterprise" if n % 10 else "social_organization", credit_code=_credit_code(n),
              address=f"基准路{n}号") for n in range(FIRMS)), batch_size=2000)
    industries, sizes = list(Industry.values), list(FirmSize.values)
    firms = []
    for n, unit in enumerate(units):
        building = buildings[n % BUILDINGS] if n < TENANTS else None
        firms.append(Firm(unit=unit, industry=rng.choice(industries), size=rng.choice(sizes),
                          established_on=datetime.date(2000 + n % 25, 1 + n % 12, 1), employees=rng.randint(3, 400),
                          area_organization=building.area_organization if building else communities[n % len(communities)],
                          building=building, floor=rng.randint(1, building.floors_above) if building else None))
    return Firm.objects.bulk_create(firms, batch_size=2000)


def _organizations(firms: list, actor, rng: random.Random) -> None:
    """Joint branches of 2–5 firms of one community and firms' own branches, through the services."""
    from collections import defaultdict

    from dangjian.coverage.services_firms import firm_branch_form, joint_branch_form

    today = datetime.date.today()
    by_area = defaultdict(list)
    for firm in firms[TENANTS // 2:]:
        by_area[firm.area_organization_id].append(firm)
    pools = list(by_area.values())
    for i in range(JOINT):
        pool = pools[i % len(pools)]
        group = [pool.pop() for _ in range(min(rng.randint(2, 5), len(pool)))]
        if len(group) < 2:
            continue
        joint_branch_form(actor=actor, parent=group[0].area_organization, name=f"{MARK}联合党支部{i:04d}",
                          code=f"BJ{i:05d}", firms=group, on=today - datetime.timedelta(days=rng.randint(0, 700)))
    for i, firm in enumerate(firms[:OWN]):
        firm_branch_form(actor=actor, firm=firm, parent=firm.area_organization, name=f"{firm.name}党支部",
                         code=f"BO{i:05d}", on=today - datetime.timedelta(days=rng.randint(0, 700)))


def _guides_and_staff(firms: list, rng: random.Random) -> None:
    from dangjian.coverage.models import Assignment
    from dangjian.members.models import Member

    today = datetime.date.today()
    Assignment.objects.bulk_create(
        (Assignment(firm=firm, role="instructor" if i % 3 else "liaison", name=f"指导员{i}", appointed_by_id=
                    firm.area_organization_id, started_on=today - datetime.timedelta(days=rng.randint(0, 900)))
         for i, firm in enumerate(firms[OWN:OWN + GUIDED])), batch_size=2000)
    members = list(Member.objects.order_by("id").only("pk")[:STAFF])
    for member in members:
        member.employer_id = firms[rng.randrange(len(firms))].unit_id
    Member.objects.bulk_update(members, ["employer"], batch_size=2000)


def build(url: str, *, rebuild: bool) -> dict:
    from django.core.management import call_command
    from django.db import connections

    from .run import Database

    db = Database(url)
    if db.exists() and not rebuild:
        call_command("migrate", verbosity=0)
        from dangjian.coverage.models import Firm

        if Firm.objects.filter(unit__name__startswith=MARK).count() == FIRMS:
            say(f"{db.name} holds the coverage data set.")
            return {"source": "present"}
        say(f"{db.name} is incomplete; rebuilding.")
    db.recreate()
    facts = {"source": "built"}
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    from dangjian.core.demo import city

    city.build(scale="city", seed=SEED)
    from dangjian.accounts.models import User

    actor = User.objects.get(username="city")
    rng = random.Random(SEED)
    firms = _firms(rng)
    _organizations(firms, actor, rng)
    _guides_and_staff(firms, rng)
    facts["seconds"] = round(time.monotonic() - started)
    say(f"Data set built in {facts['seconds']} s.")
    with connections["default"].cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return facts


# --- measuring ----------------------------------------------------------------------------------

def cases():
    from django.urls import reverse

    from dangjian.coverage.models import Building
    from dangjian.organizations.models import Organization

    from .run import Case

    root = Organization.objects.get_root_nodes().get()
    street = Organization.objects.get(name="中共临江市江滨街道工作委员会")
    building = Building.objects.filter(name__startswith="基准大厦").order_by("pk").first()
    firms = reverse("coverage:firms")
    return [
        Case("firms-city", "Firm register of the city, page 1 (coverage, members, activists computed)", "city",
             firms),
        Case("firms-none", "Firms not covered, city, page 1", "city", f"{firms}?coverage=none"),
        Case("firms-street", "Firm register of one sub-district", "organizer", f"{firms}?org={street.pk}"),
        Case("ready", "Firms ready to form a branch, city", "city", reverse("coverage:firms_ready")),
        Case("stats-city", "Coverage statistics of the city (by kind, area, building; 12-month trend)", "city",
             f"{reverse('coverage:stats')}?org={root.pk}", repeat=5),
        Case("stats-street", "Coverage statistics of one sub-district", "organizer",
             f"{reverse('coverage:stats')}?org={street.pk}"),
        Case("building", "One office building: floors, tenants and their coverage", "city",
             reverse("coverage:building", args=[building.pk])),
        Case("api-firms", "API: firms of the city, page 1", "city", "/api/v1/firms/", api=True),
        Case("api-stats", "API: coverage statistics of the city", "city", f"/api/v1/coverage-stats/?org={root.pk}",
             api=True, repeat=5),
    ]


def run_cases(url: str, *, repeat: int, only: set[str]):
    from django.conf import settings

    from .run import Database, measure

    db = Database(url)
    out = Path(settings.VAR_DIR) / "bench" / "coverage-queries"
    results = []
    with db.connect() as raw:
        raw.execute("SET jit = off")
        for case in cases():
            if only and case.key not in only:
                continue
            say(f"  {case.title}: {case.url}")
            results.append(measure(case, repeat=repeat, raw=raw, out_dir=out))
    return results


def report(results, facts: dict, repeat: int) -> str:
    import platform

    from dangjian.coverage.models import Assignment, Building, Firm, JointUnit
    from dangjian.members.models import Member
    from dangjian.organizations.models import Organization

    from .run import WARMUP, _cpu_model, _meminfo_gib, table

    built = f"; built in {facts['seconds']} s" if facts.get("source") == "built" else ""
    rows = [
        ("Date", datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("Machine", f"{os.cpu_count()} CPUs ({_cpu_model()}), {_meminfo_gib()} RAM, Python {platform.python_version()}"),
        ("Data set", f"the city-scale demo ({Organization.objects.count():,} organizations, "
                     f"{Member.objects.count():,} members) with {Firm.objects.count():,} firms, "
                     f"{Building.objects.count():,} buildings, {JointUnit.objects.count():,} joint-branch periods, "
                     f"{Organization.objects.filter(unit__firm__isnull=False).count():,} firms' own organizations, "
                     f"{Assignment.objects.count():,} assignments, "
                     f"{Member.objects.filter(employer__isnull=False).count():,} members linked to firms{built}"),
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
    if args.data_only:
        return 0
    only = {k for k in args.only.split(",") if k}
    results = run_cases(url, repeat=args.repeat, only=only)
    section = report(results, facts, args.repeat)
    print(section)
    if not args.no_docs and not only:
        from .run import write_docs

        write_docs(section, start=RESULTS_START, end=RESULTS_END)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
