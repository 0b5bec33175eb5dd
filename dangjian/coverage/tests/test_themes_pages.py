"""Weekday theme pages as the community secretary and cadres use them: plan, week, log, export."""
import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.coverage import services_themes
from dangjian.coverage.models import ThemeLog, ThemePlan

from .fixtures_themes import make_plan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "coverage" / "themes"


def plan_data(org, **extra):
    data = {"organization": org.pk, "title": "滨河社区主题工作法", "starts_on": TODAY.isoformat(),
            "theme_1": "学习日", "tasks_1": "学习文件", "theme_2": "走访日", "tasks_2": "入户走访\n收集诉求",
            "theme_3": "服务日", "theme_4": "调研日", "theme_5": "总结日"}
    return {**data, **extra}


def test_secretary_sets_a_plan_and_an_overlapping_one_is_refused(client_for, org):
    client = client_for("community")
    assert client.get("/coverage/themes/new/").status_code == 200
    response = client.post("/coverage/themes/new/", plan_data(org["community"]))
    plan = ThemePlan.objects.get(organization=org["community"])
    assert response.status_code == 302 and response["Location"] == f"/coverage/themes/{plan.pk}/"
    assert plan.themes.count() == 5 and plan.themes.get(weekday=2).task_lines() == ["入户走访", "收集诉求"]
    response = client.post("/coverage/themes/new/", plan_data(org["community"], title="重复计划"))
    assert response.status_code == 200 and "starts_on" in response.context["form"].errors
    assert ThemePlan.objects.filter(organization=org["community"]).count() == 1
    response = client.post("/coverage/themes/new/", plan_data(org["community"], starts_on="不是日期"))
    assert response.status_code == 200 and "starts_on" in response.context["form"].errors
    # The community secretary edits it.
    response = client.post(f"/coverage/themes/{plan.pk}/edit/", plan_data(org["community"], title="改名后的计划"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "改名后的计划"


def test_cadre_week_and_log_on_the_phone(client_for, personas, org):
    plan = make_plan(personas["community"], org["community"])
    services_themes.theme_task_add(actor=personas["community"], plan=plan, day=TODAY, title="今天的全体任务")
    client = client_for("community")
    page = client.get("/coverage/themes/")
    body = page.content.decode()
    assert page.context["plan"] == plan and "今天的全体任务" in body and 'aria-current="date"' in body
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    assert f"week={monday - datetime.timedelta(days=7):%Y-%m-%d}" in body
    assert client.get("/coverage/themes/", {"week": "2026-13-40"}).status_code == 200
    url = f"/coverage/themes/log/?plan={plan.pk}&day={TODAY:%Y-%m-%d}"
    form_page = client.get(url)
    assert form_page.status_code == 200 and "今天的全体任务" in form_page.content.decode()
    task = plan.day_tasks.get()
    response = client.post(url, {"done": "走访了三户居民", "outcomes": "解决漏水问题", "tasks": [task.pk]})
    assert response.status_code == 302
    log = ThemeLog.objects.get(plan=plan, author=personas["community"])
    assert list(log.tasks.all()) == [task]
    # A future day is refused with the form shown again; nothing is written.
    future = f"/coverage/themes/log/?plan={plan.pk}&day={TODAY + datetime.timedelta(days=2):%Y-%m-%d}"
    assert client.post(future, {"done": "未来"}).status_code == 200
    assert ThemeLog.objects.filter(plan=plan).count() == 1
    # Another cadre may not delete it; the author may.
    assert client_for("organizer").post(f"/coverage/themes/logs/{log.pk}/delete/").status_code == 403
    assert client_for("community").post(f"/coverage/themes/logs/{log.pk}/delete/").status_code == 302
    assert not ThemeLog.objects.filter(pk=log.pk).exists()


def test_who_reaches_the_plan(client_for, personas, org):
    plan = make_plan(personas["community"], org["community"])
    assert client_for("sibling").get(f"/coverage/themes/{plan.pk}/").status_code == 404
    assert "滨河社区主题工作计划" not in client_for("sibling").get("/coverage/themes/").content.decode()
    assert client_for("branch").get(f"/coverage/themes/log/?plan={plan.pk}").status_code == 404
    assert client_for("auditor").get(f"/coverage/themes/{plan.pk}/").status_code == 200
    assert client_for("auditor").get(f"/coverage/themes/log/?plan={plan.pk}").status_code == 403
    assert client_for("auditor").get(f"/coverage/themes/{plan.pk}/edit/").status_code == 403
    assert client_for("community").get(f"/coverage/themes/{plan.pk}/edit/").status_code == 200
    assert client_for("member").get("/coverage/themes/").status_code == 403
    client = client_for("community")
    response = client.post(f"/coverage/themes/{plan.pk}/tasks/new/", {"day": TODAY.isoformat(), "title": "走访企业",
                                                                      "assignee": personas["organizer"].pk})
    assert response.status_code == 302 and plan.day_tasks.get().assignee == personas["organizer"]
    response = client.post(f"/coverage/themes/{plan.pk}/tasks/new/", {"day": "", "title": ""})
    assert response.status_code == 302 and plan.day_tasks.count() == 1
    assert client_for("auditor").post(f"/coverage/themes/{plan.pk}/tasks/new/", {
        "day": TODAY.isoformat(), "title": "x"}).status_code == 403


def test_plan_page_lists_logs_without_ranking(client_for, personas, org, django_assert_max_num_queries):
    secretary, organizer = personas["community"], personas["organizer"]
    organizer.full_name = "钱下沉"
    organizer.save(update_fields=["full_name"])
    plan = make_plan(secretary, org["community"])
    for offset in range(6):
        day = TODAY - datetime.timedelta(days=offset)
        task = services_themes.theme_task_add(actor=secretary, plan=plan, day=day, title=f"任务{offset}")
        services_themes.theme_log_save(actor=secretary, plan=plan, day=day, done=f"书记日志{offset}", tasks=[task])
        if offset < 2:
            services_themes.theme_log_save(actor=organizer, plan=plan, day=day, done=f"下沉日志{offset}")
    client = client_for("community")
    with django_assert_max_num_queries(25):
        response = client.get(f"/coverage/themes/{plan.pk}/")
    body = response.content.decode()
    assert body.index("书记日志0") < body.index("书记日志5")  # newest first
    # Each cadre's name shows once per log and once in the filter: no per-person totals or ranks.
    seen_by_auditor = client_for("auditor").get(f"/coverage/themes/{plan.pk}/").content.decode()
    assert seen_by_auditor.count("钱下沉") == 2 + 1
    client = client_for("community")
    for word in ("排名", "完成率", "ranking", "%"):
        assert word not in body.replace("100%", "")
    filtered = client.get(f"/coverage/themes/{plan.pk}/", {"author": organizer.pk,
                                                          "start": (TODAY - datetime.timedelta(days=1)).isoformat()})
    assert [entry.author for entry in filtered.context["page_obj"]] == [organizer, organizer]
    with django_assert_max_num_queries(20):
        assert client.get("/coverage/themes/").status_code == 200
    response = client.get(f"/coverage/themes/{plan.pk}/logs.xlsx", {"start": "", "end": ""})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert AuditEntry.objects.filter(action="theme_plan.logs_exported", changes__count=8).exists()


def test_week_and_log_pages_have_no_wide_tables():
    """On a 390-px phone the week and the log form are stacked cards and lists, never tables."""
    for name in ("_week.html", "log.html", "index.html", "plan.html"):
        text = (TEMPLATES / name).read_text()
        assert "<table" not in text and "style=" not in text and "<script" not in text, name
