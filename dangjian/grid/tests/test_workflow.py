"""The workflow engine's rules beyond the main line: who may take which step, deadlines in hours
and in years without calendar data, send-backs handing a request to the default team, and ratings."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.grid.choices import RequestStatus, Satisfaction, SupervisionReason
from dangjian.grid.models import Building, RequestCategory, ServiceTeam, Supervision
from dangjian.grid.workflow import TRANSITIONS, allowed_actions, request_file, request_transition

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


@pytest.fixture
def building():
    return Building.objects.filter(grid__name="滨河社区第1网格").order_by("pk").first()


def filed(personas, building, code="environment", when="2026-11-16T09:00", **kw):
    return request_file(actor=personas["grid"], channel="grid_worker", category=RequestCategory.objects.get(code=code),
                        building=building, description="测试诉求", at=at(when), **kw)


def walk(request, personas, steps, when="2026-11-16T10:00"):
    for action in steps:
        request = request_transition(request=request, action=action, actor=personas["community"], at=at(when))
    return request


def test_urgent_requests_run_on_clock_hours(personas, building):
    request = filed(personas, building, code="safety", urgency="urgent", when="2026-10-01T22:00")
    assert request.stage_due_at == at("2026-10-01T22:30")  # 30 minutes to accept, holiday or not
    request = walk(request, personas, ["accept", "register"], when="2026-10-01T22:10")
    assert request.resolution_due_at == at("2026-10-02T00:10")


def test_a_category_can_have_its_own_deadlines(personas, building):
    request = walk(filed(personas, building, code="water_power_gas", urgency="general"), personas,
                   ["accept", "register"])
    assert request.resolution_due_at == at("2026-11-17T10:00")  # 24 hours, not seven working days


def test_deadlines_in_a_year_without_calendar_data_are_provisional(personas, building):
    request = walk(filed(personas, building, when="2026-12-28T09:00"), personas, ["accept", "register"],
                   when="2026-12-28T10:00")
    assert request.resolution_due_provisional is True
    assert request.resolution_due_at.year == 2027


@pytest.fixture
def specific(org, personas):
    """A community team made for environment requests, led by the ``team`` persona."""
    team = ServiceTeam.objects.create(organization=org["community"], name="滨河物业协调组", level="community")
    team.categories.set([RequestCategory.objects.get(code="environment")])
    team.members.create(name="赵下沉", unit_kind="community", user=personas["team"])
    return team


def test_send_backs_hand_the_request_to_the_default_team(personas, building, specific):
    default = ServiceTeam.objects.get(name="滨河社区服务团队")
    request = walk(filed(personas, building), personas, ["accept", "register", "dispatch"])
    assert request.team == specific  # the team made for the category, before the default one
    for n in (1, 2):
        request = request_transition(request=request, action="send_back", actor=personas["team"], note="不归我们管",
                                     at=at("2026-11-16T11:00"))
        assert request.status == RequestStatus.REGISTERED and request.bounce_count == n and request.team is None
        request = request_transition(request=request, action="dispatch", actor=personas["community"], team=specific,
                                     at=at("2026-11-16T11:30"))
    # The third send-back reaches the limit (3): the default team owns it, with a supervision notice.
    request = request_transition(request=request, action="send_back", actor=personas["team"], note="还是不归我们管",
                                 at=at("2026-11-16T13:00"))
    assert request.status == RequestStatus.DISPATCHED and request.team == default and request.bounce_count == 3
    assert Supervision.objects.filter(request=request, reason=SupervisionReason.BOUNCED).exists()
    assert request.transitions.last().action == "dispatch" and request.transitions.last().actor_role == "system"


def test_owner_changes_count_and_past_the_limit_go_to_the_default_team(personas, building, specific, org):
    default = ServiceTeam.objects.get(name="滨河社区服务团队")
    other = ServiceTeam.objects.create(organization=org["community"], name="滨河城管联络组", level="community")
    request = walk(filed(personas, building), personas, ["accept", "register", "dispatch"])
    for team, count in ((other, 1), (specific, 2)):
        request = request_transition(request=request, action="dispatch", actor=personas["community"], team=team)
        assert request.team == team and request.bounce_count == count
    request = request_transition(request=request, action="dispatch", actor=personas["community"], team=other)
    assert request.bounce_count == 3 and request.team == default
    assert Supervision.objects.filter(request=request, reason=SupervisionReason.BOUNCED).exists()


def test_supervision_leaves_the_deadline_and_a_satisfied_request_is_not_redone(personas, building):
    request = filed(personas, building)
    due = request.stage_due_at
    request = request_transition(request=request, action="supervise", actor=personas["organizer"], note="请尽快受理",
                                 at=at("2026-11-18T09:00"))
    assert request.stage_due_at == due
    request = walk(request, personas, ["accept", "register", "dispatch"])
    for action in ("handle", "check", "close"):
        request = request_transition(request=request, action=action, actor=personas["community"], note="好了")
    request = request_transition(request=request, action="rate", actor=personas["grid"], satisfaction="satisfied")
    with pytest.raises(ValidationError):
        request_transition(request=request, action="redo", actor=personas["community"], note="再做一次")


def test_merge_stays_within_the_community(personas, building, org):
    request = filed(personas, building)
    elsewhere = Building.objects.filter(grid__organization__name="望江社区党委").first()
    other = filed(personas | {"grid": personas["organizer"]}, elsewhere)
    with pytest.raises(ValidationError):
        request_transition(request=request, action="merge", actor=personas["organizer"], into=other)


def test_call_back_sample_is_fixed_by_the_id():
    from dangjian.grid.workflow import sampled

    picks = [pk for pk in range(1, 10001) if sampled(pk, 0.1)]
    assert 900 < len(picks) < 1100 and picks == [pk for pk in range(1, 10001) if sampled(pk, 0.1)]


def test_each_capacity_takes_only_its_steps(personas, building):
    request = filed(personas, building)
    assert allowed_actions(personas["community"], request) == ["accept", "decline", "merge"]
    assert allowed_actions(personas["grid"], request) == []
    assert allowed_actions(personas["resident"], request) == []
    assert allowed_actions(personas["sibling"], request) == []
    with pytest.raises(PermissionDenied):
        request_transition(request=request, action="accept", actor=personas["sibling"])
    request = walk(request, personas, ["accept", "register", "dispatch"])
    assert set(allowed_actions(personas["team"], request)) == {"handle", "send_back", "escalate"}
    assert "supervise" in allowed_actions(personas["organizer"], request)
    with pytest.raises(ValidationError):
        request_transition(request=request, action="accept", actor=personas["community"])  # not from dispatched


def test_the_resident_rates_their_own_request_and_it_is_not_assisted(personas, building):
    request = request_file(actor=personas["resident"], channel="resident", building=building, description="路灯坏了",
                           category=RequestCategory.objects.get(code="public_facilities"), at=at("2026-11-16T08:00"))
    request = walk(request, personas, ["accept", "register", "dispatch"])
    for action in ("handle", "check", "close"):
        request = request_transition(request=request, action=action, actor=personas["community"], note="已修好",
                                     at=at("2026-11-17T09:00"))
    assert allowed_actions(personas["resident"], request) == ["rate"]
    request = request_transition(request=request, action="rate", actor=personas["resident"],
                                 satisfaction=Satisfaction.PARTLY)
    assert request.status == RequestStatus.RATED and request.rating_assisted is False


def test_decline_and_failed_check_need_reasons(personas, building):
    request = filed(personas, building)
    with pytest.raises(ValidationError):
        request_transition(request=request, action="decline", actor=personas["community"])
    request = request_transition(request=request, action="decline", actor=personas["community"], note="不属于社区事务")
    assert request.status == RequestStatus.DECLINED and not request.is_open


def test_the_table_names_every_step_once():
    assert {step.target for step in TRANSITIONS.values()} - {None} <= set(RequestStatus.values)
    assert all(step.sources for step in TRANSITIONS.values())


def test_provisional_deadlines_are_recomputed_when_the_year_is_loaded(personas, building,
                                                                       django_capture_on_commit_callbacks):
    from dangjian.core.workdays import calendar_year_replace

    request = walk(filed(personas, building, when="2026-12-28T09:00"), personas, ["accept", "register", "dispatch"],
                   when="2026-12-28T10:00")
    # Seven working days after Monday 28 December, counted without 2027's calendar: 29, 30, 31 Dec, 1, 4, 5, 6 Jan.
    assert request.resolution_due_at == at("2027-01-06T23:59:59") and request.resolution_due_provisional
    assert request.stage_due_at == request.resolution_due_at
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_replace(year=2027, source="test", days=[
            (datetime.date(2027, 1, d), "holiday", "元旦") for d in (1, 4)])  # a made-up New Year holiday
    request.refresh_from_db()
    # Now 1 and 4 January are holidays: 29, 30, 31 Dec, 5, 6, 7, 8 Jan.
    assert request.resolution_due_at == at("2027-01-08T23:59:59") and not request.resolution_due_provisional
    assert request.stage_due_at == request.resolution_due_at and not request.stage_due_provisional
