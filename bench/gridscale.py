"""The grid pages at city scale: ``make bench-gridscale`` or ``python -m bench.gridscale``.

1. Builds (or reuses) a city-scale grid data set in its own PostgreSQL database
   (``BENCH_GRIDSCALE_DATABASE_URL``, by default
   ``postgres://postgres@127.0.0.1:5432/dangjian_bench_gridscale``): the "city" demo scale
   (``city.build(scale="city")``: 17 sub-districts with 86 communities, 6 towns) and the grid demo of
   江滨街道 (``grid.demo.build_demo``), then in bulk (``COPY``, no services, no audit entries):

   * grids in every community (944 in all, 10 or 11 per community), each with 3–5 buildings and
     80–120 households (contact phones Fernet-encrypted per row, with blind index, last four
     digits and masked copy), a grid leader each and more grid workers (1,193 accounts in all);
   * service teams up to 55 at sub-district level and 118 at community level, with members;
   * about 200,000 requests over the last 12 months in the states their age makes likely, each
     with its log (``RequestTransition``, about 6 steps a request: filing, taking in, dispatch,
     handling, check, closing, rating, with send-backs, escalations, extensions, parking and
     rework on some), deadlines and frozen verdicts, ratings for most closed ones and call-backs
     for a sample, supervision notices for the overdue ones;
   * visits (``GridVisit``, about 1,000,000 over 12 months).

   Deadlines are approximations (calendar hours and days, not the working-day calendar of the
   rule pack): the pages read them, they do not recompute them.
2. Measures the grid pages with the Django test client in process (as ``bench.run`` does): a
   warm-up, then ``--repeat`` requests; each page's read statements are replayed through a plain
   psycopg cursor (bare SQL); ratio = median server time / median bare SQL time.
3. Prints the table and writes it into the "Grid at city scale" section of ``docs/benchmarks.md``
   (between its markers; ``--no-docs`` prints only).

Options: ``--rebuild`` (drop and build again), ``--data-only``, ``--repeat N`` (default 10),
``--only KEY,…``, ``--no-docs``.
"""
from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dangjian_bench_gridscale"
ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
RESULTS_START = "<!-- bench:gridscale:start -->"
RESULTS_END = "<!-- bench:gridscale:end -->"
SEED = 1
GRIDS = 944
GRID_STAFF = 1_193
SUBDISTRICT_TEAMS = 55
COMMUNITY_TEAMS = 118
REQUESTS = 200_000
VISITS = 1_000_000
DAYS = 365
STREET = "中共临江市江滨街道工作委员会"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力志"
ESTATES = ["锦江花园", "滨江苑", "和平里", "幸福家园", "丽水湾", "翠柳小区", "东风新村", "阳光城", "金桂园", "紫荆苑"]
ROADS = ["江滨路", "人民路", "解放路", "建设路", "中山路", "和平路", "新华路", "朝阳路"]
DESCRIPTIONS = ["楼道堆放杂物很久没人清理", "小区东门垃圾桶满了两天没清运", "绿化带里有积水发臭", "小区路灯坏了好几盏，晚上很黑",
                "健身器材的单杠松动了，怕孩子受伤", "人行道地砖翘起来了", "电梯经常停，老人上下楼很困难",
                "顶楼漏水，墙皮都泡坏了", "楼下商铺晚上放音乐到十一点", "隔壁装修周末一早就开始", "消防通道上总停着车",
                "电动车在楼道里充电", "整栋楼停水一天了",
                "暖气不热，屋里只有十五度", "独居老人需要有人帮忙买菜", "老人想申请助浴服务", "楼上楼下因为漏水闹矛盾",
                "楼道里电线老化，有焦味"]
NOTES = ["已联系物业处理", "已派人现场查看并处理完毕", "已协调相关单位解决", "已清理完毕", "已维修", "已与居民沟通"]
VISIT_NOTES = ["家中一切正常", "反映楼道灯不亮", "老人身体不错", "提醒注意用电安全", "", "", ""]
WARMUP = 2


def say(message: str) -> None:
    print(message, flush=True)


