"""Pages of assignments, contact logs and dual management, with personas."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.coverage.models import Assignment, ContactLog, Firm
from dangjian.members.models import Member

from .fixtures import make_firm
from .fixtures_contacts import make_assignment

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_lists_tabs_and_what_sibling_sees(client_for, personas, org):
    firm = make_firm(personas["organizer"], org["community"], 9501, name="页面测试企业")
    member = Member.objects.get(user=personas["member"])
    make_assignment(personas["organizer"], firm, appointed_by=org["community"], role="leader", member=member)
    assert "页面测试企业" in client_for("organizer").get(reverse("coverage:assignments")).content.decode()
    mine = client_for("member").get(reverse("coverage:assignments"))
    assert mine.status_code == 200 and mine.context["tab"] == "mine" and "页面测试企业" in mine.content.decode()
    assert "页面测试企业" not in client_for("sibling").get(reverse("coverage:assignments")).content.decode()
    assert client_for("resident").get(reverse("coverage:assignments")).status_code == 403


def test_assign_through_the_form_and_bad_input(client_for, personas, org):
    firm = make_firm(personas["organizer"], org["community"], 9502)
    client = client_for("community")
    search = client.get(reverse("coverage:assignment_new"), {"q": "测试企业9502"})
    assert search.status_code == 200 and [f.pk for f in search.context["found_firms"]] == [firm.pk]
    assert "form" not in search.context  # no giant list of every firm: the firm is chosen first
    page = client.get(reverse("coverage:assignment_new"), {"firm": firm.pk})
    assert page.status_code == 200 and page.context["form"].initial["firm"] == firm.pk
    assert list(page.context["form"].fields["member"].queryset) == []  # members come from a search
    someone = Member.objects.get(user=personas["member"])
    found = client.get(reverse("coverage:assignment_new"), {"firm": firm.pk, "mq": someone.name})
    assert someone in found.context["form"].fields["member"].queryset
    capped = client.get(reverse("coverage:assignment_new"), {"firm": firm.pk, "mq": "z"})
    assert len(capped.context["found_members"]) <= 30
    assert client.put(reverse("coverage:assignment_new")).status_code == 405
    data = {"firm": firm.pk, "role": "instructor", "appointed_by": org["community"].pk, "name": "",
            "started_on": f"{TODAY:%Y-%m-%d}"}
    bad = client.post(reverse("coverage:assignment_new"), data)
    assert bad.status_code == 200 and "name" in bad.context["form"].errors
    data["name"] = "孙指导"
    done = client.post(reverse("coverage:assignment_new"), data)
    assignment = Assignment.objects.get(firm=firm)
    assert done.status_code == 302 and done["Location"] == reverse("coverage:assignment", args=[assignment.pk])
    again = client.post(reverse("coverage:assignment_new"), data)  # the service refuses the same open term
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    assert client_for("branch").get(reverse("coverage:assignment_new")).status_code == 403


def test_log_solve_and_end_on_the_detail_page(client_for, personas, org):
    firm = make_firm(personas["organizer"], org["community"], 9503)
    member = Member.objects.get(user=personas["member"])
    a = make_assignment(personas["organizer"], firm, appointed_by=org["community"], role="leader", member=member,
                        started_on=TODAY - datetime.timedelta(days=40))
    client = client_for("member")
    assert client.get(reverse("coverage:assignment", args=[a.pk])).context["can_log"]
    future = client.post(reverse("coverage:contact_add", args=[a.pk]), {
        "contacted_on": f"{TODAY + datetime.timedelta(days=3):%Y-%m-%d}", "topic": "座谈"})
    assert future.status_code == 400 and "contacted_on" in future.context["log_form"].errors
    ok = client.post(reverse("coverage:contact_add", args=[a.pk]), {
        "contacted_on": f"{TODAY:%Y-%m-%d}", "topic": "座谈", "problems": "场地不足"})
    assert ok.status_code == 302
    log = ContactLog.objects.get(assignment=a)
    prefix = f"solve{log.pk}"
    solved = client.post(reverse("coverage:contact_solve", args=[log.pk]), {
        f"{prefix}-solution": "协调社区活动室", f"{prefix}-solved_on": f"{TODAY:%Y-%m-%d}"})
    assert solved.status_code == 302 and ContactLog.objects.get(pk=log.pk).solved
    assert client_for("sibling").post(reverse("coverage:contact_add", args=[a.pk]), {
        "contacted_on": f"{TODAY:%Y-%m-%d}", "topic": "x"}).status_code == 404
    assert client_for("member").post(reverse("coverage:assignment_end", args=[a.pk]), {
        "ended_on": f"{TODAY:%Y-%m-%d}", "reason": "x"}).status_code == 403
    ended = client_for("community").post(reverse("coverage:assignment_end", args=[a.pk]), {
        "ended_on": f"{TODAY:%Y-%m-%d}", "reason": "职务调整"})
    assert ended.status_code == 302 and Assignment.objects.get(pk=a.pk).ended_on == TODAY


def test_dual_management_groups_firms_without_their_own_organization(client_for, personas, org):
    firm = make_firm(personas["organizer"], org["community"], 9504, name="双重管理企业")
    Firm.objects.filter(pk=firm.pk).update(sector_organization=org["street"])
    make_assignment(personas["organizer"], firm, appointed_by=org["street"], name="周指导")
    page = client_for("organizer").get(reverse("coverage:dual"))
    assert page.status_code == 200
    groups = dict(page.context["by_sector"])
    assert [f.name for f in groups[org["street"]]] == ["双重管理企业"]
    assert [g.name for g in groups[org["street"]][0].guides] == ["周指导"]
    assert client_for("member").get(reverse("coverage:dual")).status_code == 403


def _queries(client, url, params=None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params or {})
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def _assigned_firms(personas, org, first: int, count: int) -> None:
    for n in range(count):
        firm = make_firm(personas["organizer"], org["community"], first + n)
        Firm.objects.filter(pk=firm.pk).update(sector_organization=org["street"])
        a = make_assignment(personas["organizer"], firm, appointed_by=org["community"], name=f"指导员{first + n}")
        ContactLog.objects.create(assignment=a, contacted_on=TODAY, topic="走访", problems="问题")


def test_the_assignment_list_and_dual_page_take_as_many_queries_for_2n_rows_as_for_n(client_for, personas, org):
    client = client_for("organizer")
    _assigned_firms(personas, org, 9510, 3)
    first = (_queries(client, reverse("coverage:assignments")), _queries(client, reverse("coverage:dual")))
    _assigned_firms(personas, org, 9520, 3)
    assert client.get(reverse("coverage:assignments")).context["page_obj"].paginator.count >= 6
    assert (_queries(client, reverse("coverage:assignments")), _queries(client, reverse("coverage:dual"))) == first
