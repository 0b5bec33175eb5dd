"""Objects of the coverage work's themes part for tests and for the authorization matrix."""
import datetime

from django.utils import timezone

from dangjian.organizations.models import Organization

from .. import services_themes
from ..selectors_themes import plan_in_force

FIVE_THEMES = {1: ("学习日", "集中学习"), 2: ("走访日", "入户走访\n收集诉求"), 3: ("服务日", "代办服务"),
               4: ("调研日", "专题调研"), 5: ("总结日", "整理日志")}


def make_plan(actor, community, *, starts_on=None, ends_on=None, title="滨河社区主题工作计划", themes=None):
    """A five-theme plan of ``community`` from ``starts_on`` (four weeks ago by default)."""
    starts_on = starts_on or timezone.localdate() - datetime.timedelta(days=28)
    return services_themes.theme_plan_create(actor=actor, organization=community, title=title, starts_on=starts_on,
                                             ends_on=ends_on, themes=themes or FIVE_THEMES)


def matrix_samples(personas):
    """For the authorization matrix: 滨河社区党委's plan in force today, a task for today given to every
    cadre, and the ``community`` persona's log of today."""
    community = Organization.objects.get(name="滨河社区党委")
    today = timezone.localdate()
    plan = plan_in_force(community, today) or make_plan(personas["community"], community)
    task = services_themes.theme_task_add(actor=personas["community"], plan=plan, day=today,
                                          title="矩阵任务")
    log = services_themes.theme_log_save(actor=personas["community"], plan=plan, day=today, done="矩阵日志",
                                         tasks=[task])
    return {"theme_plan": plan, "theme_task": task, "theme_log": log}
