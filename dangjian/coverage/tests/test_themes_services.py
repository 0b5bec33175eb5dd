"""Weekday themes (主题工作法): the services a community secretary and its cadres rely on."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.coverage import selectors_themes, services_themes
from dangjian.coverage.models import ThemeLog, ThemeTask

from .fixtures_themes import make_plan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# The latest Tuesday that is not in the future.
TUESDAY = TODAY - datetime.timedelta(days=(TODAY.weekday() - 1) % 7)


def error_keys(exc_info):
    return set(exc_info.value.message_dict)


def test_a_cadre_logs_tuesday_with_a_task_and_the_theme_is_kept(personas, org):
    secretary = personas["community"]
    plan = make_plan(secretary, org["community"])
    assert [t.theme for t in plan.themes.all()] == ["学习日", "走访日", "服务日", "调研日", "总结日"]
    task = services_themes.theme_task_add(actor=secretary, plan=plan, day=TUESDAY, title="走访独居老人")
    log = services_themes.theme_log_save(actor=secretary, plan=plan, day=TUESDAY, done="走访了5户独居老人",
                                         outcomes="帮助王大爷预约体检", tasks=[task.pk])
    assert log.theme == "走访日" and list(log.tasks.all()) == [task]
    # Renaming Tuesday's theme later does not rewrite the log.
    services_themes.theme_plan_update(actor=secretary, plan=plan, title=plan.title, starts_on=plan.starts_on,
                                      themes={2: ("入户日", ""), 5: ("总结日", "")})
    log.refresh_from_db()
    assert log.theme == "走访日"
    assert set(plan.themes.values_list("weekday", flat=True)) == {2, 5}
    # Saving again updates the same log, it does not add one.
    services_themes.theme_log_save(actor=secretary, plan=plan, day=TUESDAY, done="改写的日志")
    assert ThemeLog.objects.get(plan=plan, author=secretary).done == "改写的日志"
    actions = list(AuditEntry.objects.filter(action__startswith="theme_").values_list("action", flat=True))
    for code in ("theme_plan.created", "theme_task.added", "theme_log.created", "theme_plan.updated",
                 "theme_log.updated"):
        assert code in actions


def test_another_cadre_writes_their_own_log_and_cannot_touch_the_first(personas, org):
    plan = make_plan(personas["community"], org["community"])
    first = services_themes.theme_log_save(actor=personas["community"], plan=plan, day=TUESDAY, done="我的日志")
    other = services_themes.theme_log_save(actor=personas["organizer"], plan=plan, day=TUESDAY, done="街道下沉")
    assert other.pk != first.pk
    first.refresh_from_db()
    assert first.done == "我的日志"
    with pytest.raises(PermissionDenied):
        services_themes.theme_log_delete(actor=personas["organizer"], log=first)
    services_themes.theme_log_delete(actor=personas["community"], log=first)
    assert not ThemeLog.objects.filter(pk=first.pk).exists()


def test_future_days_and_days_outside_the_plan_are_refused(personas, org):
    plan = make_plan(personas["community"], org["community"])
    with pytest.raises(ValidationError) as exc:
        services_themes.theme_log_save(actor=personas["community"], plan=plan, day=TODAY + datetime.timedelta(days=1),
                                       done="还没到")
    assert error_keys(exc) == {"day"}
    with pytest.raises(ValidationError) as exc:
        services_themes.theme_log_save(actor=personas["community"], plan=plan,
                                       day=plan.starts_on - datetime.timedelta(days=1), done="计划之前")
    assert error_keys(exc) == {"day"}
    with pytest.raises(ValidationError) as exc:
        services_themes.theme_log_save(actor=personas["community"], plan=plan, day=TODAY, done="  ")
    assert error_keys(exc) == {"done"}
    assert not ThemeLog.objects.filter(plan=plan).exists()


def test_an_overlapping_plan_is_refused_a_later_one_is_not(personas, org):
    secretary = personas["community"]
    plan = make_plan(secretary, org["community"])
    with pytest.raises(ValidationError) as exc:
        make_plan(secretary, org["community"], starts_on=TODAY + datetime.timedelta(days=30), title="第二个计划")
    assert error_keys(exc) == {"starts_on"}
    services_themes.theme_plan_end(actor=secretary, plan=plan, on=TODAY)
    later = make_plan(secretary, org["community"], starts_on=TODAY + datetime.timedelta(days=1), title="下一期计划")
    assert selectors_themes.plan_in_force(org["community"], TODAY) == plan
    assert selectors_themes.plan_in_force(org["community"], TODAY + datetime.timedelta(days=1)) == later


def test_plan_checks_themes_and_the_organization(personas, org):
    with pytest.raises(ValidationError) as exc:
        make_plan(personas["community"], org["community"], themes={1: ("", ""), 2: ("", "")})
    assert error_keys(exc) == {"themes"}
    with pytest.raises(ValidationError) as exc:
        make_plan(personas["community"], org["community"], themes={1: ("学" * 51, ""), 3: ("", "只有任务")})
    assert error_keys(exc) == {"theme_1", "theme_3"}
    with pytest.raises(ValidationError) as exc:  # a branch secretary's own branch is no community
        make_plan(personas["branch"], org["branch"])
    assert error_keys(exc) == {"organization"}
    with pytest.raises(PermissionDenied):  # not in the actor's change scope
        make_plan(personas["sibling"], org["community"])
    with pytest.raises(PermissionDenied):
        make_plan(personas["auditor"], org["community"])


def test_who_may_log(personas, org):
    community = org["community"]
    assert services_themes.may_log(personas["community"], community)
    assert services_themes.may_log(personas["organizer"], community)
    # A branch secretary's view covers the branch, not the community; the auditor sees but writes nothing.
    for name in ("branch", "sibling", "member", "auditor", "grid"):
        assert not services_themes.may_log(personas[name], community), name
    plan = make_plan(personas["community"], community)
    with pytest.raises(PermissionDenied):
        services_themes.theme_log_save(actor=personas["branch"], plan=plan, day=TODAY, done="支部书记")


def test_day_tasks_period_assignee_and_removal(personas, org):
    secretary = personas["community"]
    plan = make_plan(secretary, org["community"], ends_on=TODAY + datetime.timedelta(days=10))
    with pytest.raises(ValidationError) as exc:
        services_themes.theme_task_add(actor=secretary, plan=plan, day=TODAY + datetime.timedelta(days=11), title="x")
    assert error_keys(exc) == {"day"}
    with pytest.raises(ValidationError) as exc:
        services_themes.theme_task_add(actor=secretary, plan=plan, day=TODAY, title="x", assignee=personas["branch"])
    assert error_keys(exc) == {"assignee"}
    for_organizer = services_themes.theme_task_add(actor=secretary, plan=plan, day=TODAY, title="走访企业",
                                                   assignee=personas["organizer"])
    # A task given to another cadre is not the secretary's to tick.
    with pytest.raises(ValidationError) as exc:
        services_themes.theme_log_save(actor=secretary, plan=plan, day=TODAY, done="x", tasks=[for_organizer.pk])
    assert error_keys(exc) == {"tasks"}
    services_themes.theme_log_save(actor=personas["organizer"], plan=plan, day=TODAY, done="走访了企业",
                                   tasks=[for_organizer])
    with pytest.raises(ValidationError):
        services_themes.theme_task_remove(actor=secretary, task=for_organizer)
    spare = services_themes.theme_task_add(actor=secretary, plan=plan, day=TODAY, title="备用")
    services_themes.theme_task_remove(actor=secretary, task=spare)
    assert not ThemeTask.objects.filter(pk=spare.pk).exists()
    assert AuditEntry.objects.filter(action="theme_task.removed").count() == 1


def test_ending_a_plan(personas, org):
    secretary = personas["community"]
    plan = make_plan(secretary, org["community"])
    services_themes.theme_log_save(actor=secretary, plan=plan, day=TODAY, done="今天的日志")
    future = services_themes.theme_task_add(actor=secretary, plan=plan, day=TODAY + datetime.timedelta(days=3),
                                            title="下周的任务")
    with pytest.raises(ValidationError) as exc:  # logs after the last day
        services_themes.theme_plan_end(actor=secretary, plan=plan, on=TODAY - datetime.timedelta(days=1))
    assert error_keys(exc) == {"ends_on"}
    services_themes.theme_plan_end(actor=secretary, plan=plan)
    assert plan.ends_on == TODAY and not ThemeTask.objects.filter(pk=future.pk).exists()
    assert selectors_themes.plan_in_force(org["community"], TODAY + datetime.timedelta(days=1)) is None
    with pytest.raises(ValidationError):
        services_themes.theme_plan_end(actor=secretary, plan=plan)


def test_week_gives_each_day_with_my_tasks_and_others_as_a_number(personas, org):
    secretary, organizer = personas["community"], personas["organizer"]
    plan = make_plan(secretary, org["community"])
    monday = selectors_themes.monday_of(TODAY)
    services_themes.theme_task_add(actor=secretary, plan=plan, day=monday, title="全体任务")
    services_themes.theme_task_add(actor=secretary, plan=plan, day=monday, title="给我的", assignee=secretary)
    services_themes.theme_task_add(actor=secretary, plan=plan, day=monday, title="给别人的", assignee=organizer)
    services_themes.theme_log_save(actor=organizer, plan=plan, day=monday, done="街道干部的日志")
    days = selectors_themes.week(plan, monday, secretary, today=TODAY)
    assert [d.date for d in days] == [monday + datetime.timedelta(days=i) for i in range(7)]
    first = days[0]
    assert first.theme.theme == "学习日" and first.standing == ["集中学习"]
    assert [t.title for t in first.mine] == ["给我的"] and [t.title for t in first.for_all] == ["全体任务"]
    assert first.log is None and first.others == 1
    assert days[5].theme is None  # Saturday has no theme
    assert sum(d.is_today for d in days) == 1
