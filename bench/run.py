"""Benchmarks of the main pages on the large data set: ``make bench`` or ``python -m bench.run``.

1. Makes sure the benchmark database (``BENCH_DATABASE_URL``, by default
   ``postgres://postgres@127.0.0.1:5432/dangjian_bench``) holds the large data set: restored
   from the cached dump ``var/bench/large.dump`` when there is one, else built with
   :func:`bench.scale.build_large` and then dumped to the cache. Migrations are applied every
   time, so a dump made before a new migration still serves.
2. Requests each page with the Django test client (no server; the code of the working tree),
   logged in as a persona, a number of times after two warm-up requests, and records the
   total request time, the time and number of SQL queries, and the *bare SQL* time: the same
   read statements with the same parameters replayed through a plain psycopg cursor.
   ratio = server time / bare SQL time (medians).
3. Prints a Markdown table and writes it, with the machine, PostgreSQL and data set facts,
   into the results section of ``docs/benchmarks.md``. The SQL of each page (and the plan of
   its slowest query) is kept in ``var/bench/queries/`` for reading.

Options: ``--repeat N`` (or ``BENCH_REPEAT``), ``--members N`` (or ``BENCH_MEMBERS``),
``--data-only``, ``--no-docs``, ``--only KEY,…`` (measure some pages, print only), ``--rebuild``
(or ``BENCH_REBUILD=1``: drop a benchmark database that holds something else than the large data set).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dangjian_bench"
ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
RESULTS_START = "<!-- bench:results:start -->"
RESULTS_END = "<!-- bench:results:end -->"
WARMUP = 2
SEED = 1
MODULE_PARTS = ["attendance", "audit", "care", "volunteers", "wishes", "centres", "notices", "pairings"]


def configure(env_var: str = "BENCH_DATABASE_URL", default_url: str = DEFAULT_DATABASE_URL) -> str:
    """Point Django at a benchmark database (``$env_var``, else ``default_url``) with the development
    settings; returns the URL."""
    url = os.environ.get(env_var, default_url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    # Measure as in production: no debug machinery (query logging, debug pages).
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    # WhiteNoise warns when static files were never collected; the pages measured do not serve them.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    return url


def say(message: str) -> None:
    print(message, flush=True)


# --- the data set -----------------------------------------------------------------------------

@dataclass
class Database:
    """The benchmark database and how to reach the server's maintenance database."""

    url: str

    @property
    def name(self) -> str:
        from psycopg.conninfo import conninfo_to_dict

        return conninfo_to_dict(self.url)["dbname"]

    def admin(self):
        import psycopg
        from psycopg.conninfo import make_conninfo

        return psycopg.connect(make_conninfo(self.url, dbname="postgres"), autocommit=True)

    def connect(self):
        """A plain psycopg connection as Django's: client-side binding, UTC, autocommit, and the
        connection ``options`` of the settings (``-c jit=off``)."""
        import psycopg
        from django.conf import settings

        options = settings.DATABASES["default"].get("OPTIONS", {}).get("options")
        conn = psycopg.connect(self.url, autocommit=True, cursor_factory=psycopg.ClientCursor,
                               **({"options": options} if options else {}))
        conn.execute("SET TIME ZONE 'UTC'")
        return conn

    def exists(self) -> bool:
        with self.admin() as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone() is not None

    def members(self) -> int | None:
        """How many members the database holds; None when it holds no organizations."""
        with self.connect() as conn:
            tables = conn.execute("SELECT to_regclass('organizations_organization'), to_regclass('members_member')")
            if None in tables.fetchone():
                return None
            if not conn.execute("SELECT EXISTS (SELECT 1 FROM organizations_organization)").fetchone()[0]:
                return None
            return conn.execute("SELECT count(*) FROM members_member").fetchone()[0]

    def recreate(self) -> None:
        from django.db import connections
        from psycopg import sql

        connections.close_all()
        with self.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(self.name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))


