"""The DONE-WHEN test and the sign-up state machine: hours, team totals and community figures all
come from check-in/out, with no other entry."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.volunteers import selectors, services
from dangjian.volunteers.choices import ActivityStatus, SignUpStatus
from dangjian.volunteers.models import ActivityNeed, SignUp, SignUpTransition

from .factories import make_activity, make_team

DAY = datetime.date(2026, 11, 20)


def at(hour, minute=0, day=DAY):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_completed_hours_round_to_half_hours_and_are_capped():
    need = ActivityNeed(start_time=datetime.time(9), end_time=datetime.time(11))
    assert services.completed_hours(need, at(9), at(11)) == Decimal("2.0")
    assert services.completed_hours(need, at(9), at(10, 14)) == Decimal("1.0")
    assert services.completed_hours(need, at(9), at(10, 15)) == Decimal("1.5")
    assert services.completed_hours(need, at(8), at(15)) == Decimal("3.0")  # window 2 h + 1 h
    assert services.window_hours(datetime.time(9), datetime.time(11, 30)) == Decimal("2.5")


def test_fifteen_volunteers_give_hours_team_totals_and_community_figures(org, personas):
    leader = personas["community"]
    team = make_team(leader=leader)
    member = Member.objects.on_roll().filter(organization=org["branch"], user__isnull=True).order_by("pk").first()
    phones = []
    volunteers = [services.volunteer_add(actor=leader, team=team, member=member)]
    for i in range(1, 15):
        user = User.objects.create_user(username=f"vol{i}", password="x") if i <= 4 else None
        phone = f"1380000{i:04d}" if i % 3 == 0 else ""
        phones.append(phone)
        volunteers.append(services.volunteer_add(actor=leader, team=team, name=f"志愿者{i}", user=user, phone=phone))
    activity = make_activity(team, day=DAY, needs=[
        {"role": "引导", "start_time": datetime.time(9), "end_time": datetime.time(11), "quantity": 10},
        {"role": "清扫", "start_time": datetime.time(9), "end_time": datetime.time(12), "quantity": 5}])
    guide, sweep = activity.needs.order_by("id")
    signups = [services.signup_join(actor=v.user or leader, need=guide if i < 10 else sweep, volunteer=v)
               for i, v in enumerate(volunteers)]
    assert all(s.status == SignUpStatus.SIGNED_UP for s in signups)
    expected = {}
    for i, signup in enumerate(signups):
        volunteer = signup.volunteer
        start, end = (at(9), at(11, 10)) if i < 10 else (at(9, 5), at(12, 20))
        if i == 14:
            end = at(15)  # forgot to check out until the afternoon: capped at the window + 1 h
        if volunteer.user_id:  # on their phone, with the code
            services.checkin_by_code(actor=volunteer.user, code=activity.checkin_code, at=start)
            services.checkin_by_code(actor=volunteer.user, code=activity.checkin_code, at=end)
        else:  # by the leader
            services.signup_transition(actor=leader, signup=signup, to=SignUpStatus.CHECKED_IN, at=start)
            services.signup_transition(actor=leader, signup=signup, to=SignUpStatus.CHECKED_OUT, at=end)
        expected[volunteer.pk] = Decimal("2.0") if i < 10 else Decimal("4.0") if i == 14 else Decimal("3.5")
    services.activity_close(actor=leader, activity=activity)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.HELD

    ledger = {v.pk: v.hours for v in selectors.volunteer_ledger(team.volunteers.all(), 2026)}
    assert ledger == expected
    assert {s.pk: s.hours for s in SignUp.objects.filter(need__activity=activity)} == {
        s.pk: expected[s.volunteer_id] for s in signups}
    total = sum(expected.values())
    assert total == Decimal("38.0")
    assert selectors.team_totals(team, 2026) == {"hours": total, "services": 15, "people": 15, "activities": 1,
                                                 "volunteers": 15}
    for place in ("community", "street", "city"):
        figures = selectors.community_figures(org[place], 2026)
        assert (figures["people"], figures["activities"], figures["hours"]) == (15, 1, total)
    assert selectors.community_figures(org["branch"], 2026)["hours"] == 0  # the team is the community's
    assert selectors.community_figures(org["community"], 2025)["hours"] == 0
    assert selectors.member_service_hours(member, 2026) == Decimal("2.0")
    assert selectors.member_service_hours(member, 2025) == 0
    # Every status change is logged; each volunteer's phone is stored encrypted and shown masked.
    assert SignUpTransition.objects.filter(signup__need__activity=activity).count() == 45
    third = volunteers[3]
    assert third.phone_masked == "138****0003"
    assert AuditEntry.objects.filter(action="volunteer_signup.changed").count() == 45


def test_waiting_list_is_promoted_when_someone_cancels(personas):
    team = make_team()
    a, b, c = (services.volunteer_add(actor=None, team=team, name=n) for n in ("甲", "乙", "丙"))
    activity = make_activity(team, day=DAY, needs=[
        {"role": "陪护", "start_time": datetime.time(9), "end_time": datetime.time(10), "quantity": 1}])
    need = activity.needs.get()
    first = services.signup_join(actor=None, need=need, volunteer=a)
    second = services.signup_join(actor=None, need=need, volunteer=b)
    third = services.signup_join(actor=None, need=need, volunteer=c)
    assert (first.status, second.status, third.status) == ("signed_up", "waiting", "waiting")
    with pytest.raises(ValidationError):
        services.signup_join(actor=None, need=need, volunteer=b)
    services.signup_transition(actor=None, signup=first, to=SignUpStatus.CANCELLED)
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == ("signed_up", "waiting")
    log = list(second.transitions.values_list("from_status", "to_status"))
    assert log == [("", "waiting"), ("waiting", "signed_up")]
    # Not allowed by the table: checking out someone who never checked in.
    with pytest.raises(ValidationError):
        services.signup_transition(actor=None, signup=third, to=SignUpStatus.CHECKED_OUT, at=at(10))
    # Re-signing after cancelling goes to the back of the queue.
    again = services.signup_join(actor=None, need=need, volunteer=a)
    assert again.pk == first.pk and again.status == "waiting"
    services.activity_cancel(actor=None, activity=activity)
    assert set(SignUp.objects.filter(need=need).values_list("status", flat=True)) == {"cancelled"}


def test_code_check_in_only_for_own_sign_up_on_the_day(personas):
    team = make_team()
    user = User.objects.create_user(username="vol-code", password="x")
    volunteer = services.volunteer_add(actor=None, team=team, user=user)
    activity = make_activity(team, day=DAY)
    services.signup_join(actor=user, need=activity.needs.get(), volunteer=volunteer)
    with pytest.raises(ValidationError):
        services.checkin_by_code(actor=user, code="000000" if activity.checkin_code != "000000" else "111111",
                                 at=at(9))
    with pytest.raises(ValidationError):
        services.checkin_by_code(actor=user, code=activity.checkin_code, at=at(9, day=DAY + datetime.timedelta(1)))
    with pytest.raises(ValidationError):  # someone not signed up
        services.checkin_by_code(actor=personas["resident"], code=activity.checkin_code, at=at(9))
    signup = services.checkin_by_code(actor=user, code=activity.checkin_code, at=at(9))
    assert signup.status == "checked_in"


def test_activity_validation(db):
    team = make_team()
    with pytest.raises(ValidationError) as exc:
        make_activity(team, day=DAY, needs=[{"role": "x", "start_time": datetime.time(7),
                                             "end_time": datetime.time(9), "quantity": 1}])
    assert "needs" in exc.value.message_dict
