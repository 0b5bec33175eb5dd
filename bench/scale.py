"""The large data set of the benchmarks: the demo city grown to a million members.

Two separate parts, so that the second can also run on top of an existing tree (the tests do):

* :func:`build_city_tree` builds the city-scale demo tree (``build_small`` plus
  ``build_city_extra``) through the demo builder and the structure services, with the
  builder's own few thousand members.
* :func:`fill_members` adds members until the register holds ``members``, one sub-district
  (by default the organizer persona's 江滨街道) holding about a tenth of them. For each
  sub-district or town it adds zones (片区党委, through the services), then communities or
  villages, branches and Party groups in bulk (with correct tree paths and dated versions,
  but without one audit entry each), and fills the branches with members built exactly as
  the demo city builds them (``CityBuilder.members`` → ``member_build``: valid ID numbers,
  pinyin, blind indexes, masked copies). Rows are written with PostgreSQL ``COPY`` (values
  prepared by the model fields themselves, so the three protected values are Fernet-encrypted
  per row) or with ``bulk_create`` on other databases. Every member gets one open membership
  period; every branch with full members a secretary, and a committee from seven.

* :func:`fill_meetings` adds the recorded meetings of a year so far for every branch and Party
  group (no attendance or study records: compliance does not read them).

:func:`build_large` runs all three, adds the personas and, on PostgreSQL, vacuums and analyses.
``manage.py seed_demo --scale large`` and ``python -m bench.run`` call it.
"""
from __future__ import annotations

import datetime
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from dangjian.core import pii
from dangjian.core.dates import add_years
from dangjian.core.demo import city
from dangjian.core.models import RulePack
from dangjian.core.rules import RuleBook, RuleMissing
from dangjian.members.choices import MemberStatus
from dangjian.members.models import Member, Membership
from dangjian.organizations.choices import OrgStatus, OrgType, UnitKind
from dangjian.organizations.models import LeadershipPost, Organization, OrganizationVersion, PostKind
from dangjian.organizations.services import term_years
from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.models import Meeting

DEFAULT_MEMBERS = 1_000_000
BIG_SHARE = 0.10  # the share of all members in the one large sub-district
BRANCH_SIZE = (30, 90)  # members of one added branch
BRANCHES_PER_UNIT = 8  # branches of one added community or village
UNITS_PER_ZONE = 12  # communities or villages of one zone
GROUPS_PER_BRANCH = 2  # Party groups (党小组) under each added branch
CHUNK = 20_000  # members written at once
# Areas share the members that the large sub-district does not hold by these weights.
AREA_WEIGHTS = {OrgType.WORKING_COMMITTEE: 5}
TOWN_WEIGHT = 3

_NUMERALS = "一二三四五六七八九十"
_COMMITTEE_SEATS = ["deputy_secretary", "organization_member", "propaganda_member", "discipline_member"]


def say(stdout, message: str) -> None:
    """Write one progress line to ``stdout`` (a file or a management command's wrapper), if any."""
    if stdout is not None:
        stdout.write(message + "\n")
        if hasattr(stdout, "flush"):
            stdout.flush()


@dataclass
class LargeCityBuilder(city.CityBuilder):
    """The demo builder, whose members' ID numbers are also unique against the database.

    The demo builder keeps the ID numbers it has drawn unique; members already in the database
    (when filling an existing tree) are known only by their blind index, so a drawn member whose
    index is taken is dropped and another one drawn in its place. Nothing is decrypted.
    """

    seen: set[str] = field(default_factory=set)

    def members(self, org, count, *, profile: str, groups=()):
        """Queue ``count`` members for ``org`` as the demo builder does, none with a known ID number."""
        while count > 0:
            start = len(self.pending)
            super().members(org, count, profile=profile, groups=groups)
            if not self.seen:
                return
            drawn = self.pending[start:]
            del self.pending[start:]
            for member, member_org in drawn:
                if member.id_number_hash not in self.seen:
                    self.pending.append((member, member_org))
                    count -= 1