def cache_paths(members: int) -> tuple[Path, Path]:
    """The cached dump and its facts file for a data set of ``members`` members."""
    from django.conf import settings

    from bench.scale import DEFAULT_MEMBERS

    stem = "large" if members == DEFAULT_MEMBERS else f"large-{members}"
    folder = Path(settings.VAR_DIR) / "bench"
    return folder / f"{stem}.dump", folder / f"{stem}.json"


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ensure_data(db: Database, *, members: int, rebuild: bool) -> dict:
    """Make sure ``db`` holds the large data set; returns facts about how it got there."""
    dump, facts_file = cache_paths(members)
    facts = json.loads(facts_file.read_text()) if facts_file.exists() else {}
    held = db.members() if db.exists() else None
    if held is not None and held >= members:
        say(f"{db.name} holds the large data set ({held:,} members).")
        migrate()
        facts = add_meetings(db, dump, facts_file, facts)
        return add_records(db, dump, facts_file, facts) | {"source": "present"}
    if held is not None and not rebuild:
        raise SystemExit(f"{db.name} holds {held:,} members, not the large data set. Drop it, point "
                         "BENCH_DATABASE_URL elsewhere, or run with --rebuild (BENCH_REBUILD=1).")
    db.recreate()
    if dump.exists():
        say(f"Restoring {dump} into {db.name} …")
        started = time.monotonic()
        subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--jobs", str(os.cpu_count() or 2),
                        "--dbname", db.url, str(dump)], check=True)
        migrate()
        from bench.scale import vacuum_analyze

        vacuum_analyze(sys.stdout)  # a restore brings no planner statistics
        say(f"Restored in {time.monotonic() - started:,.0f} s.")
        facts = add_meetings(db, dump, facts_file, facts)
        return add_records(db, dump, facts_file, facts) | {"source": "restored"}
    say(f"Building the large data set ({members:,} members) in {db.name} …")
    from bench.scale import build_large

    started = time.monotonic()
    migrate()
    build_large(seed=SEED, stdout=sys.stdout, members=members)
    today = datetime.date.today()
    facts = {"members": members, "seed": SEED, "built_on": today.isoformat(),
             "build_seconds": round(time.monotonic() - started), "meetings_year": today.year}
    facts = add_records(db, dump, facts_file, facts, refresh_dump=False)
    dump_data(db, dump, facts_file, facts)
    return facts | {"source": "built"}


def dump_data(db: Database, dump: Path, facts_file: Path, facts: dict) -> None:
    """Dump the benchmark database to the cache (replacing it only when complete)."""
    dump.parent.mkdir(parents=True, exist_ok=True)
    say(f"Dumping to {dump} …")
    started = time.monotonic()
    partial = dump.with_suffix(".partial")
    subprocess.run(["pg_dump", "--format=custom", "--file", str(partial), "--dbname", db.url], check=True)
    partial.replace(dump)
    facts["dump_seconds"] = round(time.monotonic() - started)
    facts_file.write_text(json.dumps(facts, indent=2))
    say(f"Dumped in {facts['dump_seconds']} s.")


def add_meetings(db: Database, dump: Path, facts_file: Path, facts: dict) -> dict:
    """Add this year's meetings to a data set cached without any (then refresh the dump), so
    that a data set built before organizational life need not be rebuilt."""
    from django.db import transaction
    from django.utils import timezone

    from bench.scale import fill_meetings, vacuum_analyze
    from dangjian.orglife.choices import MeetingStatus
    from dangjian.orglife.models import Meeting

    year = timezone.localdate().year
    if Meeting.objects.filter(status=MeetingStatus.RECORDED, starts_at__year=year).exists():
        return facts
    say(f"Adding the recorded meetings of {year} so far to {db.name} …")
    started = time.monotonic()
    with transaction.atomic():
        fill_meetings(year=year, seed=SEED, stdout=sys.stdout)
    vacuum_analyze(sys.stdout)
    facts = facts | {"meetings_year": year, "meetings_seconds": round(time.monotonic() - started)}
    dump_data(db, dump, facts_file, facts)
    return facts