def configure(*, jit: bool = False) -> str:
    url = os.environ.get("BENCH_GRIDSCALE_DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    # Open311 reads are rate-limited per client address; the benchmark is one client.
    os.environ.setdefault("OPEN311_RATE_GET", "0/min")
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.db import connections

    # The settings turn JIT off for the application; ``--jit on`` measures with it (the server default).
    connections["default"].settings_dict.setdefault("OPTIONS", {})["options"] = f"-c jit={'on' if jit else 'off'}"
    return url


# --- the data set -------------------------------------------------------------------------------

def _copy(model, columns: list[str], rows) -> int:
    """Write tuples of column values with PostgreSQL ``COPY``; returns the number of rows."""
    from django.db import connection

    qn = connection.ops.quote_name
    # Columns not written here but required (added by later migrations) get their field's default.
    extra = [f for f in model._meta.concrete_fields
             if f.column not in columns and not f.null and f.has_default() and not f.primary_key]
    constants = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
    columns = [*columns, *(f.column for f in extra)]
    sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    n = 0
    with connection.cursor() as cursor:
        # The rows are consistent by construction: skip the (deferred) foreign key triggers, which
        # would otherwise queue one check per row until the commit (needs a superuser, as here).
        cursor.execute("SET session_replication_role = replica")
        try:
            with cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row((*row, *constants) if constants else row)
                    n += 1
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
    return n


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def _reset_sequences(*models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def _phone(rng) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


class Builder:
    """Adds the city-scale grid records on top of the city demo and the grid demo of 江滨."""

    def __init__(self, *, seed: int = SEED, now=None, requests: int = REQUESTS, visits: int = VISITS):
        from django.utils import timezone

        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.n_requests = requests
        self.n_visits = visits
        self.facts: dict[str, object] = {}

    # grids, buildings, households, staff
    def communities(self):
        from dangjian.organizations.models import Organization

        return list(Organization.objects.filter(name__endswith="社区党委").order_by("path"))

    def grids(self):
        from dangjian.core.pii import blind_index, encrypt, mask_phone
        from dangjian.grid.models import Building, Grid, Household

        rng = self.rng
        communities = self.communities()
        existing = defaultdict(int)
        for org_id in Grid.objects.values_list("organization_id", flat=True):
            existing[org_id] += 1
        per = [GRIDS // len(communities)] * len(communities)
        for i in range(GRIDS - sum(per)):
            per[i % len(communities)] += 1
        grid_rows, next_grid = [], _next_id(Grid)
        for index, (community, count) in enumerate(zip(communities, per, strict=True)):
            short = community.name.removesuffix("党委")
            for n in range(existing[community.pk], count):
                grid_rows.append((next_grid, community.pk, f"{short}第{n + 1}网格", f"GS{community.pk:05d}{n + 1:02d}",
                                  "约百户居民，网格长每周巡查一遍。", round(30.0 + index * 0.01 + n * 0.002, 6),
                                  round(114.0 + index * 0.01, 6), True, self.now))
                next_grid += 1
        _copy(Grid, ["id", "organization_id", "name", "code", "description", "lat", "long", "active", "created_at"],
              grid_rows)
        new_grids = {row[0] for row in grid_rows}
        buildings, households = [], []
        next_building, next_household = _next_id(Building), _next_id(Household)
        for grid_id, *_rest in grid_rows:
            estate, road = rng.choice(ESTATES), rng.choice(ROADS)
            total = rng.randint(80, 120)
            nb = rng.randint(3, 5)
            for b in range(nb):
                bid = next_building
                next_building += 1
                buildings.append((bid, grid_id, f"{estate}{b + 1}号楼", f"{road}{rng.randint(1, 999)}号", "residential",
                                  rng.choice([6, 6, 7, 11, 18]), None, None))
                for h in range(total // nb + (1 if b < total % nb else 0)):
                    phone = _phone(rng)
                    tags = []
                    if rng.random() < 0.06:
                        tags.append("elderly_alone")
                    if rng.random() < 0.03:
                        tags.append("disabled")
                    if rng.random() < 0.03:
                        tags.append("low_income")
                    households.append((next_household, bid, f"{h // 24 + 1}-{h % 6 + 1}{h // 6 % 4 + 1:02d}",
                                       rng.choice([1, 2, 2, 3, 3, 3, 4, 5]),
                                       rng.choice(SURNAMES) + rng.choice(["先生", "女士", "阿姨", "师傅"]),
                                       encrypt(phone), blind_index("phone", phone), phone[-4:], mask_phone(phone),
                                       f",{','.join(tags)}," if tags else "", "", rng.random() > 0.02,
                                       self.now, self.now))
                    next_household += 1
        _copy(Building, ["id", "grid_id", "name", "address", "kind", "floors", "lat", "long"], buildings)
        _copy(Household, ["id", "building_id", "room", "size", "contact_name", "contact_phone", "phone_hash",
                          "phone_last4", "phone_masked", "tags", "note", "active", "created_at", "updated_at"],
              households)
        _reset_sequences(Grid, Building, Household)
        self.facts.update(grids=Grid.objects.count(), new_grids=len(new_grids),
                          buildings=Building.objects.count(), households=Household.objects.count())

    def staff(self):
        from django.contrib.auth.hashers import make_password

        from dangjian.accounts.models import RoleAssignment, User
        from dangjian.core.access import Role
        from dangjian.grid.models import Grid

        rng = self.rng
        grids = list(Grid.objects.values_list("pk", "organization_id").order_by("pk"))
        staffed = set(RoleAssignment.objects.filter(grid__isnull=False).values_list("grid_id", flat=True))
        have = RoleAssignment.objects.filter(grid__isnull=False).count()
        need = GRID_STAFF - have
        password = make_password("dangjian-demo")
        plan = [(g, org, Role.GRID_LEADER) for g, org in grids if g not in staffed]
        while len(plan) < need:
            g, org = rng.choice(grids)
            plan.append((g, org, Role.GRID_WORKER))
        plan = plan[:need]
        start = _next_id(User)
        users = [(start + i, password, False, f"gw{start + i:06d}", "", "", "", False, True, self.now, _name(rng))
                 for i in range(len(plan))]
        _copy(User, ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                     "is_active", "date_joined", "full_name"], users)
        ra = [(users[i][0], role, org, g, self.now) for i, (g, org, role) in enumerate(plan)]
        _copy(RoleAssignment, ["user_id", "role", "organization_id", "grid_id", "granted_at"], ra)
        _reset_sequences(User, RoleAssignment)
        self.grid_staff = defaultdict(list)
        for user_id, _role, _org, g, _at in ra:
            self.grid_staff[g].append(user_id)
        for user_id, g in RoleAssignment.objects.filter(grid__isnull=False).values_list("user_id", "grid_id"):
            if user_id not in self.grid_staff[g]:
                self.grid_staff[g].append(user_id)
        self.facts["grid_staff"] = RoleAssignment.objects.filter(grid__isnull=False).count()

    def teams(self):
        from dangjian.grid.models import RequestCategory, ServiceTeam, TeamMember
        from dangjian.organizations.models import Organization

        rng = self.rng
        categories = list(RequestCategory.objects.values_list("pk", flat=True))
        communities = self.communities()
        streets = sorted({c.path[:8] for c in communities})
        street_orgs = {o.path: o for o in Organization.objects.filter(path__in=streets)}
        have_street = defaultdict(int)
        have_comm = defaultdict(int)
        for org_id, level in ServiceTeam.objects.values_list("organization_id", "level"):
            (have_street if level == "subdistrict" else have_comm)[org_id] += 1
        new = []  # (org, name, level, is_default, categories)
        for c in communities:
            if not have_comm[c.pk]:
                new.append((c.pk, f"{c.name.removesuffix('党委')}服务团队", "community", True, categories))
        extra = COMMUNITY_TEAMS - sum(have_comm.values()) - len(new)
        for i, c in enumerate(rng.sample(communities, k=max(0, extra))):
            new.append((c.pk, f"{c.name.removesuffix('党委')}物业专班{i + 1}", "community", False,
                        rng.sample(categories, k=3)))
        street_need = SUBDISTRICT_TEAMS - sum(have_street.values())
        slots = []
        for path in streets:
            org = street_orgs[path]
            if not have_street[org.pk]:
                slots.append((org, True))
        while len(slots) < street_need:
            slots.append((street_orgs[streets[len(slots) % len(streets)]], False))
        for i, (org, default) in enumerate(slots[:street_need]):
            label = org.name.removeprefix("中共").removeprefix("临江市")
            new.append((org.pk, f"{label}{'服务团队' if default else f'专项团队{i + 1}'}", "subdistrict", default,
                        categories if default else rng.sample(categories, k=4)))
        start = _next_id(ServiceTeam)
        rows = [(start + i, org, name, level, "", default, True, self.now)
                for i, (org, name, level, default, _c) in enumerate(new)]
        _copy(ServiceTeam, ["id", "organization_id", "name", "level", "description", "is_default", "active",
                            "created_at"], rows)
        through = ServiceTeam.categories.through
        _copy(through, ["serviceteam_id", "requestcategory_id"],
              [(start + i, cat) for i, (*_x, cats) in enumerate(new) for cat in cats])
        kinds = ["subdistrict", "community", "police", "school", "clinic", "city_management", "co_building"]
        _copy(TeamMember, ["team_id", "name", "unit_kind", "unit_name", "duty", "is_leader", "active"],
              [(start + i, _name(rng), kinds[m % len(kinds)], "", "", m == 0, True)
               for i in range(len(new)) for m in range(rng.randint(3, 6))])
        _reset_sequences(ServiceTeam, TeamMember)
        self.facts.update(
            subdistrict_teams=ServiceTeam.objects.filter(level="subdistrict").count(),
            community_teams=ServiceTeam.objects.filter(level="community").count())

    # requests
    def requests(self):  # noqa: C901, PLR0915 - one generator, read top to bottom
        from dangjian.accounts.models import User
        from dangjian.core.pii import encrypt, mask_phone
        from dangjian.grid.models import (
            Building,
            Grid,
            RequestCategory,
            RequestRating,
            RequestTransition,
            ServiceRequest,
            ServiceTeam,
            Supervision,
        )

        rng = self.rng
        now = self.now
        hour = datetime.timedelta(hours=1)
        categories = list(RequestCategory.objects.values_list("pk", "default_urgency"))
        grids = list(Grid.objects.values_list("pk", "organization_id", "organization__path"))
        buildings = defaultdict(list)
        for pk, grid_id, address in Building.objects.values_list("pk", "grid_id", "address"):
            buildings[grid_id].append((pk, address))
        comm_teams, street_teams = defaultdict(list), defaultdict(list)
        for pk, org_id, path, level, default in ServiceTeam.objects.values_list(
                "pk", "organization_id", "organization__path", "level", "is_default"):
            if level == "community":
                comm_teams[org_id].insert(0 if default else len(comm_teams[org_id]), pk)
            else:
                street_teams[path[:8]].insert(0 if default else len(street_teams[path[:8]]), pk)
        dispatchers = dict(User.objects.filter(username__in=["community", "organizer"]).values_list("username", "pk"))
        ciphers = [encrypt(_phone(rng)) for _ in range(50)]  # a few ciphertexts reused (see docs)
        first_id = _next_id(ServiceRequest)
        req_cols = ["id", "category_id", "urgency", "description", "organization_id", "grid_id", "building_id",
                    "address", "attributes", "media_url", "channel", "token", "contact_name", "contact_phone",
                    "phone_masked", "contact_email", "status", "level", "team_id", "reported_at", "registered_at",
                    "escalated_at", "handled_at", "closed_at", "stage_due_at", "stage_due_provisional",
                    "resolution_due_at", "resolution_due_provisional", "handled_on_time", "closed_on_time",
                    "bounce_count", "rework_count", "extension_count", "parked_until", "merged_into_id",
                    "satisfaction", "rating_assisted", "callback_due", "status_notes", "updated_at"]
        tr_cols = ["request_id", "action", "from_status", "to_status", "actor_id", "actor_name", "actor_role",
                   "team_id", "note", "at", "due_at", "overdue", "new_due_at"]
        rating_cols = ["request_id", "kind", "satisfaction", "assisted", "rated_by_id", "note", "at"]
        sup_cols = ["request_id", "reason", "status", "due_at", "team_id", "note", "created_at"]
        reqs, trs, ratings, sups = [], [], [], []
        counts = defaultdict(int)
        handle_days = {"urgent": 1, "priority": 2, "general": 7, "complex": 15}
        span = DAYS * 24 * 3600
        for i in range(self.n_requests):
            rid = first_id + i
            age_s = span * (rng.random() ** 0.9)  # a little more recent than uniform
            at = now - datetime.timedelta(seconds=age_s)
            at = at.replace(microsecond=0)
            age = age_s / 86400
            grid_id, org_id, path = rng.choice(grids)
            building_id, address = rng.choice(buildings[grid_id]) if buildings[grid_id] else (None, "")
            cat, urgency = rng.choice(categories)
            if rng.random() < 0.1:
                urgency = rng.choice(["urgent", "priority", "complex"])
            teams = comm_teams.get(org_id) or [None]
            team = teams[0] if rng.random() < 0.8 else rng.choice(teams)
            sub_team = (street_teams.get(path[:8]) or [None])[0]
            channel = rng.choices(["grid_worker", "resident", "open311", "hotline", "walk_in"], [50, 15, 10, 20, 5])[0]
            staff = self.grid_staff.get(grid_id) or [None]
            worker = staff[0]
            final = self._final(age)
            log = []  # (action, from, to, actor, role, team, note, at, due, overdue, new_due)
            t = at
            status = ""
            due = None
            level = "community"
            stamps = {"registered": None, "escalated": None, "handled": None, "closed": None}
            verdicts = {"handled": None, "closed": None}
            resolution = None
            bounce = rework = ext = 0
            overdue_missed = []
            final_sat, final_assisted = "", False

            def step(action, to, *, after, role="dispatcher", actor=None, team_id=None, note="", next_due=None):
                nonlocal t, status, due
                t = t + after
                if t > now:
                    t = now - datetime.timedelta(minutes=rng.randint(1, 60))
                over = None if due is None else t > due
                if over:
                    overdue_missed.append((due, status))  # noqa: B023 - called in this iteration only
                log.append((action, status, to or status, actor, role, team_id, note, t, due, over, next_due))  # noqa: B023
                if to:
                    status = to
                due = next_due
                return over

            step("file", "reported", after=datetime.timedelta(0), role="grid_worker" if channel == "grid_worker"
                 else "resident" if channel == "resident" else "client" if channel == "open311" else "dispatcher",
                 actor=worker if channel == "grid_worker" else None, next_due=at + 24 * hour)
            if final == "reported":
                pass
            elif final in ("declined", "merged"):
                step("decline" if final == "declined" else "merge", final, after=hour * rng.uniform(1, 26),
                     actor=dispatchers.get("community"), note="重复或不属于受理范围")
            else:
                step("accept", "accepted", after=hour * rng.uniform(0.2, 26), next_due=None)
                due = t + 24 * hour
                if final != "accepted":
                    step("register", "registered", after=hour * rng.uniform(0.1, 20), next_due=t + 46 * hour)
                    stamps["registered"] = t
                    resolution = t + datetime.timedelta(days=handle_days[urgency])
                if final not in ("accepted", "registered"):
                    step("dispatch", "dispatched", after=hour * rng.uniform(0.1, 20), team_id=team,
                         next_due=resolution)
                    if rng.random() < 0.08:
                        bounce += 1
                        step("send_back", "registered", after=hour * rng.uniform(2, 48), role="team", team_id=team,
                             note="不属于本团队职责", next_due=t + 72 * hour)
                        step("dispatch", "dispatched", after=hour * rng.uniform(1, 20), team_id=team,
                             next_due=resolution)
                    if rng.random() < 0.06 and sub_team:
                        level = "subdistrict"
                        team = sub_team
                        step("escalate", "dispatched", after=hour * rng.uniform(2, 72), team_id=team,
                             note="社区无法解决，需街道协调", next_due=t + datetime.timedelta(days=10))
                        stamps["escalated"] = t
                        resolution = due
                    if rng.random() < 0.04:
                        ext += 1
                        resolution = (resolution or t) + datetime.timedelta(days=7)
                        step("extend", None, after=hour * rng.uniform(2, 72), note="需要协调施工，申请延期",
                             next_due=resolution)
                if final == "parked":
                    step("park", "parked", after=hour * rng.uniform(5, 100), note="需纳入年度改造计划")
                elif final in ("handled", "checked", "closed", "rated"):
                    late = rng.random() < 0.08
                    took = (resolution - t) * (rng.uniform(1.05, 2.0) if late else rng.uniform(0.05, 0.9)) \
                        if resolution else 24 * hour
                    over = step("handle", "handled", after=took, role="team", team_id=team, note=rng.choice(NOTES),
                                next_due=None)
                    stamps["handled"] = t
                    verdicts["handled"] = not over
                    due = t + 48 * hour
                    if final != "handled":
                        step("check", "checked", after=hour * rng.uniform(1, 40), next_due=t + 48 * hour)
                        due = t + 48 * hour
                    if final in ("closed", "rated"):
                        step("close", "closed", after=hour * rng.uniform(0.5, 30))
                        stamps["closed"] = t
                        verdicts["closed"] = not (resolution and t > resolution)
                if final == "rated":
                    sat = rng.choices(["satisfied", "partly", "not_satisfied"], [82, 12, 6])[0]
                    assisted = rng.random() < 0.3
                    step("rate", "rated", after=hour * rng.uniform(1, 90), role="grid_worker" if assisted else
                         "resident", actor=worker if assisted else None)
                    ratings.append((rid, "first", sat, assisted, worker if assisted else None, "", t))
                    if sat == "not_satisfied" and rng.random() < 0.5 and t + 30 * 24 * hour < now:
                        rework += 1
                        step("redo", "dispatched", after=hour * rng.uniform(1, 24), role="system", team_id=team,
                             note="居民不满意，重新办理", next_due=t + 7 * 24 * hour)
                        step("handle", "handled", after=hour * rng.uniform(10, 100), role="team", team_id=team,
                             note=rng.choice(NOTES))
                        step("check", "checked", after=hour * rng.uniform(1, 20))
                        step("close", "closed", after=hour * rng.uniform(1, 20))
                        stamps["closed"] = t
                        sat = rng.choices(["satisfied", "partly"], [70, 30])[0]
                        step("rate", "rated", after=hour * rng.uniform(1, 48), role="resident")
                        ratings.append((rid, "first", sat, False, None, "", t))
                    final_sat, final_assisted = sat, assisted
            callback = status in ("closed", "rated") and rng.random() < 0.1
            if callback and rng.random() < 0.7 and t + 5 * 24 * hour < now:
                cb_at = t + hour * rng.uniform(24, 120)
                ratings.append((rid, "callback", rng.choices(["satisfied", "partly", "not_satisfied"], [85, 10, 5])[0],
                                False, dispatchers.get("organizer"), "电话回访", cb_at))
                log.append(("callback", status, status, dispatchers.get("organizer"), "subdistrict", None, "电话回访",
                            cb_at, None, None, None))
            open_due = due if status not in ("closed", "rated", "declined", "merged", "parked") else None
            if open_due is not None and open_due < now:
                overdue_missed.append((open_due, status))
            for missed, missed_status in list(dict(overdue_missed).items())[:2]:
                if missed < now:
                    sups.append((rid, "overdue", missed_status or "reported", missed, team, "超时督办", missed))
            phone = _phone(rng)
            counts[status] += 1
            reqs.append((
                rid, cat, urgency, rng.choice(DESCRIPTIONS), org_id, grid_id, building_id, address, "{}", "", channel,
                uuid.UUID(int=rng.getrandbits(128), version=4), rng.choice(SURNAMES) + "女士", rng.choice(ciphers),
                mask_phone(phone), "", status, level, team if status not in ("reported", "accepted", "registered",
                                                                             "declined", "merged") else None,
                at, stamps["registered"], stamps["escalated"], stamps["handled"], stamps["closed"], open_due, False,
                resolution, False, verdicts["handled"], verdicts["closed"], bounce, rework, ext,
                (self.today + datetime.timedelta(days=rng.randint(-20, 90))) if status == "parked" else None,
                None, final_sat if status == "rated" else "", final_assisted if status == "rated" else False,
                callback, "", t))
            for action, frm, to, actor, role, team_id, note, tat, tdue, tover, tnew in log:
                trs.append((rid, action, frm, to, actor, "", role, team_id, note, tat, tdue, tover, tnew))
        say(f"  {len(reqs):,} requests, {len(trs):,} steps, {len(ratings):,} ratings, {len(sups):,} supervisions "
            "prepared; writing …")
        _copy(ServiceRequest, req_cols, reqs)
        _copy(RequestTransition, tr_cols, trs)
        _copy(RequestRating, rating_cols, ratings)
        _copy(Supervision, sup_cols, sups)
        _reset_sequences(ServiceRequest, RequestTransition, RequestRating, Supervision)
        self.facts.update(requests=ServiceRequest.objects.count(), transitions=RequestTransition.objects.count(),
                          ratings=RequestRating.objects.count(), supervisions=Supervision.objects.count(),
                          statuses=dict(sorted(counts.items(), key=lambda kv: -kv[1])))

    def _final(self, age: float) -> str:
        """Where a request filed ``age`` days ago stands now (likelier finished the older it is)."""
        rng = self.rng
        if age < 1:
            table = {"reported": 25, "accepted": 10, "registered": 15, "dispatched": 35, "handled": 8, "checked": 2,
                     "closed": 3, "declined": 1, "merged": 1}
        elif age < 7:
            table = {"reported": 2, "accepted": 2, "registered": 5, "dispatched": 30, "handled": 12, "checked": 6,
                     "closed": 18, "rated": 20, "parked": 1, "declined": 2, "merged": 2}
        elif age < 30:
            table = {"registered": 1, "dispatched": 8, "handled": 4, "checked": 2, "closed": 25, "rated": 54,
                     "parked": 2, "declined": 2, "merged": 2}
        else:
            table = {"dispatched": 1, "handled": 0.5, "closed": 28, "rated": 63, "parked": 2.5, "declined": 3,
                     "merged": 2}
        return rng.choices(list(table), list(table.values()))[0]

    def visits(self):
        from dangjian.grid.models import Building, GridVisit, Household

        rng = self.rng
        grid_of = dict(Building.objects.values_list("pk", "grid_id"))
        households = list(Household.objects.filter(active=True).values_list("pk", "building_id"))
        by_grid = defaultdict(list)
        for pk, building_id in households:
            by_grid[grid_of[building_id]].append((pk, building_id))
        names = {}
        for g, staff in self.grid_staff.items():
            names[g] = staff
        per_household = self.n_visits / max(1, len(households))
        days = DAYS

        def rows():
            for g, members in by_grid.items():
                staff = names.get(g) or [None]
                diligence = rng.uniform(0.6, 1.4)
                for pk, building_id in members:
                    n = int(per_household * diligence + rng.random())
                    for _ in range(n):
                        day = self.today - datetime.timedelta(days=int(days * rng.random()))
                        kind = rng.choice(("door", "door", "phone", "patrol"))
                        yield (g, building_id, pk, kind, day, staff[0], "网格员", rng.choice(VISIT_NOTES), self.now)
        n = _copy(GridVisit, ["grid_id", "building_id", "household_id", "kind", "visited_on", "visitor_id",
                              "visitor_name", "note", "created_at"], rows())
        self.facts["visits"] = GridVisit.objects.count()
        return n


def build(url: str, *, rebuild: bool) -> dict:
    """Make sure the database holds the data set (build it when missing or ``rebuild``)."""
    from django.core.management import call_command
    from django.db import connections, transaction

    from .run import Database

    db = Database(url)
    if db.exists() and not rebuild:
        call_command("migrate", verbosity=0)
        from dangjian.grid.models import Grid, ServiceRequest

        if Grid.objects.count() >= GRIDS and ServiceRequest.objects.count() >= REQUESTS:
            say(f"{db.name} holds the grid data set.")
            return {"source": "present"}
        say(f"{db.name} is incomplete; rebuilding.")
    db.recreate()
    facts = {"source": "built"}
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    facts["migrate_seconds"] = round(time.monotonic() - started)
    say(f"Migrated in {facts['migrate_seconds']} s; building the city demo …")
    from dangjian.core.demo import city
    from dangjian.grid.demo import build_demo

    lap = time.monotonic()
    city.build(scale="city", seed=SEED)
    build_demo(seed=SEED)
    facts["demo_seconds"] = round(time.monotonic() - lap)
    say(f"City demo and grid demo in {facts['demo_seconds']} s.")
    builder = Builder()
    for part in ("grids", "staff", "teams", "requests", "visits"):
        lap = time.monotonic()
        with transaction.atomic():
            getattr(builder, part)()
        facts[f"{part}_seconds"] = round(time.monotonic() - lap, 1)
        say(f"  {part}: {facts[f'{part}_seconds']} s")
    lap = time.monotonic()
    with connections["default"].cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    facts["analyze_seconds"] = round(time.monotonic() - lap)
    facts["bulk_seconds"] = round(sum(v for k, v in facts.items() if k.endswith("_seconds") and k not in (
        "migrate_seconds", "demo_seconds")))
    facts.update(builder.facts)
    say(f"Built in {time.monotonic() - started:,.0f} s: {builder.facts}")
    return facts


# --- measuring ----------------------------------------------------------------------------------

def cases():
    from dangjian.accounts.models import RoleAssignment
    from dangjian.organizations.models import Organization

    from .run import Case

    street = RoleAssignment.objects.select_related("organization").get(user__username="organizer").organization
    community = RoleAssignment.objects.select_related("organization").get(user__username="community").organization
    city = Organization.objects.get_root_nodes().get()
    from django.utils import timezone

    month = timezone.localdate().strftime("%Y-%m")
    last = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    return [
        Case("requests", "Requests list of the sub-district, page 1 with tab counts", "organizer", "/grid/requests/"),
        Case("requests-overdue", "Requests list, overdue tab", "organizer", "/grid/requests/?tab=overdue"),
        Case("requests-community", "Requests list of the community dispatcher", "community", "/grid/requests/"),
        Case("indicators", "Indicators page of the sub-district, last month", "organizer",
             f"/grid/indicators/?org={street.pk}&month={last}"),
        Case("indicators-by-grid", "Indicators page of the sub-district by grid, last month", "organizer",
             f"/grid/indicators/?org={street.pk}&month={last}&by=grid"),
        Case("api-indicators", "API: request indicators of the sub-district, last month", "organizer",
             f"/api/v1/request-indicators/?org={street.pk}&month={last}", api=True),
        Case("api-indicators-city", "API: request indicators of the whole city, last month", "city",
             f"/api/v1/request-indicators/?org={city.pk}&month={last}", api=True),
        Case("api-indicators-city-by", "API: indicators of the city by sub-district, this month", "city",
             f"/api/v1/request-indicators/?org={city.pk}&month={month}&by=subdistrict", api=True),
        Case("supervision", "Supervision page of the sub-district", "organizer", "/grid/supervision/"),
        Case("grids-community", "Grids of a community with this month's coverage", "community",
             f"/grid/grids/?org={community.pk}"),
        Case("grids-street", "Grids of the sub-district, page 1 (50), coverage per grid", "organizer",
             f"/grid/grids/?org={street.pk}"),
        Case("open311", "Open311 requests.json (default 90 days, ≤1000 rows)", "organizer",
             "/open311/v2/requests.json", api=True),
        Case("api-requests", "API: requests of the sub-district, page 1", "organizer",
             f"/api/v1/requests/?org={street.pk}", api=True),
    ]


def run_cases(url: str, *, repeat: int, only: set[str], jit: bool = False):
    from django.conf import settings

    from .run import Database, measure

    db = Database(url)
    out = Path(settings.VAR_DIR) / "bench" / "gridscale-queries"
    results = []
    with db.connect() as raw:
        raw.execute(f"SET jit = {'on' if jit else 'off'}")
        for case in cases():
            if only and case.key not in only:
                continue
            say(f"  {case.title}: {case.url}")
            results.append(measure(case, repeat=repeat, raw=raw, out_dir=out))
    return results


def fact_rows(url: str, facts: dict, repeat: int, *, jit: bool = False) -> list[tuple[str, str]]:
    import platform
    import subprocess

    from .run import Database, _cpu_model, _meminfo_gib

    db = Database(url)
    with db.connect() as conn:
        def one(sql, params=None):
            return conn.execute(sql, params).fetchone()[0]

        pg = one("SHOW server_version")
        settings = ", ".join(f"{n} {one(f'SHOW {n}')}" for n in ("shared_buffers", "work_mem", "jit_above_cost"))
        settings += ", jit " + ("on (the server's default)" if jit else "off (as the application's settings set it)")
        counts = {t: one(f"SELECT count(*) FROM {t}") for t in (
            "grid_grid", "grid_building", "grid_household", "grid_serviceteam", "grid_servicerequest",
            "grid_requesttransition", "grid_requestrating", "grid_gridvisit", "grid_supervision")}
        staff = one("SELECT count(*) FROM accounts_roleassignment WHERE grid_id IS NOT NULL")
        levels = dict(conn.execute("SELECT level, count(*) FROM grid_serviceteam GROUP BY level").fetchall())
        street = one("SELECT count(*) FROM grid_servicerequest r JOIN organizations_organization o ON "
                     "o.id = r.organization_id JOIN accounts_roleassignment a ON a.organization_id IS NOT NULL "
                     "JOIN accounts_user u ON u.id = a.user_id AND u.username = 'organizer' "
                     "JOIN organizations_organization s ON s.id = a.organization_id WHERE o.path LIKE s.path || '%%'")
        size = one("SELECT pg_size_pretty(pg_database_size(current_database()))")
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    built = ""
    if facts.get("source") == "built":
        built = (f"; built in {facts['migrate_seconds'] + facts['demo_seconds'] + facts['bulk_seconds']} s "
                 f"(migrations {facts['migrate_seconds']} s, city and grid demos {facts['demo_seconds']} s, "
                 f"bulk part {facts['bulk_seconds']} s)")
    return [
        ("Date", datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("Code", f"commit {commit} plus the working tree at the time"),
        ("Machine", f"{os.cpu_count()} CPUs ({_cpu_model()}), {_meminfo_gib()} RAM, Python {platform.python_version()}"),
        ("PostgreSQL", f"{pg} on the same machine; {settings}"),
        ("Data set", f"{counts['grid_grid']:,} grids, {counts['grid_building']:,} buildings, "
                     f"{counts['grid_household']:,} households, {staff:,} grid staff, "
                     f"{levels.get('subdistrict', 0)} sub-district and {levels.get('community', 0)} community teams, "
                     f"{counts['grid_servicerequest']:,} requests ({street:,} in 江滨街道), "
                     f"{counts['grid_requesttransition']:,} steps, {counts['grid_requestrating']:,} ratings, "
                     f"{counts['grid_supervision']:,} supervision notices, {counts['grid_gridvisit']:,} visits; "
                     f"database {size}{built}"),
        ("Repetitions", f"{repeat} per page after {WARMUP} warm-up requests; Django test client, DEBUG off"),
    ]


def report(results, rows) -> str:
    from .run import table

    lines = ["### Results", "", "| | |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    lines += ["", table(results), ""]
    notes = [r for r in results if r.note]
    if notes:
        lines += ["Not measured: " + "; ".join(f"{r.case.title} ({r.note})" for r in notes) + ".", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "10")))
    parser.add_argument("--rebuild", action="store_true", default=os.environ.get("BENCH_REBUILD") == "1")
    parser.add_argument("--data-only", action="store_true")
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--jit", choices=("on", "off"), default=os.environ.get("BENCH_JIT", "off"),
                        help="on: measure with PostgreSQL's JIT compilation on (the server's default; the "
                             "application's settings turn it off)")
    args = parser.parse_args(argv)
    jit = args.jit == "on"
    url = configure(jit=jit)
    facts = build(url, rebuild=args.rebuild)
    if args.data_only:
        return 0
    only = {k.strip() for k in args.only.split(",") if k.strip()}
    say(f"Measuring ({args.repeat} requests per page) …")
    results = run_cases(url, repeat=args.repeat, only=only, jit=jit)
    section = report(results, fact_rows(url, facts, args.repeat, jit=jit))
    say("\n" + section)
    if not args.no_docs and not only:
        from .run import write_docs

        write_docs(section, start=RESULTS_START, end=RESULTS_END)
        say(f"Written to {DOCS.relative_to(ROOT)}.")
    if results:
        worst = max((r for r in results if r.ok and r.bare),
                    key=lambda r: statistics.median(r.server) / statistics.median(r.bare), default=None)
        if worst:
            say(f"Highest ratio: {worst.case.key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
