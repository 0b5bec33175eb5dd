"""Demo weekday themes (主题工作法) for two communities of 江滨街道: 滨河社区党委 and 望江社区党委 each keep a
five-theme plan with standing tasks, day tasks for this week, and about fifteen logs of the last two
weeks by the community secretary and a committee member. Skips a community that already has a plan."""
import datetime

from django.db import transaction

from dangjian.accounts.models import User
from dangjian.accounts.services import role_grant
from dangjian.core.access import Role
from dangjian.organizations.models import Organization

from .forms_themes import DEFAULT_THEMES
from .models import ThemePlan
from .services_themes import theme_log_save, theme_plan_create, theme_task_add

# community → (secretary's username, name), (committee member's username, name)
CADRES = {
    "滨河社区党委": (("community", None), ("binhe_cadre", "周晓梅")),
    "望江社区党委": (("wangjiang_secretary", "陈建国"), ("wangjiang_cadre", "刘芳")),
}
LOGS = [
    ("组织社区干部学习基层治理文件，交流学习体会。", "形成学习笔记，明确本周走访重点。"),
    ("入户走访12户居民，重点看望独居老人和困难家庭。", "收集诉求5条：楼道照明2条、停车1条、就医预约2条。"),
    ("为3位老人代办高龄津贴申领，协调物业修复楼道灯。", "楼道照明问题当天解决，居民表示满意。"),
    ("走访辖区两家小微企业，了解用工和党员情况。", "发现流动党员1名，已联系其转接组织关系。"),
    ("整理本周工作日志，梳理未办结诉求。", "未办结事项2件转下周跟进。"),
]
DAY_TASKS = ["走访3号楼独居老人", "核对困难家庭台账", "协助开展反诈宣传"]


def _user(username, full_name, role, organization):
    from dangjian.core.demo.city import DEMO_PASSWORD

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name or "")
        user.set_password(DEMO_PASSWORD)
        user.save()
    role_grant(actor=None, user=user, role=role, organization=organization)
    return user


def build(*, today: datetime.date) -> None:
    monday = today - datetime.timedelta(days=today.weekday())
    for index, (name, ((sec_name, sec_full), (cadre_name, cadre_full))) in enumerate(CADRES.items()):
        community = Organization.objects.filter(name=name).first()
        if community is None or ThemePlan.objects.filter(organization=community).exists():
            continue
        with transaction.atomic():
            secretary = _user(sec_name, sec_full, Role.SECRETARY, community)
            cadre = _user(cadre_name, cadre_full, Role.COMMITTEE_MEMBER, community)
            plan = theme_plan_create(actor=secretary, organization=community, title=f"{community.display_name}主题工作法",
                                     starts_on=monday - datetime.timedelta(days=56), themes=DEFAULT_THEMES,
                                     note="周一至周五每天一个主题，社区干部带着任务下沉，带着问题走进居民。")
            tasks = {}
            for offset, title in enumerate(DAY_TASKS):
                day = monday + datetime.timedelta(days=offset + 1)
                tasks[day] = theme_task_add(actor=secretary, plan=plan, day=day, title=title,
                                            assignee=cadre if offset == 0 else None)
            written = 0
            for back in range(14, -1, -1):
                day = today - datetime.timedelta(days=back)
                if day.weekday() >= 5 or written >= 15:
                    continue
                done, outcomes = LOGS[day.weekday()]
                for author in (secretary, cadre)[: 1 + (back + index) % 2]:
                    chosen = [tasks[day]] if day in tasks and (tasks[day].assignee in (None, author)) else []
                    theme_log_save(actor=author, plan=plan, day=day, done=done, outcomes=outcomes, tasks=chosen,
                                   today=today)
                    written += 1