def add_records(db: Database, dump: Path, facts_file: Path, facts: dict, *, refresh_dump: bool = True) -> dict:
    """Add the dues, recruitment and transfer records a data set lacks (one cached before those
    apps: see :mod:`bench.records`) and those of the other modules (:mod:`bench.modules`), analyse,
    and refresh the dump."""
    from django.db import transaction

    from bench.modules import fill_modules
    from bench.records import fill_records
    from bench.scale import vacuum_analyze

    started = time.monotonic()
    with transaction.atomic():
        added = fill_records(seed=SEED, stdout=sys.stdout)
    for part in MODULE_PARTS:  # each in its own transaction, so that one failing keeps the others
        with transaction.atomic():
            added += fill_modules(seed=SEED, stdout=sys.stdout, only=part)
    if not added:
        return facts
    vacuum_analyze(sys.stdout)
    say(f"Added {', '.join(added)} records to {db.name} in {time.monotonic() - started:,.0f} s.")
    facts = facts | {"records_seconds": round(time.monotonic() - started), "records_on": datetime.date.today().isoformat()}
    if refresh_dump:
        dump_data(db, dump, facts_file, facts)
    return facts


# --- measuring --------------------------------------------------------------------------------

@dataclass
class Case:
    """One page to measure: a title, the persona requesting it and the URL."""

    key: str
    title: str
    persona: str
    url: str
    api: bool = False
    repeat: int | None = None  # slow pages: at most this many requests, after one warm-up


@dataclass
class Result:
    case: Case
    status: int | str = 0
    queries: int = 0
    server: list[float] = field(default_factory=list)
    query_time: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    slowest: float = 0.0
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.server)


