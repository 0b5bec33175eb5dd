"""Demo follow-up work in 滨河社区党委 (江滨街道): rectification tasks of its branches in every state
(one overdue) and a review round of its branches' secretaries with reports and ratings.

Needs the demo city and its personas. Idempotent: a second run adds nothing.
"""
import datetime
import random

from django.db import transaction
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.organizations.models import Organization

from .choices import RectificationAction, ReportGrade
from .models import Rectification, ReviewRound
from .services_followup import (
    rectification_open,
    rectification_transition,
    review_round_open,
    work_report_rate,
    work_report_submit,
)

COMMUNITY = "滨河社区党委"
TASKS = [
    ("“三会一课”记录不完整", "补齐本年度支部委员会、党小组会会议记录，规范签到。"),
    ("党员发展材料缺少公示记录", "补充发展对象公示情况说明并归档。"),
    ("党费收缴台账未按月更新", "按月登记党费收缴情况，核对欠缴党员名单。"),
    ("主题党日活动形式单一", "结合社区实际，组织一次志愿服务类主题党日。"),
]
# Where each task stops: open, open and overdue, submitted, closed (accepted after a return).
STAGES = ["open", "overdue", "submitted", "closed"]
REPORT = ("今年以来，支部认真落实“三会一课”、主题党日等组织生活制度，组织党员学习党的创新理论，"
          "开展志愿服务和结对帮扶，支部班子团结协作。不足之处是党员教育形式还不够丰富，下一步将加以改进。")


def _users():
    return {u.username: u for u in User.objects.filter(username__in=["community", "branch", "member", "organizer"])}


def build_demo(seed: int = 1) -> list:
    """Create the demo tasks and review round; returns what was created (empty if already there)."""
    rng = random.Random(seed)
    community = Organization.objects.filter(name=COMMUNITY).first()
    if community is None or ReviewRound.objects.filter(organization=community).exists():
        return []
    users = _users()
    community_user, branch_user = users.get("community"), users.get("branch")
    branches = list(Organization.objects.get_children(community).filter(status="active").order_by("path"))
    if not branches:
        return []
    today = timezone.localdate()
    created = []
    with transaction.atomic():
        for index, (title, description) in enumerate(TASKS):
            org = branches[index % len(branches)]
            stage = STAGES[index % len(STAGES)]
            task = rectification_open(actor=community_user, organization=org, title=title, description=description,
                                      deadline=today + datetime.timedelta(days=rng.randint(20, 60)))
            if stage == "overdue":  # a task whose deadline passed: the demo dates it back
                Rectification.objects.filter(pk=task.pk).update(deadline=today - datetime.timedelta(days=12))
            if stage in ("submitted", "closed") and branch_user is not None:
                actor = branch_user if org.name == "滨河社区第一党支部" else community_user
                task = rectification_transition(actor=actor, task=task, action=RectificationAction.SUBMIT,
                                                note="已按要求完成整改，相关材料已归档备查。")
                if stage == "closed":
                    task = rectification_transition(actor=community_user, task=task, action=RectificationAction.ACCEPT,
                                                    note="整改到位，同意销号。")
            created.append(task)
        round_ = review_round_open(actor=community_user, organization=community, year=today.year,
                                   title=f"{today.year}年度支部书记抓党建工作述职评议",
                                   rate_until=today + datetime.timedelta(days=14), organizations=branches)
        created.append(round_)
        for index, report in enumerate(round_.reports.select_related("round", "organization", "reporter")):
            if index % 3 == 2:
                continue  # some reports are not in yet
            work_report_submit(actor=community_user, report=report, text=REPORT)
            report.refresh_from_db()
            work_report_rate(actor=community_user, report=report,
                             grade=rng.choice([ReportGrade.GOOD, ReportGrade.FAIRLY_GOOD]), comment="工作扎实")
            member = users.get("member")
            if member is not None and report.organization.name == "滨河社区第一党支部":
                work_report_rate(actor=member, report=report, grade=ReportGrade.GOOD)
    return created
