"""The volunteers section against hand-computed values, today and on an earlier day of the year.

A fresh community (测试志愿社区) holds one active team set up on 1 February 2026 and one inactive
team; three volunteers (one inactive); activities held on 15 February, 1 June and 1 November, one
cancelled on 1 July. Checked-out sign-ups: Feb 15 v1 2.0 h and v2 1.5 h, Jun 1 v1 3.0 h, Nov 1 v1 1.0 h.
"""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.organizations.choices import OrgType, UnitKind
from dangjian.organizations.services import organization_create
from dangjian.reports.figures import Scope, volunteers
from dangjian.volunteers.choices import ActivityStatus, SignUpStatus
from dangjian.volunteers.models import ActivityNeed, SignUp, Volunteer, VolunteerActivity, VolunteerTeam

DAY = datetime.date(2026, 10, 15)
EARLY = datetime.date(2026, 3, 1)


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


@pytest.fixture
def community(org):
    comm = organization_create(actor=None, parent=org["street"], name="测试志愿社区党委", code="RPT-VOL",
                               org_type=OrgType.COMMITTEE, unit_kind=UnitKind.COMMUNITY, on=datetime.date(2020, 1, 1))
    team = VolunteerTeam.objects.create(organization=comm, name="志愿一队", kind="service")
    VolunteerTeam.objects.filter(pk=team.pk).update(created_at=_at(datetime.date(2026, 2, 1)))
    VolunteerTeam.objects.create(organization=comm, name="已撤销队", kind="patrol", active=False)
    user = User.objects.create(username="rpt-vol-1", full_name="志愿甲")
    v1 = Volunteer.objects.create(team=team, user=user, name="志愿甲", joined_on=datetime.date(2026, 1, 10))
    v2 = Volunteer.objects.create(team=team, name="志愿乙", joined_on=datetime.date(2026, 5, 1))
    Volunteer.objects.create(team=team, name="志愿丙", joined_on=datetime.date(2026, 1, 1), active=False)

    def activity(day, status=ActivityStatus.HELD, done=()):
        a = VolunteerActivity.objects.create(team=team, title="活动", place="广场", date=day, start_time=datetime.time(8),
                                             end_time=datetime.time(12), status=status, checkin_code="123456")
        need = ActivityNeed.objects.create(activity=a, role="服务", start_time=datetime.time(8),
                                           end_time=datetime.time(12), quantity=5)
        for volunteer, hours in done:
            SignUp.objects.create(need=need, volunteer=volunteer, status=SignUpStatus.CHECKED_OUT, queued_at=_at(day),
                                  hours=Decimal(hours))
        return a

    activity(datetime.date(2026, 2, 15), done=[(v1, "2.0"), (v2, "1.5")])
    activity(datetime.date(2026, 6, 1), done=[(v1, "3.0")])
    activity(datetime.date(2026, 11, 1), done=[(v1, "1.0")])
    activity(datetime.date(2026, 7, 1), status=ActivityStatus.CANCELLED)
    return comm


def test_volunteer_figures_on_the_day(community):
    assert volunteers.compute(Scope(community, DAY)) == {
        "teams": 1, "teams_by_kind": {"service": 1, "patrol": 0, "home_visit": 0, "other": 0},
        "volunteers": 2, "activities_held": 2, "services": 3, "people_served": 2, "hours": "6.5",
    }


def test_volunteer_figures_earlier_in_the_year(community):
    answer = volunteers.compute(Scope(community, EARLY))
    assert answer["teams"] == 1 and answer["volunteers"] == 1
    assert (answer["activities_held"], answer["services"], answer["people_served"], answer["hours"]) == (1, 2, 2, "3.5")
    before = volunteers.compute(Scope(community, datetime.date(2026, 1, 20)))
    assert before["teams"] == 0 and before["volunteers"] == 1 and before["hours"] == "0.0"


def test_records_link_names_the_subtree_and_year(community):
    link = volunteers.SECTION.figure("hours").records(Scope(community, DAY), "")
    assert link == f"/volunteers/figures/?org={community.pk}&year=2026"


def test_city_in_a_constant_number_of_queries(org, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        volunteers.compute(Scope(org["city"], datetime.date(2026, 11, 20)))