class QueryLog:
    """An execute wrapper recording each statement, its parameters and its duration."""

    def __init__(self):
        self.entries: list[tuple[str, object, bool, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.entries.append((sql, params, many, time.perf_counter() - started))


def _is_read(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def replay(conn, statements: list[tuple[str, object]]) -> float:
    """Run the statements through a plain cursor, fetching every row; returns the seconds taken."""
    started = time.perf_counter()
    with conn.cursor() as cursor:
        for sql, params in statements:
            if params is None:
                cursor.execute(sql)
            else:
                cursor.execute(sql, params)
            if cursor.description is not None:
                cursor.fetchall()
    return time.perf_counter() - started


def last_page(html: str) -> str:
    """The highest page number linked from a list page ("last" if none is linked)."""
    numbers = [int(n) for n in re.findall(r"[?&;]page=(\d+)", html)]
    return str(max(numbers)) if numbers else "last"


def measure(case: Case, *, repeat: int, raw, out_dir: Path) -> Result:
    """Request ``case.url`` ``repeat`` times (after warm-up) and replay its SQL as often."""
    from django.db import connection
    from django.test import Client

    from dangjian.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    client.force_login(User.objects.get(username=case.persona))
    headers = {"HTTP_ACCEPT": "application/json"} if case.api else {}
    result = Result(case)
    repeat = min(repeat, case.repeat or repeat)
    for _ in range(1 if case.repeat else WARMUP):
        client.get(case.url, **headers)
    log = QueryLog()
    for _ in range(repeat):
        log = QueryLog()
        with connection.execute_wrapper(log):
            started = time.perf_counter()
            response = client.get(case.url, **headers)
            elapsed = time.perf_counter() - started
        result.status = response.status_code
        result.queries = len(log.entries)
        if response.status_code != 200:
            result.note = f"HTTP {response.status_code}"
            break
        result.server.append(elapsed)
        result.query_time.append(sum(e[3] for e in log.entries))
    result.slowest = max((e[3] for e in log.entries), default=0.0)
    statements = [(sql, params) for sql, params, many, _ in log.entries if _is_read(sql) and not many]
    _keep_sql(case, statements, log, raw, out_dir)
    if result.ok and statements:
        try:
            result.bare = [replay(raw, statements) for _ in range(repeat)]
        except Exception as exc:  # noqa: BLE001 - reported in the table, the run goes on
            result.note = f"replay failed: {type(exc).__name__}"
    return result


def _keep_sql(case: Case, statements, log: QueryLog, raw, out_dir: Path) -> None:
    """Write the page's SQL (parameters bound) and the plan of its slowest read for reading."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with raw.cursor() as cursor:
        texts = []
        for (sql, params, _many, seconds) in log.entries:
            bound = cursor.mogrify(sql, params) if params is not None else sql
            texts.append(f"-- {seconds * 1000:.2f} ms\n{bound};\n")
        (out_dir / f"{case.key}.sql").write_text("\n".join(texts))
        reads = [(e[3], e[0], e[1]) for e in log.entries if _is_read(e[0]) and not e[2]]
        if reads:
            _seconds, sql, params = max(reads, key=lambda r: r[0])
            try:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall()) + "\n"
            except Exception as exc:  # noqa: BLE001 - the plan is an aid, not a result
                plan = f"EXPLAIN failed: {exc}\n"
            (out_dir / f"{case.key}.plan.txt").write_text(f"{sql}\n\n{plan}")


def cases() -> list[Case]:
    """The pages measured, on the organizer's sub-district (the ~100,000-member subtree)."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from dangjian.accounts.models import RoleAssignment
    from dangjian.members.choices import ON_ROLL
    from dangjian.organizations.choices import OrgType
    from dangjian.organizations.models import Organization

    street = RoleAssignment.objects.select_related("organization").get(user__username="organizer").organization
    city = Organization.objects.get_root_nodes().get()
    # The sub-district's largest branch, for its dues ledger.
    branch = (Organization.objects.filter(path__startswith=street.path, org_type=OrgType.BRANCH)
              .annotate(n=Count("members", filter=Q(members__status__in=ON_ROLL))).order_by("-n", "path").first())
    year = timezone.localdate().year
    roster = f"/members/?org={street.pk}&sort=name"
    return [
        Case("roster", "Roster of the sub-district, page 1, by name", "organizer", roster),
        Case("roster-filtered", "Roster, full members who are retired, by name", "organizer",
             f"{roster}&status=full&category=retired"),
        Case("roster-search", "Roster, search “wang”, by name", "organizer", f"{roster}&q=wang"),
        Case("roster-last", "Roster, last page, by name", "organizer", roster + "&page={last}"),
        Case("tree-city", "Organization tree of the whole city", "city", f"/orgs/?root={city.pk}"),
        Case("tree-organizer", "Organization tree, the organizer's default", "organizer", "/orgs/"),
        Case("api-members", "API: members of the sub-district, page 1", "organizer",
             f"/api/v1/members/?organization={street.pk}", api=True),
        Case("compliance-street", "Compliance of the sub-district this year (page)", "organizer",
             f"/orglife/compliance/?org={street.pk}&year={year}"),
        Case("city", "API: compliance of the whole city this year", "city",
             f"/api/v1/compliance/?org={city.pk}&year={year}", api=True, repeat=3),
        Case("dues-overview", "Dues overview of the sub-district this year", "organizer", f"/dues/?org={street.pk}",
             repeat=5),
        Case("dues-ledger", "Dues ledger of its largest branch this year", "organizer",
             f"/dues/ledger/?org={branch.pk}&year={year}"),
        Case("api-dues", "API: dues payments of the sub-district, page 1", "organizer",
             f"/api/v1/dues/?organization={street.pk}", api=True),
        Case("api-dues-calculate", "API: dues calculator", "organizer",
             "/api/v1/dues/calculate/?category=employed&base=4500", api=True),
        Case("recruitment", "Recruitment dashboard of the sub-district", "organizer", f"/recruitment/?org={street.pk}"),
        Case("transfers", "Transfers, the organizer's default list", "organizer", "/transfers/"),
        *module_cases(street, branch, year),
    ]


def module_cases(street, branch, year: int) -> list[Case]:
    """The hot paths of the other modules, on the sub-district (records of :mod:`bench.modules`)."""
    from dangjian.members.models import Member
    from dangjian.orglife.choices import MeetingKind, MeetingStatus
    from dangjian.orglife.models import Meeting
    from dangjian.volunteers.models import VolunteerTeam
    from dangjian.wishes.models import Wish

    meeting = (Meeting.objects.filter(organization=branch, status=MeetingStatus.RECORDED,
                                      kind=MeetingKind.BRANCH_GENERAL_MEETING).order_by("-starts_at").first()
               or Meeting.objects.filter(organization=branch).order_by("-starts_at").first())
    team = VolunteerTeam.objects.filter(organization__path__startswith=street.path).order_by("pk").first()
    wish_org = (Wish.objects.filter(organization__path__startswith=street.path).values_list("organization_id", flat=True)
                .order_by("organization_id").first())
    # A member of the sub-district looked up by the whole ID number (decrypted here, searched by blind index).
    sought = Member.objects.filter(organization=branch).order_by("pk").first()
    cases = [
        Case("home-secretary", "Workbench of a branch secretary", "branch", "/"),
        Case("home-organizer", "Workbench of the sub-district's organizer", "organizer", "/"),
        Case("meetings-street", "Meetings of the sub-district, page 1", "organizer", f"/orglife/meetings/?org={street.pk}"),
        Case("study-branch", "Study hours of its largest branch this year", "organizer",
             f"/orglife/study/?org={branch.pk}&year={year}"),
        Case("volunteers-teams", "Volunteer teams in sight", "organizer", "/volunteers/"),
        Case("volunteers-figures", "Volunteer figures and hours ledger of the sub-district", "organizer",
             f"/volunteers/figures/?org={street.pk}&year={year}"),
        Case("wishes-review", "Wishes awaiting review in the sub-district", "organizer", "/wishes/review/"),
        Case("pairings", "Pairings in sight, page 1", "organizer", "/pairings/"),
        Case("centres", "Service centres in sight", "organizer", "/centres/"),
        Case("care-register", "Hardship register of the sub-district", "organizer", f"/care/?org={street.pk}"),
        Case("care-xlsx", "Hardship register of the sub-district as xlsx", "organizer",
             f"/care/export/?org={street.pk}", repeat=5),
        Case("dues-ledger-xlsx", "Dues ledger of the largest branch as xlsx", "organizer",
             f"/dues/ledger/export/?org={branch.pk}&year={year}"),
        Case("inbox", "Notices inbox (我的消息)", "organizer", "/notices/inbox/"),
        Case("notices", "Notices list of a community secretary", "community", "/notices/"),
        Case("audit-street", "Audit log of the sub-district, page 1", "auditor", "/audit/"),
        Case("roster-last4", "Roster, search by the last four ID digits", "organizer",
             f"/members/?org={street.pk}&sort=name&q={sought.id_number_last4}" if sought else "/members/"),
        Case("roster-id", "Roster, search by the whole ID number (blind index)", "organizer",
             f"/members/?org={street.pk}&sort=name&q={sought.id_number}" if sought else "/members/"),
    ]
    if meeting:
        cases.insert(3, Case("meeting-detail", "A recorded branch meeting of that branch", "organizer",
                             f"/orglife/meetings/{meeting.pk}/"))
    if team:
        cases.insert(6, Case("volunteers-team", "One volunteer team with its activities", "organizer",
                             f"/volunteers/teams/{team.pk}/?year={year}"))
    if wish_org:
        cases.insert(8, Case("wishes-board", "Wish board of a community, page 1", "organizer",
                             f"/wishes/board/{wish_org}/"))
    return cases


def run_cases(db: Database, *, repeat: int, only: set[str] | None = None) -> list[Result]:
    from django.conf import settings
    from django.test import Client

    from dangjian.accounts.models import User

    out_dir = Path(settings.VAR_DIR) / "bench" / "queries"
    results = []
    all_cases = [c for c in cases() if not only or c.key in only]
    with db.connect() as raw:
        for case in all_cases:
            if "{last}" in case.url:
                client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
                client.force_login(User.objects.get(username=case.persona))
                first = client.get(case.url.replace("&page={last}", ""))
                case.url = case.url.format(last=last_page(first.content.decode(errors="replace")))
            say(f"  {case.title}: {case.url}")
            results.append(measure(case, repeat=repeat, raw=raw, out_dir=out_dir))
    return results


# --- reporting --------------------------------------------------------------------------------

def _ms(values: list[float], q: str = "median") -> str:
    if not values:
        return "—"
    if q == "median":
        value = statistics.median(values)
    else:
        value = statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
    return f"{value * 1000:,.1f}"


def table(results: list[Result]) -> str:
    lines = [
        "| Page | As | HTTP | Queries | Server median (ms) | Server p95 (ms) | SQL in request, median (ms) "
        "| Slowest query (ms) | Bare SQL median (ms) | Ratio |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        ratio = "—"
        if r.ok and r.bare:
            ratio = f"{statistics.median(r.server) / statistics.median(r.bare):,.1f}"
        status = r.status if not r.note or r.note.startswith("HTTP") else f"{r.status} ({r.note})"
        lines.append(
            f"| {r.case.title}<br>`{r.case.url}` | {r.case.persona} | {status} | {r.queries if r.status else '—'} "
            f"| {_ms(r.server)} | {_ms(r.server, 'p95')} | {_ms(r.query_time)} "
            f"| {f'{r.slowest * 1000:,.1f}' if r.ok else '—'} | {_ms(r.bare)} | {ratio} |"
        )
    return "\n".join(lines)


def _meminfo_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def facts(db: Database, data: dict, repeat: int) -> list[tuple[str, str]]:
    """Machine, PostgreSQL and data set facts for the report."""
    from dangjian.accounts.models import RoleAssignment

    street = RoleAssignment.objects.select_related("organization").get(user__username="organizer").organization
    with db.connect() as conn:
        def one(sql, params=None):
            return conn.execute(sql, params).fetchone()[0]

        pg = one("SHOW server_version")
        pg_settings = ", ".join(f"{name} {one(f'SHOW {name}')}" for name in ("shared_buffers", "work_mem",
                                                                         "effective_cache_size"))
        members = one("SELECT count(*) FROM members_member")
        orgs = one("SELECT count(*) FROM organizations_organization")
        branches = one("SELECT count(*) FROM organizations_organization WHERE org_type IN "
                       "('branch', 'joint_branch', 'temporary_branch')")
        periods = one("SELECT count(*) FROM members_membership")
        posts = one("SELECT count(*) FROM organizations_leadershippost")
        in_street = one("SELECT count(*) FROM members_member m JOIN organizations_organization o "
                        "ON o.id = m.organization_id WHERE o.path LIKE %s", [street.path + "%"])
        size = one("SELECT pg_size_pretty(pg_database_size(current_database()))")
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    built = ""
    if data.get("build_seconds"):
        built = f"; built on {data['built_on']} in {data['build_seconds'] // 60} min {data['build_seconds'] % 60} s"
    return [
        ("Date", datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("Code", f"commit {commit} plus the working tree at the time"),
        ("Machine", f"{os.cpu_count()} CPUs ({_cpu_model()}), {_meminfo_gib()} RAM, Python {platform.python_version()}"),
        ("PostgreSQL", f"{pg} on the same machine; {pg_settings}"),
        ("Data set", f"{members:,} members ({in_street:,} in {street.name}), {orgs:,} organizations ({branches:,} "
                     f"branches), {periods:,} membership periods, {posts:,} leadership posts; database {size}{built}"),
        ("Repetitions", f"{repeat} per page after {WARMUP} warm-up requests; Django test client, DEBUG off"),
    ]


def report(results: list[Result], fact_rows: list[tuple[str, str]]) -> str:
    lines = ["## Results", "", "| | |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in fact_rows]
    lines += ["", table(results), ""]
    notes = [r for r in results if r.note]
    if notes:
        lines += ["Not measured: " + "; ".join(f"{r.case.title} ({r.note})" for r in notes) + ".", ""]
    return "\n".join(lines)


def write_docs(section: str, *, start: str = RESULTS_START, end: str = RESULTS_END) -> None:
    """Replace one results section of docs/benchmarks.md (between its markers ``start`` and ``end``),
    or append it."""
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    block = f"{start}\n{section}\n{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOCS.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "20")))
    parser.add_argument("--members", type=int, default=int(os.environ.get("BENCH_MEMBERS", "1000000")))
    parser.add_argument("--data-only", action="store_true", help="Make sure the data set is there, measure nothing.")
    parser.add_argument("--no-docs", action="store_true", help="Print the results; leave docs/benchmarks.md alone.")
    parser.add_argument("--only", default="", help="Measure only these pages (keys, comma-separated; implies "
                                                   "--no-docs), e.g. dues-overview,dues-ledger.")
    parser.add_argument("--rebuild", action="store_true", default=os.environ.get("BENCH_REBUILD") == "1",
                        help="Drop a benchmark database that holds something else than the large data set.")
    args = parser.parse_args(argv)
    db = Database(configure())
    data = ensure_data(db, members=args.members, rebuild=args.rebuild)
    if args.data_only:
        return 0
    say(f"Measuring ({args.repeat} requests per page) …")
    only = {key.strip() for key in args.only.split(",") if key.strip()}
    results = run_cases(db, repeat=args.repeat, only=only)
    section = report(results, facts(db, data, args.repeat))
    say("\n" + section)
    if not args.no_docs and not only:
        write_docs(section)
        say(f"Written to {DOCS.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
