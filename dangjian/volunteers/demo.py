"""Demo volunteering for 江滨街道/滨河社区: two teams, a held activity with check-in/out (so hours,
team totals and community figures show), a planned one open for sign-up, a commendation."""
import datetime
import random

from django.db import transaction
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from . import services
from .choices import SignUpStatus
from .models import VolunteerTeam

NAMES = ["张秀英", "李桂兰", "王建国", "刘志强", "陈美华", "杨振华", "赵淑珍", "黄国庆", "周丽娟", "吴德明"]


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def build_demo(*, seed: int = 1, today: datetime.date | None = None) -> None:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    community = Organization.objects.filter(name="滨河社区党委").first()
    if community is None or VolunteerTeam.objects.filter(organization=community).exists():
        return
    secretary = User.objects.filter(username="community").first()
    with transaction.atomic():
        team = services.team_create(actor=secretary, organization=community, name="滨河先锋志愿服务队",
                                    kind="service", leader=secretary, description="党员带头，居民参与，常态化开展社区服务。")
        services.team_create(actor=secretary, organization=community, name="滨河平安巡逻队", kind="patrol",
                             leader=secretary)
        volunteers = []
        members = Member.objects.on_roll().filter(organization__path__startswith=community.path).order_by("pk")[:5]
        for member in members:
            volunteers.append(services.volunteer_add(actor=secretary, team=team, member=member,
                                                     joined_on=today - datetime.timedelta(days=200)))
        for user in User.objects.filter(username__in=["resident", "member"]).order_by("username"):
            if not team.volunteers.filter(user=user).exists():
                volunteers.append(services.volunteer_add(actor=secretary, team=team, user=user))
        for name in NAMES[:6]:
            volunteers.append(services.volunteer_add(actor=secretary, team=team, name=name,
                                                     phone=f"139{rng.randrange(10**8):08d}"))
        held_day = today - datetime.timedelta(days=14)
        held = services.activity_create(
            actor=secretary, team=team, title="清洁家园 美化社区", place="滨河社区中心广场", date=held_day,
            start_time=datetime.time(8, 30), end_time=datetime.time(11, 30), needs=[
                {"role": "清扫", "start_time": datetime.time(8, 30), "end_time": datetime.time(11), "quantity": 8},
                {"role": "宣传引导", "start_time": datetime.time(9), "end_time": datetime.time(11, 30), "quantity": 4}])
        cleaning, guiding = held.needs.order_by("id")
        for i, volunteer in enumerate(volunteers):
            signup = services.signup_join(actor=secretary, need=cleaning if i < 8 else guiding, volunteer=volunteer)
            if i == len(volunteers) - 1:
                continue  # did not come
            start = signup.need.start_time
            services.signup_transition(actor=secretary, signup=signup, to=SignUpStatus.CHECKED_IN,
                                       at=_at(held_day, start.hour, start.minute + rng.randrange(0, 10)))
            services.signup_transition(actor=secretary, signup=signup, to=SignUpStatus.CHECKED_OUT,
                                       at=_at(held_day, signup.need.end_time.hour, rng.randrange(0, 40)))
        services.activity_close(actor=secretary, activity=held)
        planned = services.activity_create(
            actor=secretary, team=team, title="爱心义剪进社区", place="滨河社区党群服务中心",
            date=today + datetime.timedelta(days=5), start_time=datetime.time(9), end_time=datetime.time(11),
            needs=[{"role": "理发", "start_time": datetime.time(9), "end_time": datetime.time(11), "quantity": 3},
                   {"role": "秩序维护", "start_time": datetime.time(9), "end_time": datetime.time(10), "quantity": 2}])
        for volunteer in volunteers[:4]:
            services.signup_join(actor=secretary, need=planned.needs.order_by("id").first(), volunteer=volunteer)
        services.commendation_give(actor=secretary, volunteer=volunteers[0], reason="年度优秀志愿者",
                                   given_on=today - datetime.timedelta(days=3), given_by="滨河社区党委")
