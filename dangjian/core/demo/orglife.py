"""A year of organizational life for the demo city's first communities, so pages have records.

Loaded by ``seed_demo`` (not by the test fixtures, whose expectations start from no meetings).
Some meetings are skipped on purpose so that compliance shows gaps to follow up.
"""
import datetime
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from dangjian.organizations.models import Organization
from dangjian.orglife.choices import AttendanceStatus, MeetingKind
from dangjian.orglife.services import meeting_plan, meeting_record

TOPICS = {
    MeetingKind.THEME_DAY: ["学习党的创新理论", "重温入党誓词", "楼道环境整治志愿服务", "走访困难党员", "学习身边榜样",
                            "垃圾分类宣传", "学习新修订的条例", "关爱孤寡老人", "文明创建", "防诈骗宣传"],
    MeetingKind.BRANCH_GENERAL_MEETING: ["讨论发展党员工作", "通报支部工作", "研究志愿服务安排", "民主评议动员"],
    MeetingKind.COMMITTEE_MEETING: ["研究本月工作安排"],
    MeetingKind.PARTY_LECTURE: ["书记讲党课：做合格党员", "党课：基层治理中的党员作用"],
}
LEAVE_REASONS = ["外出务工", "身体不适", "照顾家人", "出差"]


def build_orglife(*, seed: int = 1, communities=("滨河社区党委", "望江社区党委")):
    """Hold this year's meetings so far for the branches of the named communities."""
    rng = random.Random(seed)
    tz = ZoneInfo("Asia/Shanghai")
    today = timezone.localdate()
    branches = [b for name in communities for b in Organization.objects.get(name=name).subtree()
                .filter(org_type="branch")]
    with transaction.atomic():
        for branch in branches:
            for month in range(1, today.month):
                plan = [MeetingKind.THEME_DAY] if rng.random() < 0.85 else []
                if month % 3 == 0:
                    plan.append(MeetingKind.BRANCH_GENERAL_MEETING)
                if month in (3, 6) and rng.random() < 0.8:
                    plan.append(MeetingKind.PARTY_LECTURE)
                if branch.posts.filter(kind__code="deputy_secretary").exists() and rng.random() < 0.7:
                    plan.append(MeetingKind.COMMITTEE_MEETING)
                for kind in plan:
                    _hold(rng, branch, kind, datetime.datetime(today.year, month, rng.randint(3, 25), 9, tzinfo=tz))


def _hold(rng, branch, kind, when):
    meeting = meeting_plan(actor=None, organization=branch, kind=kind, topic=rng.choice(TOPICS[kind]), starts_at=when,
                           place="社区党群服务中心")
    attendance = {}
    for row in meeting.attendances.all():
        roll = rng.random()
        if roll < 0.82:
            attendance[row.member_id] = (AttendanceStatus.PRESENT, "")
        elif roll < 0.95:
            attendance[row.member_id] = (AttendanceStatus.LEAVE, rng.choice(LEAVE_REASONS))
        else:
            attendance[row.member_id] = (AttendanceStatus.ABSENT, "")
    meeting_record(actor=None, meeting=meeting, attendance=attendance,
                   minutes="书记传达上级精神，党员结合实际交流发言，支部作出安排。")
