"""The main create and transition forms posted with generated values (Hypothesis), as the persona
who uses them: member create, meeting record, request new, wish new, dues collect, transfer send
and a volunteer activity.

The fields are those the page itself renders (inputs, selects with their options, textareas),
so the test follows the forms as they change. Each field is left out, sent empty, sent twice
(a list), or filled with an option of its own, text with control characters or a NUL, a huge
number, a bad date or a very long string. A post must never end in a server error (the test
client re-raises a view's exception); a page shown again (200) must have written nothing — the
counted tables and the audit log are as they were — while a redirect is a success.
"""
from __future__ import annotations

import os
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

LONG = os.environ.get("FUZZ_LONG") == "1"
EXAMPLES = int(os.environ.get("FUZZ_FORM_EXAMPLES", 150 if LONG else 10))


def fuzz_settings(examples: int = EXAMPLES):
    return settings(max_examples=examples, deadline=None, derandomize=not LONG,
                    suppress_health_check=list(HealthCheck), database=None)
SKIPPED_FIELDS = {"csrfmiddlewaretoken", "q", "next", "language"}


class FormFields(HTMLParser):
    """The fields of the page's POST forms: name → the values the page offers (options, defaults)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._in_post = False
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_post = (a.get("method") or "").lower() == "post"
        if not self._in_post:
            return
        name = a.get("name")
        if tag in ("input", "textarea") and name and a.get("type") not in ("submit", "button", "file"):
            self.fields.setdefault(name, [])
            if a.get("value"):
                self.fields[name].append(a["value"])
            elif a.get("type") == "checkbox":
                self.fields[name].append("on")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self._select and a.get("value"):
            self.fields[self._select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._in_post = False


def form_fields(html: str) -> dict[str, list[str]]:
    parser = FormFields()
    parser.feed(html)
    return {k: v for k, v in parser.fields.items() if k not in SKIPPED_FIELDS}


nasty = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="".join(chr(c) for c in range(32)) + "\x7f\u202e\ufeff张三 ", min_size=1, max_size=20),
    st.sampled_from(["", " ", "\x00", "abc\x00def", "9" * 400, "-1", "0", "1e309", "-1e309", "NaN", "inf",
                     "99999999999999999999", "0.0000000001", "2026-02-30", "0000-00-00", "9999-99-99",
                     "2026-13-01", "1900-01-01", "20261120", "2026-11-20T25:61", "<script>alert(1)</script>",
                     "' OR 1=1 --", "很长" * 5000]),
)


@st.composite
def posts(draw, fields: dict[str, list[str]]):
    """A POST body for the form's fields: each one missing, a list, an offered value or nasty text."""
    data = {}
    for name, offered in sorted(fields.items()):
        how = draw(st.sampled_from(["offered", "offered", "nasty", "nasty", "missing", "list"]))
        if how == "missing":
            continue
        pick = st.sampled_from(offered) if offered else nasty
        if how == "offered":
            data[name] = draw(pick)
        elif how == "nasty":
            data[name] = draw(nasty)
        else:
            data[name] = draw(st.lists(st.one_of(pick, nasty), min_size=2, max_size=3))
    return data


def counts(models) -> dict:
    from dangjian.core.models import AuditEntry

    return {m.__name__: m.objects.count() for m in (*models, AuditEntry)}


def fuzz(client, url: str, models, *, examples: int = EXAMPLES):
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    fields = form_fields(page.content.decode())
    assert fields, f"no form fields found on {url}"

    @fuzz_settings(examples)
    @given(posts(fields))
    def run(data):
        before = counts(models)
        response = client.post(url, data)
        assert response.status_code in (200, 302), (response.status_code, data)
        if response.status_code == 200:
            assert counts(models) == before, f"a refused post wrote something: {data!r}"

    run()


def test_member_create(client_for):
    from dangjian.members.models import Member, Membership

    fuzz(client_for("branch"), "/members/add/", [Member, Membership])


def test_meeting_record(client_for, org, personas):
    import datetime

    from django.utils import timezone

    from dangjian.orglife import services
    from dangjian.orglife.choices import MeetingKind
    from dangjian.orglife.models import Attendance, Meeting, StudyRecord

    meeting = services.meeting_plan(
        actor=personas["branch"], organization=org["branch"], kind=MeetingKind.THEME_DAY, topic="主题党日",
        starts_at=timezone.make_aware(datetime.datetime(2026, 11, 10, 9)), place="党员活动室")
    # The record page lists every invited member: a post costs several times another form's.
    fuzz(client_for("branch"), f"/orglife/meetings/{meeting.pk}/record/", [Meeting, Attendance, StudyRecord],
         examples=EXAMPLES if LONG else 5)


def test_request_new(client_for):
    from dangjian.grid.models import RequestTransition, ServiceRequest

    fuzz(client_for("grid"), "/grid/requests/new/", [ServiceRequest, RequestTransition])


def test_wish_new(client_for):
    from dangjian.wishes.models import Wish

    fuzz(client_for("grid"), "/wishes/new/", [Wish])


def test_dues_collect(client_for, org):
    from dangjian.dues.models import DuesPayment

    fuzz(client_for("branch"), f"/dues/collect/?org={org['branch'].pk}&month=2026-10", [DuesPayment])


def test_transfer_send(client_for, org):
    from dangjian.members.models import Member
    from dangjian.transfers.models import Transfer, TransferStep

    member = Member.objects.filter(organization=org["branch"], status="full").order_by("pk").first()
    fuzz(client_for("branch"), f"/transfers/send/{member.pk}/", [Transfer, TransferStep])


def test_volunteer_activity_create(client_for, org, personas):
    from dangjian.volunteers import services
    from dangjian.volunteers.models import ActivityNeed, VolunteerActivity

    team = services.team_create(actor=personas["community"], organization=org["community"], name="滨河志愿服务队")
    fuzz(client_for("community"), f"/volunteers/teams/{team.pk}/activities/new/", [VolunteerActivity, ActivityNeed])