def build_city_tree(b: LargeCityBuilder) -> dict[str, Organization]:
    """The city-scale demo tree with the builder's own members; returns the key organizations."""
    key_orgs = city.build_small(b)
    b.flush()
    subdistricts, towns = city.SCALES["city"]
    city.build_city_extra(b, key_orgs["city"], subdistricts=subdistricts, towns=towns)
    return key_orgs


@dataclass
class BranchPlan:
    """An added branch, the profile of its members and how many it gets."""

    org: Organization
    profile: str
    size: int
    groups: list[Organization]


@dataclass
class FillResult:
    """What :func:`fill_members` added."""

    members: int = 0
    organizations: int = 0
    posts: int = 0
    seconds: float = 0.0
    big_members: int = 0


def _label(area: Organization) -> str:
    """``中共临江市江滨街道工作委员会`` → ``江滨街道``; ``临江市第2镇党委`` → ``第2镇``."""
    name = area.name.removeprefix("中共").removeprefix("临江市")
    for suffix in ("工作委员会", "委员会", "党工委", "党委"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _bulk_children(families: list[tuple[Organization, list[Organization]]], *, on: datetime.date) -> int:
    """Insert new organizations as the only children of parents that have none yet.

    Tree paths and depths are set as treebeard would (first child at step 1); each node's
    ``numchild`` must already be set by the caller. Each node gets its open dated version.
    """
    nodes = []
    for parent, kids in families:
        for step, kid in enumerate(kids, 1):
            kid.depth = parent.depth + 1
            kid.path = Organization._get_path(parent.path, kid.depth, step)
            nodes.append(kid)
    Organization.objects.bulk_create(nodes, batch_size=2000)
    OrganizationVersion.objects.bulk_create(
        [OrganizationVersion(organization=kid, valid_from=on, parent=parent, name=kid.name, org_type=kid.org_type,
                             status=kid.status)
         for parent, kids in families for kid in kids],
        batch_size=2000,
    )
    return len(nodes)


def _family(parent: Organization, kids: list[Organization]) -> tuple[Organization, list[Organization]]:
    parent.numchild = len(kids)
    return parent, kids


def _sizes(rng: random.Random, target: int) -> list[int]:
    """Branch sizes adding up to ``target``."""
    sizes, total = [], 0
    while total < target:
        size = min(rng.randint(*BRANCH_SIZE), target - total)
        sizes.append(size)
        total += size
    return sizes


def plan_area(b: LargeCityBuilder, area: Organization, target: int) -> tuple[list[BranchPlan], int]:
    """Add zones, communities (or villages), branches and Party groups under ``area`` for
    ``target`` members; returns the branches to fill and how many organizations were added."""
    if target <= 0:
        return [], 0
    rng, on = b.rng, b.today - datetime.timedelta(days=3650)
    village = area.org_type != OrgType.WORKING_COMMITTEE
    kind = UnitKind.VILLAGE if village else UnitKind.COMMUNITY
    label = _label(area)

    def node(name, code, org_type, short_name=""):
        return Organization(
            name=name, short_name=short_name, code=code, org_type=org_type, unit_kind=kind, status=OrgStatus.ACTIVE,
            established_on=datetime.date(rng.randint(1985, 2015), rng.randint(1, 12), 1),
        )

    plans: list[BranchPlan] = []
    unit_families, branch_families, group_families = [], [], []
    zone_sizes = _chunks(_chunks(_sizes(rng, target), BRANCHES_PER_UNIT), UNITS_PER_ZONE)
    added = 0
    for z, unit_sizes in enumerate(zone_sizes, 1):
        zone_name = f"{label}第{z}{'管理区' if village else '片区'}"
        zone = b.org(area, f"{zone_name}党委", OrgType.COMMITTEE, kind)
        added += 1
        units = []
        for u, branch_sizes in enumerate(unit_sizes, 1):
            unit_name = f"{zone_name}第{u}{'村' if village else '社区'}"
            unit = node(f"{unit_name}{'党总支' if village else '党委'}", f"{zone.code}{u:02d}",
                        OrgType.GENERAL_BRANCH if village else OrgType.COMMITTEE, short_name=unit_name[-12:])
            units.append(unit)
            branches = []
            for i, size in enumerate(branch_sizes):
                retired = not village and i >= BRANCHES_PER_UNIT - 2
                branch_label = f"{'离退休' if retired else ''}第{_NUMERALS[i % 10]}党支部"
                branch = node(f"{unit_name}{branch_label}", f"{unit.code}{i + 1:02d}", OrgType.BRANCH)
                groups = [node(f"{branch.name}第{_NUMERALS[g]}党小组", f"{branch.code}{g + 1:02d}", OrgType.PARTY_GROUP)
                          for g in range(GROUPS_PER_BRANCH)]
                for group in groups:
                    group.numchild = 0
                group_families.append(_family(branch, groups))
                branches.append(branch)
                plans.append(BranchPlan(branch, "village" if village else "retired" if retired else "community",
                                        size, groups))
            branch_families.append(_family(unit, branches))
        unit_families.append((zone, units))
        Organization.objects.filter(pk=zone.pk).update(numchild=len(units))
        zone.numchild = len(units)
    for families in (unit_families, branch_families, group_families):
        added += _bulk_children(families, on=on)
    return plans, added


class MemberWriter:
    """Writes members and one open membership period each, in chunks.

    Member ids are given here (after the highest one in use), so periods and posts can name
    them without reading anything back; sequences are reset by :meth:`finish`. On PostgreSQL
    the rows go through ``COPY``; elsewhere through ``bulk_create``. Values are prepared by
    each model field, as ``bulk_create`` would (protected values are encrypted per row).
    """

    def __init__(self, *, total: int, stdout=None):
        self.next_id = (Member.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.copy = connection.vendor == "postgresql"
        self.total, self.stdout = total, stdout
        self.written = 0
        self.started = time.monotonic()
        # Per organization id: the first five full members (by id) and how many are full.
        self.holders: dict[int, list[int]] = {}
        self.full: Counter[int] = Counter()

    def write(self, members: list[Member]) -> None:
        """Write one chunk of unsaved members."""
        if not members:
            return
        for member in members:
            member.pk = self.next_id
            self.next_id += 1
            if member.status == MemberStatus.FULL:
                self.full[member.organization_id] += 1
                ids = self.holders.setdefault(member.organization_id, [])
                if len(ids) < 5:
                    ids.append(member.pk)
        periods = [Membership(member=m, organization_id=m.organization_id, started_on=m.joined_on) for m in members]
        if self.copy:
            copy_rows(Member, members, with_pk=True)
            copy_rows(Membership, periods, with_pk=False)
        else:
            Member.objects.bulk_create(members, batch_size=500)
            Membership.objects.bulk_create(periods, batch_size=1000)
        self.written += len(members)
        elapsed = time.monotonic() - self.started
        rate = self.written / elapsed if elapsed else 0
        eta = (self.total - self.written) / rate if rate else 0
        say(self.stdout, f"  members {self.written:,}/{self.total:,} ({self.written / self.total:.0%}), "
                         f"{rate:,.0f}/s, about {eta:,.0f} s to go")

    def finish(self) -> None:
        """Move the id sequences past the ids given here."""
        statements = connection.ops.sequence_reset_sql(no_style(), [Member, Membership])
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def copy_rows(model: type[models.Model], objs: list[models.Model], *, with_pk: bool) -> None:
    """Write unsaved model instances with PostgreSQL ``COPY``, values prepared by the fields."""
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    qn = connection.ops.quote_name
    sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])


