"""Hardship and care as a branch secretary uses the pages; what others may not see."""
import datetime
import io

from django.utils import timezone
from openpyxl import load_workbook

from dangjian.care import services
from dangjian.care.choices import CaseStatus, Occasion
from dangjian.care.models import CareVisit, HardshipCase
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

TODAY = timezone.localdate()


def member_of(org, n=0):
    """An on-roll member of ``org``'s subtree not in hardship."""
    return Member.objects.on_roll().filter(organization__path__startswith=org.path, in_hardship=False).order_by("pk")[n]


def test_register_a_case_record_support_and_close_it(client_for, org):
    client = client_for("branch")
    member = member_of(org["branch"])
    page = client.get("/care/cases/new/", {"member": member.pk})
    assert page.status_code == 200 and member.name in page.content.decode()
    response = client.post(f"/care/cases/new/?member={member.pk}", {
        "member": member.pk, "kinds": ["illness", "low_income"], "situation": "患重病，家庭收入低",
        "since": "2026-03-01"})
    case = HardshipCase.objects.get(member=member)
    assert response.status_code == 302 and response["Location"] == f"/care/cases/{case.pk}/"
    assert Member.objects.get(pk=member.pk).in_hardship
    response = client.post(f"/care/cases/{case.pk}/support/", {
        "given_on": TODAY.isoformat(), "kind": "money", "amount": "1000", "given_by_organization": org["branch"].pk,
        "funding_source": "care_fund"})
    assert response.status_code == 302 and case.supports.count() == 1
    # A payment without its amount is refused beside the field; nothing is written.
    response = client.post(f"/care/cases/{case.pk}/support/", {"given_on": TODAY.isoformat(), "kind": "money",
                                                                "given_by": "书记"})
    assert response.status_code == 200 and response.context["form"].errors["amount"] and case.supports.count() == 1
    detail = client.get(f"/care/cases/{case.pk}/")
    assert detail.status_code == 200 and detail.context["money"] == 1000 and "患重病" in detail.content.decode()
    response = client.post(f"/care/cases/{case.pk}/close/", {"closed_on": TODAY.isoformat(), "outcome": "已纳入低保"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and not Member.objects.get(pk=member.pk).in_hardship


def test_cases_are_hidden_from_members_and_other_branches(client_for, org, personas):
    member = personas["member"].member
    case = services.hardship_case_open(actor=None, member=member, kinds=["illness"], situation="住院", since=TODAY)
    for persona in ("member", "sibling"):
        assert client_for(persona).get(f"/care/cases/{case.pk}/").status_code == 404
        assert client_for(persona).get(f"/api/v1/hardship-cases/{case.pk}/").status_code == 404
    assert client_for("member").get("/care/").status_code == 403
    assert client_for("sibling").get("/care/", {"org": org["branch"].pk}).status_code == 404
    sibling_page = client_for("sibling").get("/care/").content.decode()
    assert f"/care/cases/{case.pk}/" not in sibling_page
    # Their own member page shows nothing of it either.
    page = client_for("member").get(f"/members/{member.pk}/").content.decode()
    assert "住院" not in page and f"/care/cases/{case.pk}/" not in page
    # The auditor reads but does not change.
    assert client_for("auditor").get(f"/care/cases/{case.pk}/").status_code == 200
    assert client_for("auditor").post(f"/care/cases/{case.pk}/close/", {"outcome": "x"}).status_code == 403
    # The secretary sees the case on the member's page.
    assert f"/care/cases/{case.pk}/" in client_for("branch").get(f"/members/{member.pk}/").content.decode()


def test_member_edit_form_no_longer_sets_hardship(client_for, org):
    member = member_of(org["branch"])
    form = client_for("branch").get(f"/members/{member.pk}/edit/").context["form"]
    assert "in_hardship" not in form.fields


def test_register_page_filters_counts_and_query_count(client_for, org, django_assert_max_num_queries):
    for n in range(12):
        member = member_of(org["community"], n)
        case = services.hardship_case_open(actor=None, member=member, kinds=["illness" if n % 2 else "low_income"],
                                           situation="困难", since=TODAY - datetime.timedelta(days=200),
                                           on=TODAY - datetime.timedelta(days=150))
        if n % 3 == 0:
            services.support_record(actor=None, case=case, given_on=TODAY, kind="money", amount=500, given_by="社区")
        services.care_visits_record(actor=None, members=[member], occasion=Occasion.ILLNESS, visited_on=TODAY,
                                    visitors="书记") if n == 1 else None
    client = client_for("community")
    with django_assert_max_num_queries(20):
        response = client.get("/care/", {"org": org["community"].pk})
    assert response.status_code == 200 and response.context["counts"]["open"] == 12
    assert response.context["stale_count"] == 12 - 4 - 1
    children = {c.pk for c in Organization.objects.get_children(org["community"])}
    assert {row["org"].pk for row in response.context["by_org"]} <= children
    stale = client.get("/care/", {"org": org["community"].pk, "stale": "1"})
    assert stale.context["page_obj"].paginator.count == 7
    ill = client.get("/care/", {"org": org["community"].pk, "kind": "illness"})
    assert ill.context["page_obj"].paginator.count == 6
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/hardship-cases/", {"page_size": 200}).json()["count"] == 12


def test_export_is_audited(client_for, org):
    services.hardship_case_open(actor=None, member=member_of(org["branch"]), kinds=["disability"], situation="肢体残疾",
                                since=TODAY)
    response = client_for("branch").get("/care/export/", {"org": org["branch"].pk})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and len(rows) == 2 and "肢体残疾" in rows[1]
    entry = AuditEntry.objects.get(action="hardship.exported")
    assert entry.changes["count"] == 1 and entry.organization == org["branch"]
    assert client_for("auditor").get("/care/export/", {"org": org["branch"].pk}).status_code == 403


def test_batch_visits_from_the_care_list(client_for, org, django_assert_max_num_queries):
    branch = org["branch"]
    old = branch.members.on_roll().order_by("pk")[:3]
    Member.objects.filter(pk__in=[m.pk for m in old]).update(birth_date=datetime.date(1938, 3, 1))
    client = client_for("branch")
    listing = client.get("/care/care-list/", {"org": branch.pk, "occasion": "double_ninth", "year": 2026})
    assert listing.status_code == 200 and listing.context["waiting"] >= 3
    page = client.get("/care/visits/new/", {"org": branch.pk, "occasion": "double_ninth", "year": 2026})
    assert page.status_code == 200 and {str(m.pk) for m in old} <= page.context["checked"]
    response = client.post(f"/care/visits/new/?org={branch.pk}&occasion=double_ninth&year=2026", {
        "occasion": "double_ninth", "visited_on": "2026-10-16", "visitors": "社区党委书记、支部书记", "gifts": "重阳糕",
        "amount": "200", "members": [m.pk for m in old]})
    assert response.status_code == 302 and "care-list" in response["Location"]
    assert CareVisit.objects.filter(occasion="double_ninth", year=2026).count() == 3
    assert AuditEntry.objects.filter(action="care_visit.recorded").count() == 3
    with django_assert_max_num_queries(14):
        listing = client.get("/care/care-list/", {"org": branch.pk, "occasion": "double_ninth", "year": 2026})
    assert listing.context["visited"] == 3
    visits = client.get("/care/visits/", {"org": branch.pk, "year": 2026})
    assert visits.context["counts"]["total"] == 3 and visits.context["counts"]["money"] == 600
    # Nobody ticked: refused, nothing written.
    response = client.post(f"/care/visits/new/?org={branch.pk}", {"occasion": "other", "visited_on": "2026-10-16",
                                                                    "visitors": "书记"})
    assert response.status_code == 200 and CareVisit.objects.count() == 3


def test_demo_data(org):
    from dangjian.care.demo import build_demo

    build_demo(seed=1)
    cases = HardshipCase.objects.filter(member__organization__path__startswith=org["community"].path)
    assert cases.filter(status=CaseStatus.OPEN).exists() and cases.filter(status=CaseStatus.CLOSED).exists()
    assert not Member.objects.filter(in_hardship=True, organization__path__startswith=org["community"].path).exclude(
        hardship_cases__status=CaseStatus.OPEN).exists(), "every member marked in hardship has an open case"
    assert CareVisit.objects.exists() and cases.filter(supports__isnull=False).exists()


def test_workbench_shows_members_waiting_for_help(client_for, org):
    services.hardship_case_open(actor=None, member=member_of(org["branch"]), kinds=["illness"], situation="住院",
                                since=TODAY - datetime.timedelta(days=300), on=TODAY - datetime.timedelta(days=200))
    todos = client_for("branch").get("/").context["todos"]
    assert any(t["kind"] == "alert" and t["url"] == f"/care/?org={org['branch'].pk}&stale=1" for t in todos)
    assert not any(t["kind"] == "alert" and "/care/" in t["url"] for t in client_for("member").get("/").context["todos"])
