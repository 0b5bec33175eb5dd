"""Lost contact (失联党员): the case, searches, the deadlines of the rule pack, handling, found; pages."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.access import user_scope
from dangjian.core.dates import add_months
from dangjian.core.models import AuditEntry, RulePack
from dangjian.members.choices import ChangeChannel, LostContactStatus, MemberStatus
from dangjian.members.lost_contact import (
    case_deadlines,
    lost_contact_found,
    lost_contact_handle,
    lost_contact_open,
    lost_contact_search,
    rules_for,
)
from dangjian.members.models import Member
from dangjian.members.selectors import workbench_items
from dangjian.members.standing import member_status_change


def full(org, key="branch", n=0):
    return org[key].members.filter(status=MemberStatus.FULL, user__isnull=True, posts__isnull=True).order_by("id")[n]


def search(case, *days):
    for day in days:
        lost_contact_search(actor=None, case=case, on=day, method="phone", result="无人接听", searched_by="书记")


def test_open_search_and_found(org, personas):
    today = timezone.localdate()
    member = full(org)
    case = lost_contact_open(actor=personas["branch"], member=member, since=today - datetime.timedelta(days=20),
                             note="外出后失去联系")
    member.refresh_from_db()
    assert member.status == MemberStatus.LOST_CONTACT and member.is_on_roll
    assert case.previous_status == MemberStatus.FULL and case.rule_version.startswith("national-members")
    assert member.status_changes.get().channel == ChangeChannel.LOST_CONTACT
    assert AuditEntry.objects.filter(action="lost_contact.opened", object_id=str(member.pk)).count() == 1
    with pytest.raises(ValidationError):
        lost_contact_open(actor=None, member=member, since=today)
    with pytest.raises(ValidationError) as exc:
        lost_contact_search(actor=None, case=case, on=case.since - datetime.timedelta(days=1), method="phone", result="x",
                            searched_by="书记")
    assert "on" in exc.value.message_dict
    search(case, today)
    lost_contact_found(actor=None, case=case, on=today, outcome="在外地务工，已恢复联系")
    member.refresh_from_db()
    case.refresh_from_db()
    assert member.status == MemberStatus.FULL and case.status == LostContactStatus.FOUND and case.closed_on == today
    with pytest.raises(ValidationError):
        search(case, today)


def test_deadlines_come_from_the_pack(org):
    today = timezone.localdate()
    member = full(org)
    since = add_months(today, -7)
    case = lost_contact_open(actor=None, member=member, since=since)
    rules = rules_for(org["branch"])
    assert (rules.search_interval_days, rules.handle_after_months, rules.lapse_after_months) == (30, 6, 24)
    last = today - datetime.timedelta(days=40)
    deadlines = case_deadlines(case, rules, last_search=last, search_count=1, today=today)
    assert deadlines.next_search == last + datetime.timedelta(days=30) and deadlines.search_overdue
    assert deadlines.handle_from == add_months(since, 6)
    assert deadlines.searches_short == 1 and not deadlines.handle_due  # the pack asks for two searches
    assert deadlines.next_step == MemberStatus.SUSPENDED and deadlines.rule_version.startswith("national-members")
    deadlines = case_deadlines(case, rules, last_search=last, search_count=2, today=today)
    assert deadlines.handle_due
    # A local pack of the community shortens the periods for its subtree only.
    RulePack.objects.create(code="test-local-lost", version="1", title="本地", effective_from=datetime.date(2020, 1, 1),
                            organization_code=org["community"].code,
                            data={"lost_contact": {"handle_after_months": 3, "search_interval_days": 14}})
    local = rules_for(org["branch"])
    assert (local.handle_after_months, local.search_interval_days, local.lapse_after_months) == (3, 14, 24)
    assert local.version == "test-local-lost 1"
    assert case_deadlines(case, local, last_search=last, search_count=2, today=today).handle_from == add_months(since, 3)
    assert rules_for(org["town"]).handle_after_months == 6


def test_handling_waits_for_the_rules_then_suspends_then_lapses(org):
    today = timezone.localdate()
    member = full(org)
    since = add_months(today, -40)
    case = lost_contact_open(actor=None, member=member, since=since)
    search(case, add_months(since, 1))
    with pytest.raises(ValidationError):  # too few searches
        lost_contact_handle(actor=None, case=case, on=add_months(since, 7), decision="停止党籍")
    search(case, add_months(since, 2))
    with pytest.raises(ValidationError) as exc:  # 6 months not yet passed
        lost_contact_handle(actor=None, case=case, on=add_months(since, 6) - datetime.timedelta(days=1), decision="停止党籍")
    assert "on" in exc.value.message_dict
    lost_contact_handle(actor=None, case=case, on=add_months(since, 6), decision="经支部党员大会讨论，停止党籍",
                        document="停止党籍的决定")
    member.refresh_from_db()
    case.refresh_from_db()
    assert member.status == MemberStatus.SUSPENDED and case.status == LostContactStatus.SUSPENDED
    assert case.suspended_on == add_months(since, 6) and member.is_on_roll
    with pytest.raises(ValidationError):  # removal only after 24 months of suspension
        lost_contact_handle(actor=None, case=case, on=add_months(since, 29), decision="自行脱党除名")
    lost_contact_handle(actor=None, case=case, on=add_months(since, 30), decision="按照自行脱党予以党内除名")
    member.refresh_from_db()
    case.refresh_from_db()
    assert member.status == MemberStatus.LAPSED and case.status == LostContactStatus.HANDLED
    assert member.memberships.get(organization=org["branch"]).ended_on == add_months(since, 30)
    assert list(member.status_changes.order_by("effective_on", "id").values_list("to_status", flat=True)) == [
        "lost_contact", "suspended", "lapsed"]


def test_found_after_suspension_restores_membership(org):
    today = timezone.localdate()
    member = full(org)
    since = add_months(today, -8)
    case = lost_contact_open(actor=None, member=member, since=since)
    search(case, add_months(since, 1), add_months(since, 2))
    lost_contact_handle(actor=None, case=case, on=add_months(since, 7), decision="停止党籍")
    member.refresh_from_db()
    with pytest.raises(ValidationError):  # while the case is open, the standing changes only through it
        member_status_change(actor=None, member=member, to=MemberStatus.FULL, effective_on=today, reason="恢复党籍")
    lost_contact_found(actor=None, case=case, on=today, outcome="本人主动联系支部，经审查恢复党籍")
    member.refresh_from_db()
    assert member.status == MemberStatus.FULL


def test_probationary_member_lost_contact_has_probation_cancelled(org):
    today = timezone.localdate()
    member = full(org)
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.PROBATIONARY, full_member_on=None,
                                               joined_on=add_months(today, -11))
    member.refresh_from_db()
    member.memberships.update(started_on=add_months(today, -11))
    case = lost_contact_open(actor=None, member=member, since=add_months(today, -10))
    search(case, add_months(today, -9), add_months(today, -8))
    lost_contact_handle(actor=None, case=case, on=today, decision="取消预备党员资格")
    member.refresh_from_db()
    assert member.status == MemberStatus.PROBATION_CANCELLED and not member.is_on_roll


def test_pages_and_workbench(client_for, org, personas):
    today = timezone.localdate()
    member, other = full(org), full(org, n=1)
    client = client_for("branch")
    assert client.get(f"/members/{member.pk}/lost-contact/").status_code == 200
    response = client.post(f"/members/{member.pk}/lost-contact/", {"since": add_months(today, -7).isoformat(),
                                                                   "note": "搬离后失去联系"})
    assert response.status_code == 302
    case = member.lost_contact_cases.get()
    assert response["Location"] == f"/members/lost-contact/{case.pk}/"
    for day in (add_months(today, -6), add_months(today, -5)):
        assert client.post(f"/members/lost-contact/{case.pk}/search/", {
            "on": day.isoformat(), "method": "home_visit", "result": "无人", "searched_by": "网格员"}).status_code == 302
    Member.objects.filter(pk=other.pk).update(status=MemberStatus.LOST_CONTACT)  # marked without a case
    response = client.get("/members/lost-contact/")
    assert [c.pk for c in response.context["page_obj"]] == [case.pk]
    assert response.context["page_obj"][0].deadlines.handle_due
    assert other.pk in {m.pk for m in response.context["unrecorded"]}
    page = client.get(f"/members/lost-contact/{case.pk}/")
    assert page.status_code == 200 and page.context["deadlines"].handle_due
    # The workbench asks for the next search and says the case can be handled.
    items = [i for i in workbench_items(root=org["branch"], user=personas["branch"], today=today) if "lost-contact" in i["url"]]
    assert len(items) == 2 and [i["overdue"] for i in items] == [True, False]  # search due; can be handled
    sibling = workbench_items(root=org["sibling"], user=personas["sibling"], today=today)
    assert not any("lost-contact" in i["url"] for i in sibling)
    response = client.post(f"/members/lost-contact/{case.pk}/handle/", {
        "on": today.isoformat(), "decision": "停止党籍", "document": "", "confirm": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.SUSPENDED
    # Scope: the sibling does not see the case; an ordinary member has no list and cannot act.
    assert client_for("sibling").get(f"/members/lost-contact/{case.pk}/").status_code == 404
    assert client_for("member").get("/members/lost-contact/").status_code == 403
    assert client_for("member").get(f"/members/lost-contact/{case.pk}/").status_code == 404
    assert client_for("community").get(f"/members/lost-contact/{case.pk}/search/").status_code == 200


def test_workbench_page_shows_the_items(client_for, org, personas, django_assert_max_num_queries):
    today = timezone.localdate()
    member = full(org)
    case = lost_contact_open(actor=None, member=member, since=add_months(today, -3))
    search(case, add_months(today, -3) + datetime.timedelta(days=1))
    user = personas["community"]
    user_scope(user, "change")
    with django_assert_max_num_queries(4):  # the packs, the open cases, the pledges, the birthdays
        items = workbench_items(root=org["community"], user=user, today=today)
    assert any("lost-contact" in i["url"] and i["overdue"] for i in items)
    response = client_for("branch").get("/")
    assert response.status_code == 200
    assert any(t.get("kind") == "alert" and "lost-contact" in t["url"] for t in response.context["todos"])