def add_posts(b: LargeCityBuilder, branches: list[Organization], holders: dict[int, list[int]],
              full: dict[int, int]) -> int:
    """A secretary for every branch with full members; a whole committee from seven (as the demo).

    ``holders`` gives each branch's first five full members by id, ``full`` how many it has.
    """
    kinds = {k.code: k for k in PostKind.objects.all()}
    # Term lengths depend on type and unit kind only, unless a local rule pack overrides them.
    cache_terms = not any("terms" in pack.data for pack in RulePack.objects.exclude(organization_code=""))
    terms: dict[tuple[str, str], int] = {}
    posts = []
    for branch in branches:
        ids = holders.get(branch.pk)
        if not ids:
            continue
        key = (branch.org_type, branch.unit_kind)
        years = terms.get(key) if cache_terms else None
        if years is None:
            years = terms[key] = term_years(branch, b.today)
        start = b.today - datetime.timedelta(days=b.rng.randint(30, years * 365 - 10))
        end = add_years(start, years)
        seats = ["secretary"] + (_COMMITTEE_SEATS if full.get(branch.pk, 0) >= 7 else [])
        posts += [LeadershipPost(organization=branch, kind=kinds[code], member_id=member_id, term_start=start,
                                 term_end=end) for code, member_id in zip(seats, ids, strict=False)]
    LeadershipPost.objects.bulk_create(posts, batch_size=2000)
    return len(posts)


