"""Volunteering objects for tests, in 滨河社区党委's subtree."""
import datetime

from dangjian.organizations.models import Organization
from dangjian.volunteers import services


def community():
    return Organization.objects.get(name="滨河社区党委")


def make_team(*, leader=None, name="滨河先锋志愿服务队"):
    return services.team_create(actor=None, organization=community(), name=name, kind="service", leader=leader)


def make_activity(team, *, day: datetime.date, needs=None, title="清洁家园"):
    needs = needs or [{"role": "清扫", "start_time": datetime.time(9), "end_time": datetime.time(11), "quantity": 5}]
    return services.activity_create(actor=None, team=team, title=title, place="滨河社区广场", date=day,
                                    start_time=datetime.time(8, 30), end_time=datetime.time(12), needs=needs)


def matrix_samples(personas):
    """A team of 滨河社区党委 (the ``team``/``resident`` personas are not on it), one activity, one sign-up."""
    team = make_team(name="矩阵志愿队")
    volunteer = services.volunteer_add(actor=None, team=team, name="矩阵志愿者")
    activity = make_activity(team, day=datetime.date(2026, 11, 20))
    signup = services.signup_join(actor=None, need=activity.needs.first(), volunteer=volunteer)
    return {"volunteer_team": team, "volunteer_activity": activity, "volunteer_signup": signup}
