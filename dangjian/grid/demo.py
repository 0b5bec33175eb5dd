"""Demo grids, teams and requests for the sub-district of the demo city (江滨街道).

Every community of the sub-district gets grids of about a hundred households (滨河: three, the
others two), each with buildings, households and a worker; each community has a service team and
the sub-district has its own. The ``grid`` persona works the first grid of 滨河, the ``resident``
persona lives there. Requests are filed and moved through the workflow services, so their logs,
deadlines and verdicts are real.
"""
from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from dangjian.accounts.models import RoleAssignment, User
from dangjian.core.access import Role
from dangjian.core.pii import blind_index, mask_phone
from dangjian.organizations.models import Organization

from .choices import BuildingKind, Channel, HouseholdTag, Satisfaction, TeamLevel, TeamUnitKind, VisitKind
from .models import Building, Grid, GridVisit, Household, RequestCategory, ServiceTeam, TeamMember, encode_tags
from .workflow import request_file, request_transition

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
STREET = "中共临江市江滨街道工作委员会"
COMMUNITIES = ["滨河", "望江", "新华", "柳岸", "朝阳", "石化"]
COMPLAINTS = {
    "environment": ["3号楼楼道堆放杂物很久没人清理", "小区东门垃圾桶满了两天没清运", "绿化带里有积水发臭"],
    "public_facilities": ["小区路灯坏了好几盏，晚上很黑", "健身器材的单杠松动了，怕孩子受伤", "人行道地砖翘起来了"],
    "property": ["电梯经常停，老人上下楼很困难", "顶楼漏水，墙皮都泡坏了"],
    "noise": ["楼下商铺晚上放音乐到十一点", "隔壁装修周末一早就开始"],
    "parking": ["消防通道上总停着车", "电动车在楼道里充电"],
    "water_power_gas": ["整栋楼停水一天了", "暖气不热，屋里只有十五度"],
    "elderly_help": ["独居老人需要有人帮忙买菜", "老人想申请助浴服务"],
    "neighbor_dispute": ["楼上楼下因为漏水闹矛盾"],
    "safety": ["楼道里电线老化，有焦味"],
}


def _phone(rng) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