def builder_posts(b: LargeCityBuilder) -> int:
    """Leadership posts for the branches the demo builder made (read from the database)."""
    holders, full = {}, {}
    for branch in b.branches:
        on_roll = branch.members.filter(status=MemberStatus.FULL)
        holders[branch.pk] = list(on_roll.order_by("id").values_list("id", flat=True)[:5])
        full[branch.pk] = on_roll.count() if len(holders[branch.pk]) == 5 else len(holders[branch.pk])
    return add_posts(b, b.branches, holders, full)


def _targets(city_org: Organization, big: Organization, need: int, big_need: int) -> list[tuple[Organization, int]]:
    """How many members each sub-district or town under ``city_org`` gets."""
    others = [a for a in Organization.objects.get_children(city_org) if a.pk != big.pk]
    if not others:
        return [(big, need)]
    rest = need - big_need
    weights = [AREA_WEIGHTS.get(a.org_type, TOWN_WEIGHT) for a in others]
    shares = [rest * w // sum(weights) for w in weights]
    for i in range(rest - sum(shares)):
        shares[i % len(shares)] += 1
    return [(big, big_need), *zip(others, shares, strict=True)]


def fill_members(b: LargeCityBuilder, *, city_org: Organization, big: Organization, members: int,
                 big_members: int, stdout=None) -> FillResult:
    """Add members (and the branches that hold them) until the register holds ``members``,
    with ``big_members`` of them in ``big``'s subtree. Run inside a transaction."""
    started = time.monotonic()
    if b.pending:
        b.flush()
    # Members already there that this builder did not draw, known by their blind index only.
    drawn = {pii.blind_index("id", id_number) for id_number in b.used_ids}
    b.seen.update(h for h in Member.objects.values_list("id_number_hash", flat=True) if h not in drawn)
    need = members - Member.objects.count()
    result = FillResult()
    if need <= 0:
        return result
    big_have = Member.objects.filter(organization__path__startswith=big.path).count()
    big_need = min(max(big_members - big_have, 0), need)
    writer = MemberWriter(total=need, stdout=stdout)
    branches: list[Organization] = []
    for area, target in _targets(city_org, big, need, big_need):
        plans, added = plan_area(b, area, target)
        result.organizations += added
        say(stdout, f"{area.name}: {added:,} organizations added for {target:,} members")
        for plan in plans:
            branches.append(plan.org)
            b.members(plan.org, plan.size, profile=plan.profile, groups=plan.groups)
            if len(b.pending) >= CHUNK:
                writer.write([m for m, _ in b.pending])
                b.pending.clear()
        writer.write([m for m, _ in b.pending])
        b.pending.clear()
    writer.finish()
    result.posts = add_posts(b, branches, writer.holders, writer.full)
    result.members = writer.written
    result.big_members = big_have + big_need
    result.seconds = time.monotonic() - started
    say(stdout, f"{result.members:,} members, {result.organizations:,} organizations and {result.posts:,} "
                f"leadership posts added in {result.seconds:,.0f} s")
    return result


MEETING_TOPICS = {
    MeetingKind.THEME_DAY: ["学习党的创新理论", "重温入党誓词", "楼道环境整治志愿服务", "走访困难党员", "学习身边榜样",
                            "垃圾分类宣传", "学习新修订的条例", "关爱孤寡老人", "文明创建", "防诈骗宣传"],
    MeetingKind.BRANCH_GENERAL_MEETING: ["讨论发展党员工作", "通报支部工作", "研究志愿服务安排", "民主评议动员"],
    MeetingKind.COMMITTEE_MEETING: ["研究本月工作安排", "研究发展党员工作", "研究党费收缴"],
    MeetingKind.PARTY_LECTURE: ["书记讲党课：做合格党员", "党课：基层治理中的党员作用"],
    MeetingKind.LIFE_MEETING: ["年度组织生活会暨民主评议党员"],
    MeetingKind.GROUP_MEETING: ["学习本月学习材料", "交流学习体会", "了解党员思想动态"],
}
MEETING_HOURS = {MeetingKind.COMMITTEE_MEETING: 1, MeetingKind.GROUP_MEETING: 1}  # duration; others 2 hours
MEETING_MINUTES = "书记传达上级精神，党员结合实际交流发言，支部作出安排。"
MEETING_CHUNK = 50_000  # meetings written at once


class _Hours:
    """Study hours and rule version of a meeting, as ``meeting_record`` credits them (cached by
    kind, day and the local rule packs that reach the organization)."""

    def __init__(self, local: dict[str, Organization]):
        self.local = local  # code → organization, for the codes local packs name
        self.books: dict[datetime.date, RuleBook] = {}
        self.cache: dict[tuple, tuple[Decimal, str]] = {}

    def codes(self, org: Organization) -> dict[str, int]:
        return {code: o.depth for code, o in self.local.items() if org.path.startswith(o.path)}

    def __call__(self, kind: str, day: datetime.date, codes: dict[str, int]) -> tuple[Decimal, str]:
        key = (kind, day, tuple(sorted(codes.items())))
        if key not in self.cache:
            book = self.books.get(day) or self.books.setdefault(day, RuleBook(day))
            try:
                value = book.get(f"study.hours_by_kind.{kind}", codes)
                self.cache[key] = Decimal(str(value.value)), value.version
            except RuleMissing:
                self.cache[key] = Decimal(0), ""
        return self.cache[key]


def _diligence(rng: random.Random) -> float:
    """How reliably an organization holds its meetings: most very, some less, a few hardly."""
    roll = rng.random()
    if roll < 0.80:
        return rng.uniform(0.88, 1.0)
    if roll < 0.95:
        return rng.uniform(0.6, 0.88)
    return rng.uniform(0.2, 0.5)


def _plan_meetings(rng: random.Random, *, group: bool, committee: bool, months: int) -> list[tuple[str, int]]:
    """(kind, month) of the meetings one organization held in the first ``months`` months."""
    p = _diligence(rng)
    if group:
        return [(MeetingKind.GROUP_MEETING, m) for m in range(1, months + 1) if rng.random() < p]
    held = []
    for m in range(1, months + 1):
        if rng.random() < p:
            held.append((MeetingKind.THEME_DAY, m))
        if committee and rng.random() < p * 0.95:
            held.append((MeetingKind.COMMITTEE_MEETING, m))
    for q in range((months + 2) // 3):
        if rng.random() < p:
            held.append((MeetingKind.BRANCH_GENERAL_MEETING, rng.randint(3 * q + 1, min(3 * q + 3, months))))
    lectures = 2 if rng.random() < 0.35 else 1 if rng.random() < p else 0
    held += [(MeetingKind.PARTY_LECTURE, m) for m in sorted(rng.sample(range(1, months + 1), min(lectures, months)))]
    if rng.random() < p * 0.7:
        held.append((MeetingKind.LIFE_MEETING, rng.randint(1, months)))
    return held


def fill_meetings(*, year: int, seed: int, stdout=None, today: datetime.date | None = None) -> int:
    """Add the recorded meetings of ``year`` so far (up to ``today``) for every active branch and
    Party group, as compliance counts them; returns how many were added.

    Branches hold a theme day most months, a branch general meeting most quarters, one or two
    Party lectures, often the yearly organizational life meeting, and committee meetings most
    months where they have a committee (as ``selectors.holders`` decides); Party groups a group
    meeting most months. Each organization has its own diligence, so some fall behind. Meetings
    are ``recorded`` with the study hours and rule version ``meeting_record`` would credit, but
    without attendance or study records (compliance reads neither). Deterministic for a seed and
    day (but for ``created_at``). Written with ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.
    """
    from dangjian.orglife.selectors import holders

    started = time.monotonic()
    today = today or timezone.localdate()
    if year > today.year:
        return 0
    last = today if year == today.year else datetime.date(year, 12, 31)
    tz = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now()
    rng = random.Random(seed)
    local_codes = {p.organization_code for p in RulePack.objects.exclude(organization_code="")}
    hours = _Hours({o.code: o for o in Organization.objects.filter(code__in=local_codes)})
    copy = connection.vendor == "postgresql"
    pending: list[Meeting] = []
    written = 0

    def flush():
        nonlocal written
        if copy:
            copy_rows(Meeting, pending, with_pk=False)
        else:
            Meeting.objects.bulk_create(pending, batch_size=500)
        written += len(pending)
        pending.clear()
        say(stdout, f"  meetings {written:,} ({time.monotonic() - started:,.0f} s)")

    for root in Organization.objects.get_root_nodes():
        holding = holders(root)
        committees = {o.pk for o in holding["committee"]}
        orgs = sorted([(o, False) for o in holding["branch"]] + [(o, True) for o in holding["group"]],
                      key=lambda item: item[0].path)
        for org, group in orgs:
            codes = hours.codes(org)
            for kind, month in _plan_meetings(rng, group=group, committee=org.pk in committees, months=last.month):
                day = rng.randint(1, 28)
                starts_at = datetime.datetime(year, month, day, rng.choice((9, 14, 19)), tzinfo=tz)
                if starts_at.date() >= last or starts_at > now:
                    continue
                credit, version = hours(kind, starts_at.date(), codes)
                pending.append(Meeting(
                    organization_id=org.pk, kind=kind, topic=rng.choice(MEETING_TOPICS[kind]), starts_at=starts_at,
                    duration_hours=Decimal(MEETING_HOURS.get(kind, 2)), place="党群服务中心", minutes=MEETING_MINUTES,
                    status=MeetingStatus.RECORDED, study_hours=credit, rule_version=version,
                    sign_in_code=f"{rng.randrange(10**6):06d}",
                ))
            if len(pending) >= MEETING_CHUNK:
                flush()
    if pending:
        flush()
    say(stdout, f"{written:,} recorded meetings of {year} added in {time.monotonic() - started:,.0f} s")
    return written


def vacuum_analyze(stdout=None) -> None:
    """On PostgreSQL, refresh planner statistics and visibility maps after a bulk load."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    say(stdout, f"VACUUM (ANALYZE) in {time.monotonic() - started:,.0f} s")


def build_large(*, seed: int, stdout=None, members: int = DEFAULT_MEMBERS, big_members: int | None = None,
                today: datetime.date | None = None) -> dict[str, Organization]:
    """Build the city tree and fill it to ``members`` members, about a tenth of them (or
    ``big_members``) in the organizer's sub-district. Deterministic for a seed and day."""
    started = time.monotonic()
    b = LargeCityBuilder(rng=random.Random(seed), today=today or timezone.localdate())
    with transaction.atomic():
        key_orgs = build_city_tree(b)
        say(stdout, f"City tree: {Organization.objects.count():,} organizations, {Member.objects.count():,} members "
                    f"({time.monotonic() - started:,.0f} s)")
        fill_members(b, city_org=key_orgs["city"], big=key_orgs["street"], members=members,
                     big_members=round(members * BIG_SHARE) if big_members is None else big_members, stdout=stdout)
        builder_posts(b)
        fill_meetings(year=b.today.year, seed=seed, stdout=stdout, today=b.today)
        city.create_personas(key_orgs)
    vacuum_analyze(stdout)
    say(stdout, f"Large data set built in {time.monotonic() - started:,.0f} s")
    return key_orgs
