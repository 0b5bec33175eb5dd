"""Recruitment files for the demo city's first communities, at every stage, so pages have records.

Loaded by ``seed_demo`` after the organizational life. Each branch follows a few people: a new
applicant whose talk is due, activists, a candidate with a public notice, probationary members,
now and then a full member or a stopped file. Dates count back from today and go through the
same services as the pages, so every rule is kept (some steps are left late on purpose).
"""
import datetime
import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.core.demo import people
from dangjian.core.rules import RuleBook
from dangjian.core.workdays import WorkCalendar
from dangjian.members.choices import MemberStatus
from dangjian.organizations.models import Organization

from . import services
from .choices import NoticeOutcome
from .pipeline import pipeline_for
from .selectors import step_window

WORK_UNITS = ["临江华信科技有限公司", "江滨国际商务大厦物业公司", "滨河社区居委会", "临江市第三中学", "江滨街道社区卫生服务中心",
              "临江顺达物流有限公司", "望江花园幼儿园", "临江市税务局江滨分局", "个体经营", "临江职业技术学院"]
JOBS = ["职员", "教师", "网格员", "工程师", "会计", "医生", "快递员", "社区专职工作者", "学生", "店主"]
# (last step, days since the application): the people each branch follows.
PLANS = [(1, 12), (2, 45), (6, 200), (6, 420), (12, 560), (17, 800), (21, 900), (25, 1400)]


def build_demo(*, seed: int = 1, communities=("滨河社区党委", "望江社区党委")) -> int:
    """Open recruitment files in the branches of the named communities; returns how many."""
    rng = random.Random(seed)
    today = timezone.localdate()
    calendar = WorkCalendar()
    branches = [b for name in communities for b in Organization.objects.get(name=name).subtree()
                .filter(org_type="branch").order_by("path")]
    opened = 0
    with transaction.atomic():
        for index, branch in enumerate(branches):
            retired = "离退休" in branch.name
            plans = PLANS[:2] if retired else rng.sample(PLANS, k=5)
            for last, days in plans:
                days = days + rng.randint(-10, 10)
                applicant = _open(rng, branch, applied_on=today - datetime.timedelta(days=days))
                if applicant is None:
                    continue
                opened += 1
                _walk(rng, applicant, last, calendar=calendar, today=today)
            if index % 3 == 1:
                stopped = _open(rng, branch, applied_on=today - datetime.timedelta(days=rng.randint(150, 300)))
                if stopped is not None:
                    opened += 1
                    _walk(rng, stopped, 3, calendar=calendar, today=today)
                    services.applicant_stop(actor=None, applicant=stopped, reason="本人工作调动，已离开本社区")
    return opened


def _open(rng, branch, *, applied_on):
    for _attempt in range(5):
        data = people.person(rng, born_from=1975, born_to=2004)
        data |= {"phone": people.phone(rng), "address": people.address(rng, "临江市江滨街道"),
                 "education": rng.choice(["undergraduate", "college", "postgraduate", "secondary"]),
                 "category": "employed", "work_unit": rng.choice(WORK_UNITS), "job": rng.choice(JOBS)}
        try:
            return services.applicant_create(actor=None, organization=branch, data=data, applied_on=applied_on,
                                             actors="支部书记")
        except ValidationError:
            continue  # a drawn ID number already in use, or too young on that day
    return None


def _walk(rng, applicant, last: int, *, calendar, today):
    """Record the steps after the application up to ``last``, each a few days after the earliest
    day the rules allow; stop at today."""
    branch = applicant.organization
    book = RuleBook(today)
    pipeline = pipeline_for(branch, book=book)
    community = Organization.objects.get_parent(branch)
    pool = list(branch.members.filter(status=MemberStatus.FULL, party_probation_until__isnull=True)
                .without_protected().order_by("pk"))
    if len(pool) < 4:
        return
    full = rng.sample(pool, 4)
    mentors, sponsors = full[:rng.choice((1, 2))], full[2:4]
    names = [m.name for m in full]
    dates = {n: s.done_on for n, s in ((s.number, s) for s in applicant.steps.all())}
    day = dates[1]
    for number in range(2, last + 1):
        step = pipeline.steps[number]
        day = day + datetime.timedelta(days=rng.randint(3, 12))
        earliest = step_window(pipeline, step, dates, extension_months=0, calendar=calendar)[0]
        if earliest and earliest.date > day:
            day = earliest.date + datetime.timedelta(days=rng.randint(0, 20))
        if number in pipeline.notices:
            if day > today:
                return
            notice = services.public_notice_start(actor=None, applicant=applicant, before_step=number, starts_on=day,
                                                  calendar=calendar)
            end = notice.ends_on
            if end >= today:
                return  # the notice is still running: the step waits for it
            services.public_notice_close(actor=None, notice=notice, outcome=NoticeOutcome.NO_OBJECTION, closed_on=end,
                                         calendar=calendar)
            day = end + datetime.timedelta(days=rng.randint(1, 5))
        if day > today:
            return
        extra = {"actors": "、".join(rng.sample(names, 2))}
        if step.upper_org:
            extra["approving_organization"] = community
        if step.code == "training":
            extra |= {"hours": 24, "training_days": 3, "actors": "街道党校发展对象培训班"}
        if step.code == "mentors_assigned":
            extra["contacts"] = mentors
        if step.code == "sponsors_assigned":
            extra["contacts"] = sponsors
        services.step_record(actor=None, applicant=applicant, number=number, done_on=day, calendar=calendar, **extra)
        dates[number] = day
