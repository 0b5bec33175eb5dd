"""The firm register's pages and API as the community secretary uses them; refusals for others."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.coverage import selectors, services_staff, services_surveys
from dangjian.coverage.choices import Coverage
from dangjian.coverage.models import Firm
from dangjian.members.models import Member

from .fixtures import credit_code, make_firm

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def full_members(org, n=3):
    return list(org["branch"].members.filter(status="full", employer__isnull=True).order_by("id")[:n])


def test_register_edit_and_see_a_firm(client_for, org):
    client = client_for("community")
    assert client.get("/coverage/firms/new/").status_code == 200
    response = client.post("/coverage/firms/new/", {
        "name": "滨河云数据有限公司", "kind": "private_enterprise", "credit_code": credit_code(601),
        "area_organization": org["community"].pk, "industry": "I", "employees": "40"})
    firm = Firm.objects.get(unit__credit_code=credit_code(601))
    assert response.status_code == 302 and response["Location"] == f"/coverage/firms/{firm.pk}/"
    bad = client.post("/coverage/firms/new/", {"name": "坏码", "kind": "private_enterprise",
                                                 "credit_code": credit_code(602)[:17] + "X",
                                                 "area_organization": org["community"].pk})
    assert bad.status_code == 200 and bad.context["form"].errors["credit_code"]
    page = client.get(f"/coverage/firms/{firm.pk}/")
    assert page.status_code == 200 and "滨河云数据有限公司" in page.content.decode()
    assert page.context["firm"].coverage == Coverage.NONE
    edit = client.post(f"/coverage/firms/{firm.pk}/edit/", {
        "name": "滨河云数据股份有限公司", "kind": "private_enterprise", "credit_code": credit_code(601),
        "area_organization": org["community"].pk, "status": "operating", "employees": "45"})
    assert edit.status_code == 302
    firm.refresh_from_db()
    assert firm.unit.name == "滨河云数据股份有限公司" and firm.employees == 45
    listing = client.get("/coverage/firms/", {"q": "云数据"})
    assert [f.pk for f in listing.context["page_obj"]] == [firm.pk]


def test_others_are_refused(client_for, personas, org):
    firm = make_firm(personas["organizer"], org["community"], 611)
    assert client_for("sibling").get(f"/coverage/firms/{firm.pk}/").status_code == 404
    assert client_for("branch").get("/coverage/firms/new/").status_code == 403
    assert client_for("auditor").get(f"/coverage/firms/{firm.pk}/").status_code == 200
    assert client_for("auditor").get(f"/coverage/firms/{firm.pk}/edit/").status_code == 403
    assert firm.pk not in [f.pk for f in client_for("sibling").get("/coverage/firms/").context["page_obj"]]
    assert client_for("member").get("/coverage/firms/").status_code == 403


def test_a_survey_closing_the_firm_takes_it_out_of_the_counts(client_for, personas, org):
    firm = make_firm(personas["organizer"], org["community"], 621)
    before = selectors.coverage_counts(org["community"])["total"]
    response = client_for("community").post(f"/coverage/firms/{firm.pk}/surveys/new/", {
        "surveyed_on": TODAY.isoformat(), "surveyor": "李网格", "status_found": "closed", "members_reported": "2"})
    assert response.status_code == 302
    firm.refresh_from_db()
    assert firm.status == "closed" and firm.closed_on == TODAY and firm.surveys.count() == 1
    assert selectors.coverage_counts(org["community"])["total"] == before - 1
    assert AuditEntry.objects.filter(action="firm.surveyed").exists()
    future = client_for("community").post(f"/coverage/firms/{firm.pk}/surveys/new/", {
        "surveyed_on": (TODAY + datetime.timedelta(days=3)).isoformat(), "surveyor": "李网格",
        "status_found": "operating"})
    assert future.status_code == 200 and firm.surveys.count() == 1


def test_linking_three_full_members_makes_the_firm_ready(client_for, personas, org):
    firm = make_firm(personas["organizer"], org["community"], 631)
    client = client_for("community")
    people = full_members(org)
    assert client.get(f"/coverage/firms/{firm.pk}/staff/", {"q": people[0].name}).status_code == 200
    for member in people:
        assert client.post(f"/coverage/firms/{firm.pk}/staff/", {"member": member.pk}).status_code == 302
    assert selectors.ready_to_form(Firm.objects.filter(pk=firm.pk)).exists()
    ready = client.get("/coverage/firms/ready/")
    assert firm.pk in [f.pk for f in ready.context["page_obj"]]
    assert client.get(f"/coverage/firms/{firm.pk}/").context["ready"]
    # Unlinking one takes it off the list; linking the same person twice is refused.
    client.post(f"/coverage/firms/{firm.pk}/staff/", {"member": people[0].pk, "action": "unlink"})
    assert not selectors.ready_to_form(Firm.objects.filter(pk=firm.pk)).exists()
    people[1].refresh_from_db()
    with pytest.raises(ValidationError):
        services_staff.firm_staff_link(actor=personas["community"], firm=firm, member=people[1])
    assert AuditEntry.objects.filter(action="firm.staff_linked").count() == 3
    # Forming its own branch makes the coverage ``own``.
    response = client.post(f"/coverage/firms/{firm.pk}/branch/", {
        "parent": org["community"].pk, "name": "测试企业631党支部", "code": "LJTESTF631", "org_type": "branch",
        "on": TODAY.isoformat()})
    assert response.status_code == 302
    assert client.get(f"/coverage/firms/{firm.pk}/").context["firm"].coverage == Coverage.OWN


def test_survey_service_refuses_outside_scope(personas, org):
    from django.core.exceptions import PermissionDenied

    firm = make_firm(personas["organizer"], org["community"], 641)
    with pytest.raises(PermissionDenied):
        services_surveys.firm_survey_record(actor=personas["sibling"], firm=firm, surveyed_on=TODAY, surveyor="x")


def _queries(client, url, params=None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params or {})  # warm the caches (session, rules)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def _ready_firms(personas, org, first: int, count: int, people: list) -> None:
    """``count`` firms, each with three of ``people`` (full members) working there."""
    for k in range(count):
        firm = make_firm(personas["organizer"], org["community"], first + k)
        Member.objects.filter(pk__in=[m.pk for m in people[3 * k:3 * k + 3]]).update(employer=firm.unit_id)


def test_the_list_and_the_ready_list_take_as_many_queries_for_2n_firms_as_for_n(client_for, personas, org):
    people = list(Member.objects.filter(status="full", employer__isnull=True).order_by("id")[:12])
    assert len(people) == 12
    client = client_for("community")
    _ready_firms(personas, org, 6700, 2, people[:6])
    for n in range(6710, 6712):
        make_firm(personas["organizer"], org["community"], n)
    first = (_queries(client, "/coverage/firms/"), _queries(client, "/coverage/firms/ready/"))
    _ready_firms(personas, org, 6720, 2, people[6:])
    for n in range(6730, 6732):
        make_firm(personas["organizer"], org["community"], n)
    assert len(client.get("/coverage/firms/ready/").context["page_obj"]) >= 4
    assert (_queries(client, "/coverage/firms/"), _queries(client, "/coverage/firms/ready/")) == first


def test_the_ready_list_keeps_to_the_area_and_pages(client_for, personas, org):
    people = list(Member.objects.filter(status="full", employer__isnull=True).order_by("id")[:3])
    _ready_firms(personas, org, 6740, 1, people)
    client = client_for("admin")
    codes = {f.unit.credit_code for f in client.get("/coverage/firms/ready/", {"org": org["community"].pk})
             .context["page_obj"]}
    assert credit_code(6740) in codes
    town = client.get("/coverage/firms/ready/", {"org": org["town"].pk})
    assert town.status_code == 200 and credit_code(6740) not in {f.unit.credit_code for f in town.context["page_obj"]}
    bad = client.get("/coverage/firms/ready/", {"on": "2026-02-30"})
    assert bad.status_code == 200 and bad.context["error"] and bad.context["on"] == TODAY


def test_a_back_dated_survey_leaves_the_register_as_the_latest_survey_found_it(personas, org):
    firm = make_firm(personas["organizer"], org["community"], 6801, employees=20)
    actor = personas["community"]
    services_surveys.firm_survey_record(actor=actor, firm=firm, surveyed_on=TODAY, surveyor="李网格", employees=25)
    firm.refresh_from_db()
    assert firm.employees == 25 and firm.status == "operating"
    services_surveys.firm_survey_record(actor=actor, firm=firm, surveyed_on=TODAY - datetime.timedelta(days=200),
                                        surveyor="王网格", status_found="closed", employees=3)
    firm.refresh_from_db()
    assert (firm.status, firm.closed_on, firm.employees) == ("operating", None, 25)
    assert firm.surveys.count() == 2
    assert selectors.with_last_survey(Firm.objects.filter(pk=firm.pk)).get().last_surveyed_on == TODAY


def test_export_and_query_counts(client_for, personas, org):
    for n in range(651, 657):
        make_firm(personas["organizer"], org["community"], n)
    client = client_for("community")
    response = client.get("/coverage/firms/export/", {"org": org["community"].pk})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert AuditEntry.objects.filter(action="firm.exported").count() == 1


def test_api_fields_scope_and_query_count(client_for, personas, org, django_assert_max_num_queries):
    firm = make_firm(personas["organizer"], org["community"], 661, industry="I")
    client = client_for("community")
    with django_assert_max_num_queries(8):
        first = client.get("/api/v1/firms/", {"organization": org["community"].pk}).json()
    for n in range(662, 668):
        make_firm(personas["organizer"], org["community"], n)
    with django_assert_max_num_queries(8):
        client.get("/api/v1/firms/", {"organization": org["community"].pk})
    row = next(r for r in first["results"] if r["id"] == firm.pk)
    assert row["credit_code"] == credit_code(661) and row["coverage"] == "none" and row["kind"] == "private_enterprise"
    assert row["area_organization"] == {"id": org["community"].pk, "name": "滨河社区党委"}
    assert {"members", "full_members", "activists", "last_surveyed_on", "has_own"} <= set(row)
    detail = client.get(f"/api/v1/firms/{firm.pk}/").json()
    assert detail["own_organizations"] == [] and detail["assignments"] == []
    assert client.get("/api/v1/firms/", {"coverage": "own", "organization": org["community"].pk}).json()["count"] == 0
    assert client_for("sibling").get(f"/api/v1/firms/{firm.pk}/").status_code == 404