def _households(rng, building, count):
    rows = []
    per_floor = max(1, count // (building.floors or 6))
    for index in range(count):
        unit, floor, room = index // (per_floor * 6) + 1, index % 6 + 1, index // 6 % per_floor + 1
        phone = _phone(rng)
        tags = []
        if rng.random() < 0.06:
            tags.append(HouseholdTag.ELDERLY_ALONE)
        if rng.random() < 0.03:
            tags.append(HouseholdTag.DISABLED)
        if rng.random() < 0.03:
            tags.append(HouseholdTag.LOW_INCOME)
        rows.append(Household(
            building=building, room=f"{unit}-{floor}{room:02d}", size=rng.choice([1, 2, 2, 3, 3, 3, 4, 5]),
            contact_name=rng.choice(SURNAMES) + rng.choice(["先生", "女士", "阿姨", "师傅"]),
            contact_phone=phone, phone_hash=blind_index("phone", phone), phone_last4=phone[-4:],
            phone_masked=mask_phone(phone), tags=encode_tags(tags)))
    Household.objects.bulk_create(rows)


def _grid(rng, community: Organization, number: int, households: int, code: str, *, offset: int = 0) -> Grid:
    """A grid with its buildings of 24 households each; ``offset`` (the community's place in the
    sub-district) keeps the communities apart on the map."""
    grid = Grid.objects.create(organization=community, name=f"{community.name.removesuffix('党委')}第{number}网格",
                               code=code, description="约百户居民，网格长每周巡查一遍。")
    estate = rng.choice(["锦江花园", "滨江苑", "和平里", "幸福家园", "丽水湾", "翠柳小区"])
    per_building = 24
    for b in range(max(1, households // per_building)):
        building = Building.objects.create(
            grid=grid, name=f"{estate}{number * 10 + b + 1}号楼", address=f"江滨路{100 + number * 20 + b}号",
            kind=BuildingKind.RESIDENTIAL, floors=6,
            lat=round(30.5 + offset * 0.01 + number * 0.002 + b * 0.0003, 6),
            long=round(114.3 + offset * 0.01 + number * 0.002, 6))
        _households(rng, building, per_building)
    return grid


def _user(username, full_name) -> User:
    """The demo account (created with the personas, or here when they are not)."""
    from dangjian.core.demo.city import DEMO_PASSWORD

    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_password(DEMO_PASSWORD)
    user.full_name = full_name
    user.save()
    return user


def build_demo(*, seed: int = 1, today: datetime.date | None = None):
    """Grids, teams and requests of the demo sub-district (see the module's docstring)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    street = Organization.objects.get(name=STREET)
    categories = {c.code: c for c in RequestCategory.objects.all()}
    with transaction.atomic():
        subdistrict_team = ServiceTeam.objects.create(
            organization=street, name="江滨街道服务团队", level=TeamLevel.SUBDISTRICT, is_default=True,
            description="街道干部、职能科室和共建单位，解决社区团队解决不了的问题。")
        subdistrict_team.categories.set(categories.values())
        city_team = ServiceTeam.objects.create(
            organization=street, name="江滨街道城管执法队", level=TeamLevel.SUBDISTRICT,
            description="市容、占道和违章搭建。")
        city_team.categories.set([categories["parking"], categories["environment"], categories["noise"]])
        TeamMember.objects.bulk_create([
            TeamMember(team=subdistrict_team, name="周明", unit_kind=TeamUnitKind.SUBDISTRICT, unit_name="江滨街道办事处",
                       duty="副主任", is_leader=True),
            TeamMember(team=subdistrict_team, name="钱伟", unit_kind=TeamUnitKind.CO_BUILDING, unit_name="临江供电公司"),
            TeamMember(team=city_team, name="孙强", unit_kind=TeamUnitKind.CITY_MANAGEMENT, unit_name="江滨城管中队",
                       is_leader=True),
        ])
        grids = {}
        for c_index, name in enumerate(COMMUNITIES):
            community = Organization.objects.get(name=f"{name}社区党委")
            team = ServiceTeam.objects.create(
                organization=community, name=f"{name}社区服务团队", level=TeamLevel.COMMUNITY, is_default=True,
                description="街道下沉干部与派出所、学校、卫生站、城管组成。")
            team.categories.set(categories.values())
            TeamMember.objects.bulk_create([
                TeamMember(team=team, name=f"{rng.choice(SURNAMES)}华", unit_kind=TeamUnitKind.SUBDISTRICT,
                           unit_name="江滨街道办事处", duty="下沉干部", is_leader=True),
                TeamMember(team=team, name=f"{rng.choice(SURNAMES)}警官", unit_kind=TeamUnitKind.POLICE,
                           unit_name="江滨派出所", duty="社区民警"),
                TeamMember(team=team, name=f"{rng.choice(SURNAMES)}医生", unit_kind=TeamUnitKind.CLINIC,
                           unit_name="江滨社区卫生服务中心"),
                TeamMember(team=team, name=f"{rng.choice(SURNAMES)}老师", unit_kind=TeamUnitKind.SCHOOL,
                           unit_name="江滨小学"),
                TeamMember(team=team, name=f"{rng.choice(SURNAMES)}队员", unit_kind=TeamUnitKind.CITY_MANAGEMENT,
                           unit_name="江滨城管中队"),
            ])
            count = 3 if name == "滨河" else 2
            grids[name] = [_grid(rng, community, n + 1, 96 if name == "滨河" else 48, f"JB{c_index + 1:02d}{n + 1:02d}",
                                 offset=c_index)
                           for n in range(count)]
        first = grids["滨河"][0]
        worker = _user("grid", "王网格")
        RoleAssignment.objects.get_or_create(user=worker, role=Role.GRID_WORKER, organization=first.organization,
                                             grid=first)
        resident = _user("resident", "李居民")
        team_user = _user("team", "赵下沉")
        binhe_team = ServiceTeam.objects.get(name="滨河社区服务团队")
        TeamMember.objects.filter(team=binhe_team, is_leader=True).update(user=team_user, name=team_user.full_name)
        for community_grids in grids.values():
            for grid in community_grids:
                _visits(rng, grid, worker if grid == first else None, today)
        dispatcher = User.objects.filter(username="community").first()
        _requests(rng, grids["滨河"], categories, worker=worker, resident=resident, dispatcher=dispatcher,
                  team_user=team_user, today=today)


def _visits(rng, grid, worker, today):
    households = list(Household.objects.filter(building__grid=grid).order_by("pk"))
    visited = rng.sample(households, k=int(len(households) * rng.uniform(0.5, 0.9)))
    name = worker.full_name if worker else f"{rng.choice(SURNAMES)}网格员"
    GridVisit.objects.bulk_create([
        GridVisit(grid=grid, building=h.building, household=h, kind=rng.choice([VisitKind.DOOR, VisitKind.DOOR,
                                                                                 VisitKind.PHONE]),
                  visited_on=today - datetime.timedelta(days=rng.randint(0, 40)), visitor=worker, visitor_name=name,
                  note=rng.choice(["家中一切正常", "反映楼道灯不亮", "老人身体不错", "提醒注意用电安全", ""]))
        for h in visited])


def _at(today, days_ago, hour=9):
    return timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=days_ago),
                                                         datetime.time(hour, days_ago * 7 % 60)))


def _requests(rng, grids, categories, *, worker, resident, dispatcher, team_user, today):
    """Requests in every state, moved through the workflow as people would have done it."""
    plan = ["rated", "rated", "rated", "rated_bad", "closed", "closed", "checked", "handled", "dispatched",
            "dispatched", "dispatched_late", "escalated", "registered", "reported", "reported", "parked",
            "sent_back", "rated", "rated", "closed"]
    for index, end in enumerate(plan):
        code = rng.choice(list(COMPLAINTS))
        grid = grids[index % len(grids)]
        building = rng.choice(list(grid.buildings.all()))
        days_ago = 30 - index if end not in ("reported", "registered") else rng.randint(0, 1)
        if end == "dispatched_late":
            days_ago = 25
        start = _at(today, days_ago)
        by_resident = index % 4 == 0 and grid == grids[0]
        request = request_file(
            actor=resident if by_resident else worker if grid == grids[0] else dispatcher,
            channel=Channel.RESIDENT if by_resident else Channel.GRID_WORKER if grid == grids[0] else Channel.WALK_IN,
            category=categories[code], description=rng.choice(COMPLAINTS[code]), building=building,
            contact_name=rng.choice(SURNAMES) + "女士", contact_phone=_phone(rng), at=start)
        if end == "reported":
            continue
        hours = iter(range(1, 400, 3))

        def step(action, actor=dispatcher, request=request, start=start, hours=hours, **params):
            request_transition(request=request, action=action, actor=actor,
                               at=start + datetime.timedelta(hours=next(hours)), **params)

        step("accept")
        step("register")
        if end == "registered":
            continue
        if end == "parked":
            step("park", note="需要列入明年老旧小区改造计划", until=today + datetime.timedelta(days=90))
            continue
        step("dispatch")
        if end == "sent_back":
            step("send_back", actor=team_user, note="不属于本团队职责，需物业公司处理")
            continue
        if end in ("dispatched", "dispatched_late"):
            continue
        if end == "escalated":
            step("escalate", note="涉及多个部门，社区协调不了")
            continue
        step("handle", actor=team_user, note="已现场处理，拍照留存")
        if end == "handled":
            continue
        step("check")
        if end == "checked":
            continue
        step("close")
        if end == "closed":
            continue
        satisfaction = Satisfaction.NOT_SATISFIED if end == "rated_bad" else rng.choice(
            [Satisfaction.SATISFIED, Satisfaction.SATISFIED, Satisfaction.PARTLY])
        rater = resident if request.reporter_id == resident.pk else worker
        if request.grid_id != grids[0].pk and rater == worker:
            continue
        step("rate", actor=rater, satisfaction=satisfaction)
