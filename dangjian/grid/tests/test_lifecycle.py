"""One request through every side step, on the official calendar around the 2026 National Day
holiday (1–7 October off, Saturday 10 October a make-up workday): the log, each deadline and
each frozen overdue verdict."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.grid.choices import ActorRole, RatingKind, RequestStatus, Satisfaction, SupervisionReason, TeamLevel
from dangjian.grid.models import Building, Grid, RequestCategory, ServiceTeam, Supervision
from dangjian.grid.supervision import supervise_overdue
from dangjian.grid.workflow import request_file, request_transition

pytestmark = pytest.mark.django_db


def at(day: str, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"2026-{day}T{hour:02d}:{minute:02d}"))


def end_of(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"2026-{day}T23:59:59"))


@pytest.fixture
def place(org, personas):
    from dangjian.accounts.models import RoleAssignment
    from dangjian.core.access import Role

    grid = Grid.objects.create(organization=org["community"], name="测试网格", code="TEST01")
    building = Building.objects.create(grid=grid, name="测试小区1号楼", address="江滨路1号")
    RoleAssignment.objects.create(user=personas["grid"], role=Role.GRID_WORKER, organization=org["community"],
                                  grid=grid)
    return building


def test_one_request_through_every_side_step(place, personas):
    environment = RequestCategory.objects.get(code="environment")
    community, team, grid, organizer = (personas[k] for k in ("community", "team", "grid", "organizer"))

    def step(request, action, actor, when, **params):
        return request_transition(request=request, action=action, actor=actor, at=when, **params)

    request = request_file(actor=grid, channel="grid_worker", category=environment, building=place,
                           description="楼道堆放杂物", contact_name="张女士", contact_phone="13912345678",
                           at=at("09-29"))
    assert request.status == RequestStatus.REPORTED and request.stage_due_at == end_of("09-30")
    assert request.phone_masked == "139****5678" and request.address == "江滨路1号"

    duplicate = request_file(actor=grid, channel="grid_worker", category=environment, building=place,
                             description="楼道里杂物没人管", at=at("09-29", 9, 30))
    step(request, "accept", community, at("09-29", 10))
    step(duplicate, "merge", community, at("09-29", 10, 30), into=request)
    duplicate.refresh_from_db()
    assert duplicate.status == RequestStatus.MERGED and duplicate.merged_into == request

    request = step(request, "register", community, at("09-29", 11))
    # Seven working days after Tuesday 29 September: 30 Sep, 8, 9, 10 (make-up Saturday), 12, 13, 14 Oct.
    assert request.resolution_due_at == end_of("10-14")
    assert request.stage_due_at == end_of("09-30")

    # The dispatch deadline passes over the holiday: supervised once, with a notice.
    assert supervise_overdue(now=at("10-01")) == 1
    assert supervise_overdue(now=at("10-02")) == 0
    assert Supervision.objects.get(request=request).reason == SupervisionReason.OVERDUE

    with pytest.raises(PermissionDenied):
        step(request, "dispatch", team, at("10-08"))  # the team does not dispatch
    request = step(request, "dispatch", community, at("10-08"), expected_status="registered")
    binhe_team = ServiceTeam.objects.get(name="滨河社区服务团队")
    assert request.team == binhe_team and request.stage_due_at == end_of("10-14")

    with pytest.raises(ValidationError):
        step(request, "send_back", team, at("10-08", 10))  # a reason is required
    request = step(request, "send_back", team, at("10-08", 10), note="不是本团队职责")
    assert request.status == RequestStatus.REGISTERED and request.bounce_count == 1 and request.team is None
    assert request.stage_due_at == end_of("10-09")
    request = step(request, "dispatch", community, at("10-08", 11))

    request = step(request, "extend", community, at("10-09"), note="需协调物业", days=3)
    assert request.resolution_due_at == end_of("10-19") and request.extension_count == 1

    request = step(request, "park", community, at("10-09", 10), note="等待维修资金",
                   until=datetime.date(2026, 11, 1))
    assert request.status == RequestStatus.PARKED and request.stage_due_at is None
    request = step(request, "resume", community, at("10-12"))
    assert request.resolution_due_at == end_of("10-21")

    with pytest.raises(ValidationError):
        step(request, "escalate", community, at("10-12", 10))  # the reason is required
    request = step(request, "escalate", community, at("10-12", 10), note="社区协调不了，需要城管执法")
    assert request.level == TeamLevel.SUBDISTRICT and request.team.name == "江滨街道城管执法队"
    assert request.resolution_due_at == end_of("10-21")
    with pytest.raises(PermissionDenied):
        step(request, "extend", community, at("10-12", 11), note="再延", days=2)  # now the sub-district steers

    step(request, "supervise", organizer, at("10-13"), note="请加快办理")
    request = step(request, "handle", organizer, at("10-20"), note="已清理")
    assert request.handled_on_time is True and request.stage_due_at == end_of("10-22")
    step(request, "check", organizer, at("10-20", 10))
    request = step(request, "close", organizer, at("10-20", 11))
    assert request.closed_on_time is True and request.stage_due_at is None

    request = step(request, "rate", grid, at("10-21"), satisfaction=Satisfaction.NOT_SATISFIED, note="又堆上了")
    assert request.status == RequestStatus.DISPATCHED and request.rework_count == 1
    assert request.stage_due_at == end_of("10-28")  # five working days to redo
    request = step(request, "handle", organizer, at("10-29"), note="已清理并张贴告示")
    step(request, "check", organizer, at("10-29", 10))
    request = step(request, "close", organizer, at("10-29", 11))
    assert request.closed_on_time is True  # the verdict of the first closing stays
    request = step(request, "rate", grid, at("10-30"), satisfaction=Satisfaction.SATISFIED)
    assert request.status == RequestStatus.RATED and request.rating_assisted is True
    step(request, "callback", organizer, at("11-02"), satisfaction=Satisfaction.PARTLY, note="电话回访")
    assert [(r.kind, r.satisfaction, r.assisted) for r in request.ratings.all()] == [
        (RatingKind.FIRST, Satisfaction.NOT_SATISFIED, True), (RatingKind.FIRST, Satisfaction.SATISFIED, True),
        (RatingKind.CALLBACK, Satisfaction.PARTLY, False)]

    log = [(t.action, t.from_status, t.to_status, t.actor_role, t.overdue) for t in request.transitions.all()]
    assert log == [
        ("file", "", "reported", ActorRole.GRID_WORKER, None),
        ("accept", "reported", "accepted", ActorRole.DISPATCHER, False),
        ("merge", "accepted", "accepted", ActorRole.DISPATCHER, None),
        ("register", "accepted", "registered", ActorRole.DISPATCHER, False),
        ("supervise", "registered", "registered", ActorRole.SYSTEM, True),
        ("dispatch", "registered", "dispatched", ActorRole.DISPATCHER, True),  # 8 Oct, due 30 Sep
        ("send_back", "dispatched", "registered", ActorRole.TEAM, False),
        ("dispatch", "registered", "dispatched", ActorRole.DISPATCHER, False),
        ("extend", "dispatched", "dispatched", ActorRole.DISPATCHER, False),
        ("park", "dispatched", "parked", ActorRole.DISPATCHER, False),
        ("resume", "parked", "dispatched", ActorRole.DISPATCHER, None),
        ("escalate", "dispatched", "dispatched", ActorRole.DISPATCHER, False),
        ("supervise", "dispatched", "dispatched", ActorRole.SUBDISTRICT, False),
        ("handle", "dispatched", "handled", ActorRole.SUBDISTRICT, False),
        ("check", "handled", "checked", ActorRole.SUBDISTRICT, False),
        ("close", "checked", "closed", ActorRole.SUBDISTRICT, False),
        ("rate", "closed", "rated", ActorRole.GRID_WORKER, None),
        ("redo", "rated", "dispatched", ActorRole.SYSTEM, None),
        ("handle", "dispatched", "handled", ActorRole.SUBDISTRICT, True),  # 29 Oct, due 28 Oct
        ("check", "handled", "checked", ActorRole.SUBDISTRICT, False),
        ("close", "checked", "closed", ActorRole.SUBDISTRICT, False),
        ("rate", "closed", "rated", ActorRole.GRID_WORKER, None),
        ("callback", "rated", "rated", ActorRole.SUBDISTRICT, None),
    ]
