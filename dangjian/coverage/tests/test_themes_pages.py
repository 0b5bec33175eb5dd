"""Weekday theme pages as the community secretary and cadres use them: plan, week, log, export."""
import datetime
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
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


def test_plan_page_lists_logs_without_ranking(client_for, personas, org):
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
    response = client.get(f"/coverage/themes/{plan.pk}/logs.xlsx", {"start": "", "end": ""})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert AuditEntry.objects.filter(action="theme_plan.logs_exported", changes__count=8).exists()


def test_week_and_log_pages_have_no_wide_tables():
    """On a 390-px phone the week and the log form are stacked cards and lists, never tables."""
    for name in ("_week.html", "log.html", "index.html", "plan.html"):
        text = (TEMPLATES / name).read_text()
        assert "<table" not in text and "style=" not in text and "<script" not in text, name


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_bad_dates_fall_back_with_a_message_and_never_export_everything(client_for, personas, org):
    secretary = personas["community"]
    plan = make_plan(secretary, org["community"])
    for offset in (0, 10):
        services_themes.theme_log_save(actor=secretary, plan=plan, day=TODAY - datetime.timedelta(days=offset),
                                       done=f"日志{offset}")
    client = client_for("community")
    response = client.get("/coverage/themes/", {"plan": plan.pk, "week": "2026-13-40"})
    assert response.status_code == 200 and response.context["monday"] == TODAY - datetime.timedelta(days=TODAY.weekday())
    assert any("2026-13-40" in m for m in messages_of(response))
    # A misread day of a log goes back to today's log; nothing is saved under it.
    response = client.post(f"/coverage/themes/log/?plan={plan.pk}&day=昨天", {"done": "写错日期"})
    assert response.status_code == 302 and response["Location"].endswith(f"day={TODAY:%Y-%m-%d}")
    assert not ThemeLog.objects.filter(done="写错日期").exists()
    response = client.get(f"/coverage/themes/log/?plan={plan.pk}&day=昨天", follow=True)
    assert response.context["day"] == TODAY and any("昨天" in m for m in messages_of(response))
    # On the plan page a bad start is left out, said so, and the logs shown without it.
    url = f"/coverage/themes/{plan.pk}/"
    response = client.get(url, {"start": "2024-02-30"})
    assert response.status_code == 200 and response.context["start"] is None
    assert len(response.context["page_obj"]) == 2 and any("2024-02-30" in m for m in messages_of(response))
    response = client.get(url, {"start": TODAY.isoformat(), "end": (TODAY - datetime.timedelta(days=3)).isoformat()})
    assert response.context["end"] is None and len(messages_of(response)) == 1
    # The ledger refuses a bad date (400, a message, no download, nothing audited).
    for params in ({"start": "去年"}, {"end": "2024-99-01"},
                   {"start": TODAY.isoformat(), "end": (TODAY - datetime.timedelta(days=1)).isoformat()}):
        response = client.get(f"{url}logs.xlsx", params)
        assert response.status_code == 400 and response["Content-Type"].startswith("text/html"), params
        assert messages_of(response), params
    assert not AuditEntry.objects.filter(action="theme_plan.logs_exported").exists()
    response = client.get(f"{url}logs.xlsx", {"start": (TODAY - datetime.timedelta(days=1)).isoformat()})
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="theme_plan.logs_exported", changes__count=1).exists()


def queries(client, url, params=None) -> int:
    """The number of queries of one GET of ``url`` (after a first one that fills the caches)."""
    assert client.get(url, params).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


def test_index_costs_the_same_for_n_and_2n_plans_and_tasks(client_for, personas, org):
    secretary, community = personas["community"], org["community"]
    plan = make_plan(secretary, community)
    services_themes.theme_log_save(actor=personas["organizer"], plan=plan, day=TODAY, done="下沉干部日志")
    services_themes.theme_log_save(actor=secretary, plan=plan, day=TODAY, done="书记日志")

    def add(first, count):
        for i in range(first, first + count):
            start = TODAY - datetime.timedelta(days=400 - 20 * i)
            make_plan(secretary, community, starts_on=start, ends_on=start + datetime.timedelta(days=10),
                      title=f"往期计划{i}")
            services_themes.theme_task_add(actor=secretary, plan=plan, day=TODAY, title=f"全体任务{i}")
            services_themes.theme_task_add(actor=secretary, plan=plan, day=TODAY, title=f"个人任务{i}",
                                           assignee=secretary)

    client = client_for("community")
    add(0, 3)
    few = queries(client, "/coverage/themes/")
    add(3, 3)
    assert queries(client, "/coverage/themes/") == few
    response = client.get("/coverage/themes/")
    assert response.context["plan"] == plan and len(response.context["page_obj"]) == 7
    today = next(d for d in response.context["days"] if d.is_today)
    assert len(today.mine) == 6 and len(today.for_all) == 6 and today.others == 1


def test_plan_page_costs_the_same_for_n_and_2n_logs_and_tasks(client_for, personas, org):
    secretary, organizer = personas["community"], personas["organizer"]
    plan = make_plan(secretary, org["community"])

    def add(first, count):
        for offset in range(first, first + count):
            day = TODAY - datetime.timedelta(days=offset)
            task = services_themes.theme_task_add(actor=secretary, plan=plan, day=day, title=f"任务{offset}")
            services_themes.theme_task_add(actor=secretary, plan=plan, day=TODAY + datetime.timedelta(days=offset),
                                           title=f"后续任务{offset}", assignee=organizer)
            for author in (secretary, organizer):
                services_themes.theme_log_save(actor=author, plan=plan, day=day, done=f"日志{offset}", tasks=[task])

    client = client_for("community")
    url = f"/coverage/themes/{plan.pk}/"
    add(0, 3)
    few = queries(client, url), queries(client, url, {"author": organizer.pk})
    add(3, 3)
    assert (queries(client, url), queries(client, url, {"author": organizer.pk})) == few
    assert len(client.get(url).context["page_obj"]) == 12
