"""The grid section against hand-computed values, on 15 October 2026 and on 1 March 2026.

A fresh community (测试网格社区) with one grid set up 5 Jan 2026, two households living there and one
that moved away, a grid worker since 5 Jan and a grid leader since 1 Jun. Urgent requests (deadlines
in clock hours: solve within 2 hours of registration or escalation):

R1  Feb 10  registered 09:10, closed 09:50 (on time), rated satisfied 10:00
R2  Oct 1   registered 09:10 (solve by 11:10), dispatched, still open: overdue
R3  Oct 2   dispatched, escalated 09:20 to the sub-district (solve by 11:20), closed 10:30 (on time)
R4  Nov 1   filed after the day

Visits in October: household 1 on 3 Oct, household 2 on 20 Oct, the household that moved on 5 Oct.
"""
import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.models import RoleAssignment, User
from dangjian.core.access import Role
from dangjian.grid.choices import Channel, Satisfaction, TeamLevel, TeamUnitKind, Urgency
from dangjian.grid.models import Building, Grid, GridVisit, Household, RequestCategory, ServiceTeam, TeamMember
from dangjian.grid.workflow import request_file, request_transition
from dangjian.organizations.choices import OrgType, UnitKind
from dangjian.organizations.services import organization_create
from dangjian.reports.figures import Scope, grid

DAY = datetime.date(2026, 10, 15)
EARLY = datetime.date(2026, 3, 1)


def at(month, day, hour, minute=0):
    return timezone.make_aware(datetime.datetime(2026, month, day, hour, minute))


@pytest.fixture
def community(org, personas):
    dispatcher = personas["organizer"]
    comm = organization_create(actor=None, parent=org["street"], name="测试网格社区党委", code="RPT-GRID",
                               org_type=OrgType.COMMITTEE, unit_kind=UnitKind.COMMUNITY, short_name="测试网格社区",
                               on=datetime.date(2020, 1, 1))
    g = Grid.objects.create(organization=comm, name="测试网格社区第1网格", code="RPTGRID01")
    Grid.objects.create(organization=comm, name="已撤销网格", code="RPTGRID02", active=False)
    building = Building.objects.create(grid=g, name="测试1号楼", address="测试路1号")
    homes = [Household.objects.create(building=building, room=f"1-10{n}") for n in (1, 2)]
    gone = Household.objects.create(building=building, room="1-103", active=False)
    Grid.objects.filter(pk=g.pk).update(created_at=at(1, 5, 9))
    Household.objects.filter(building=building).update(created_at=at(1, 5, 9))
    worker = User.objects.create(username="rpt-grid-worker")
    leader = User.objects.create(username="rpt-grid-leader")
    RoleAssignment.objects.create(user=worker, role=Role.GRID_WORKER, organization=comm, grid=g)
    RoleAssignment.objects.create(user=leader, role=Role.GRID_LEADER, organization=comm, grid=g)
    RoleAssignment.objects.filter(user=worker).update(granted_at=at(1, 5, 9))
    RoleAssignment.objects.filter(user=leader).update(granted_at=at(6, 1, 9))
    team = ServiceTeam.objects.create(organization=comm, name="测试服务团队", level=TeamLevel.COMMUNITY, is_default=True)
    team.categories.set(RequestCategory.objects.all())
    TeamMember.objects.create(team=team, name="队长", unit_kind=TeamUnitKind.SUBDISTRICT, is_leader=True)
    resident = User.objects.create(username="rpt-grid-resident")
    category = RequestCategory.objects.get(code="environment")
    for home, day in ((homes[0], datetime.date(2026, 10, 3)), (homes[1], datetime.date(2026, 10, 20)),
                      (gone, datetime.date(2026, 10, 5))):
        GridVisit.objects.create(grid=g, building=building, household=home, visited_on=day, visitor_name="网格员")

    def file(when, by_resident=False):
        return request_file(actor=resident if by_resident else dispatcher,
                            channel=Channel.RESIDENT if by_resident else Channel.WALK_IN, category=category,
                            description="楼道堆物", building=building, urgency=Urgency.URGENT, at=when)

    def step(request, action, when, actor=dispatcher, **params):
        params.setdefault("note", "处理说明")
        return request_transition(request=request, action=action, actor=actor, at=when, **params)

    def start(request, month, day):
        step(request, "accept", at(month, day, 9, 5))
        step(request, "register", at(month, day, 9, 10))
        step(request, "dispatch", at(month, day, 9, 15))
        return request

    r1 = start(file(at(2, 10, 9), by_resident=True), 2, 10)
    step(r1, "handle", at(2, 10, 9, 30))
    step(r1, "check", at(2, 10, 9, 40))
    step(r1, "close", at(2, 10, 9, 50))
    step(r1, "rate", at(2, 10, 10), actor=resident, satisfaction=Satisfaction.SATISFIED)
    start(file(at(10, 1, 9)), 10, 1)
    r3 = start(file(at(10, 2, 9)), 10, 2)
    step(r3, "escalate", at(10, 2, 9, 20), note="需要街道协调")
    step(r3, "handle", at(10, 2, 10))
    step(r3, "check", at(10, 2, 10, 10))
    step(r3, "close", at(10, 2, 10, 30))
    start(file(at(11, 1, 9)), 11, 1)
    return comm


def test_grid_figures_on_the_day(community):
    answer = grid.compute(Scope(community, DAY))
    assert (answer["grids"], answer["households"], answer["staff"]) == (1, 2, 2)
    assert answer["staff_by_role"] == {"grid_leader": 1, "grid_worker": 1}
    requests = answer["requests"]
    assert {k: v for k, v in requests["by_status"].items() if v} == {"rated": 1, "dispatched": 1, "closed": 1}
    assert (requests["filed"], requests["open"], requests["closed"], requests["escalated"],
            requests["overdue_open"]) == (3, 1, 2, 1, 1)
    assert (requests["due"], requests["closed_on_time"], requests["on_time_closure_rate"]) == (3, 2, "66.67")
    assert (requests["rated"], requests["satisfied"], requests["satisfaction_rate"]) == (1, 1, "100.00")
    assert answer["patrol"] == {"visited": 1, "households": 2, "rate": "50.00"}


def test_grid_figures_earlier_in_the_year(community):
    answer = grid.compute(Scope(community, EARLY))
    assert (answer["grids"], answer["households"], answer["staff"]) == (1, 2, 1)
    requests = answer["requests"]
    assert {k: v for k, v in requests["by_status"].items() if v} == {"rated": 1}
    assert (requests["filed"], requests["open"], requests["closed"], requests["escalated"]) == (1, 0, 1, 0)
    assert (requests["due"], requests["closed_on_time"], requests["rated"]) == (1, 1, 1)
    assert answer["patrol"] == {"visited": 0, "households": 2, "rate": "0.00"}
    # Before the grid was set up, it is not counted; the request of 10 Feb was then still to come.
    january = grid.compute(Scope(community, datetime.date(2026, 1, 4)))
    assert (january["grids"], january["requests"]["filed"]) == (0, 0)


def test_status_on_a_day_is_read_from_the_log(community):
    answer = grid.compute(Scope(community, datetime.date(2026, 10, 1)))
    assert answer["requests"]["by_status"]["dispatched"] == 1 and answer["requests"]["filed"] == 2


def test_city_in_a_constant_number_of_queries(org, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        grid.compute(Scope(org["city"], datetime.date(2026, 11, 20)))
