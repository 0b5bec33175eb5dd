"""The mixed workload of ``make load`` (``bench/load/run.py`` starts it; see docs/benchmarks.md).

Every simulated user signs in through the login form (GET for the CSRF token, POST), then works
as its persona would, with a think time between pages:

- **secretaries** (``branch``, ``community``): the roster, a member's page, now and then plan a
  meeting in the past and record it (two POSTs: plan, then the record form with attendance);
- **residents** (``load-resident-NNN``, one account each): their requests, and filing a new one (``/grid/my/new/``: the form,
  then the POST);
- **grid workers** (``grid``): the list of requests, a request's page;
- **organizers** (``organizer``): the workbench and the statistics dashboard.

The context (organization and building ids, the password) comes from the JSON file named by
``LOAD_CONTEXT``, written by the runner. Forms are read from the page (every input, select and
textarea with its default) and posted back with a few fields changed, as a browser would.
"""
from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, events, task

CONTEXT = json.loads(Path(os.environ["LOAD_CONTEXT"]).read_text()) if os.environ.get("LOAD_CONTEXT") else {}
SAMPLES = open(os.environ["LOAD_SAMPLES"], "a") if os.environ.get("LOAD_SAMPLES") else None  # noqa: SIM115


@events.request.add_listener
def keep_sample(request_type, name, response_time, exception=None, **kwargs):
    """Every request's time and outcome, one line each, for exact percentiles of any subset (the runner)."""
    if SAMPLES is not None:
        SAMPLES.write(f"{request_type} {name}\t{response_time:.1f}\t{0 if exception is None else 1}\n")


@events.quitting.add_listener
def close_samples(**kwargs):
    if SAMPLES is not None:
        SAMPLES.close()


DESCRIPTIONS = ["楼道堆放杂物很久没人清理", "小区路灯坏了好几盏", "垃圾桶满了两天没清运", "消防通道上总停着车"]


