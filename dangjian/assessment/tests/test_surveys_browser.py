"""The survey answer page on a 390-px phone, in a real browser (Playwright and Debian's Chromium).

The server is a live server thread on the session's in-memory test database, sharing this test's
connection, so the survey made here is seen by the page and rolled back afterwards. Screenshots go
to /tmp/shots/.
"""
import shutil
from pathlib import Path

import pytest

from ..choices import QuestionKind, SurveyAudience
from ..models import Response
from .fixtures_surveys import make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path("/tmp/shots")


@pytest.fixture
def phone_server(db):
    from django.db import connection
    from pytest_django.live_server_helper import LiveServer

    if not Path(CHROMIUM).exists() or not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        pytest.skip("Needs Chromium and the in-memory SQLite test database")
    server = LiveServer("localhost")
    try:
        yield server
    finally:
        server.stop()


def test_member_answers_a_survey_on_a_phone(phone_server, personas, client):
    from playwright.sync_api import sync_playwright

    survey = make_survey(personas, audience=SurveyAudience.MEMBERS, title="社区党委工作满意度测评", questions=[
        (QuestionKind.RATING, "您对社区党委今年的工作总体是否满意？", 5),
        (QuestionKind.SINGLE, "您对书记抓党建工作的评价", ["好", "较好", "一般", "差"]),
        (QuestionKind.MULTIPLE, "今年您参加过哪些活动？", ["主题党日", "志愿服务", "党课学习"]),
        (QuestionKind.TEXT, "您的意见和建议", False),
    ])
    client.force_login(personas["member"])
    session = client.cookies["sessionid"].value
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                      has_touch=True)
        host = phone_server.url.split("//")[1].split(":")[0]
        context.add_cookies([{"name": "sessionid", "value": session, "domain": host, "path": "/"}])
        page = context.new_page()
        problems = []
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        seen = []
        page.on("response", lambda r: seen.append(f"{r.request.method} {r.url} {r.status}"))
        page.goto(f"{phone_server.url}/assessment/surveys/a/{survey.key}/")
        assert page.locator("[data-anonymous]").is_visible()
        # One column that fits the phone: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(SHOTS / "survey-answer-phone.png"), full_page=True)
        # Touch targets are big: each choice is at least 44 px high.
        heights = page.locator("label.btn").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
        assert heights and min(heights) >= 44
        page.locator("label.btn", has_text="4").first.click()
        assert page.locator("[data-progress]").evaluate("e => e.value") == 1
        page.locator("label.btn", has_text="较好").click()
        page.locator("label.btn", has_text="志愿服务").click()
        page.fill("textarea", "希望多组织学习活动")
        assert page.locator("[data-progress]").evaluate("e => e.value") == 4
        page.screenshot(path=str(SHOTS / "survey-answer-phone-filled.png"), full_page=True)
        with page.expect_navigation():
            page.click("form[data-survey-form] button[type=submit]")
        page.screenshot(path=str(SHOTS / "survey-after-submit-phone.png"), full_page=True)
        assert page.url.endswith(f"/assessment/surveys/a/{survey.key}/thanks/"), [x for x in seen if "/static/" not in x]
        page.screenshot(path=str(SHOTS / "survey-thanks-phone.png"), full_page=True)
        page.goto(f"{phone_server.url}/assessment/surveys/a/{survey.key}/")
        assert page.locator("[data-problem]").is_visible()
        page.screenshot(path=str(SHOTS / "survey-already-answered-phone.png"), full_page=True)
        browser.close()
    assert not problems, problems
    response = Response.objects.get(survey=survey)
    assert response.respondent is None and response.answers.count() == 4