class FormParser(HTMLParser):
    """The fields of the forms of a page, by form action: name → value (checkboxes and radios: the
    checked one, else the first offered; selects: the selected option, else the first non-empty)."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict] = {}
        self.options: dict[str, dict[str, list]] = {}
        self.current = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = a.get("action") or ""
            self.forms.setdefault(self.current, {})
            self.options.setdefault(self.current, {})
        elif self.current is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            fields, name = self.forms[self.current], a["name"]
            if kind in ("checkbox", "radio"):
                self.options[self.current].setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file", "image"):
                fields[name] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
            self.options[self.current].setdefault(self.select, [])
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if value:
                self.options[self.current][self.select].append(value)
            if "selected" in a:
                self.forms[self.current][self.select] = value
        elif tag == "textarea" and a.get("name"):
            self.textarea = a["name"]
            self.forms[self.current][self.textarea] = ""

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            self.forms[self.current][self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def form_of(html: str, action_wanted: str = "") -> tuple[dict, dict]:
    """The fields and options of the form posting to ``action_wanted`` (the form posting to the page
    itself has no action: "")."""
    parser = FormParser()
    parser.feed(html)
    for action, fields in parser.forms.items():
        if action == action_wanted and "csrfmiddlewaretoken" in fields:
            options = parser.options[action]
            for name, offered in options.items():
                if name not in fields and offered:
                    fields[name] = offered[0]
            return fields, options
    raise LookupError(f"no form posting to {action_wanted!r}")


class Persona(HttpUser):
    abstract = True
    wait_time = between(1, 4)
    username = ""

    def on_start(self):
        self.login()

    def login(self):
        page = self.client.get("/login/", name="login form")
        fields, _ = form_of(page.text, "")
        fields.update(username=self.username, password=CONTEXT.get("password", "dangjian-demo"))
        with self.client.post("/login/", data=fields, name="login POST", headers={"Referer": page.url},
                              catch_response=True) as answer:
            if "/login/" in answer.url:
                answer.failure("login refused")

    def post_form(self, url: str, fields: dict, *, name: str, expect: str):
        """POST a form; a success redirects to a page whose address matches ``expect``."""
        with self.client.post(url, data=fields, name=name, headers={"Referer": self.host + url},
                              catch_response=True) as answer:
            if answer.status_code != 200 or not re.search(expect, answer.url):
                answer.failure(f"HTTP {answer.status_code}, ended at {answer.url}")
                return None
            return answer


class Secretary(Persona):
    """A branch or community secretary."""

    weight = 3

    def on_start(self):
        self.username = random.choice(["branch", "community"])
        self.org = CONTEXT["orgs"][self.username]
        self.members: list[str] = []
        super().on_start()

    @task(6)
    def roster(self):
        page = self.client.get(f"/members/?org={self.org}", name="/members/ (roster)")
        self.members = re.findall(r'href="/members/(\d+)/"', page.text) or self.members

    @task(4)
    def member(self):
        if not self.members:
            return self.roster()
        self.client.get(f"/members/{random.choice(self.members)}/", name="/members/<pk>/")

    @task(1)
    def record_meeting(self):
        url = f"/orglife/meetings/plan/?org={self.org}"
        page = self.client.get(url, name="/orglife/meetings/plan/ (form)")
        fields, _ = form_of(page.text, "")
        when = datetime.datetime.now() - datetime.timedelta(days=random.randint(1, 20))
        fields.update(kind="theme_day", topic="压力测试：学习交流", starts_at=when.strftime("%Y-%m-%dT09:00"), place="党员活动室")
        fields.pop("joint_organizations", None)
        planned = self.post_form(url, fields, name="/orglife/meetings/plan/ POST", expect=r"/orglife/meetings/\d+/")
        if planned is None:
            return
        pk = re.search(r"/orglife/meetings/(\d+)/", planned.url).group(1)
        record_url = f"/orglife/meetings/{pk}/record/"
        page = self.client.get(record_url, name="/orglife/meetings/<pk>/record/ (form)")
        fields, _ = form_of(page.text, "")
        fields["minutes"] = "会议学习了有关文件，大家交流了体会。"
        self.post_form(record_url, fields, name="/orglife/meetings/<pk>/record/ POST", expect=rf"/orglife/meetings/{pk}/$")


class Resident(Persona):
    """Each simulated resident signs in with an account of its own (filing is rate-limited per user)."""

    weight = 4
    accounts = itertools.count()

    def on_start(self):
        residents = CONTEXT.get("residents") or ["resident"]
        self.username = residents[next(self.accounts) % len(residents)]
        super().on_start()

    @task(3)
    def my_requests(self):
        self.client.get("/grid/my/", name="/grid/my/")

    @task(2)
    def file_request(self):
        url = f"/grid/my/new/?community={CONTEXT['community']}"
        page = self.client.get(url, name="/grid/my/new/ (form)")
        fields, _ = form_of(page.text, "")
        fields.update(community=str(CONTEXT["community"]), building=str(random.choice(CONTEXT["buildings"])),
                      description=random.choice(DESCRIPTIONS))
        self.post_form(url, fields, name="/grid/my/new/ POST", expect=r"/grid/my/\d+/")


class GridWorker(Persona):
    weight = 2
    username = "grid"

    def on_start(self):
        self.requests: list[str] = []
        super().on_start()

    @task(3)
    def request_list(self):
        page = self.client.get("/grid/requests/", name="/grid/requests/")
        self.requests = re.findall(r'href="/grid/requests/(\d+)/"', page.text) or self.requests

    @task(2)
    def request_detail(self):
        if not self.requests:
            return self.request_list()
        self.client.get(f"/grid/requests/{random.choice(self.requests)}/", name="/grid/requests/<pk>/")


class Organizer(Persona):
    weight = 1
    username = "organizer"

    @task(2)
    def workbench(self):
        self.client.get("/", name="/ (workbench)")

    @task(3)
    def dashboard(self):
        self.client.get("/reports/", name="/reports/ (dashboard)")
