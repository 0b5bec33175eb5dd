"""Building pages as the community secretary uses them, permissions, and the API."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core.models import AuditEntry
from dangjian.coverage import selectors, services_buildings, services_firms
from dangjian.coverage.choices import Coverage
from dangjian.coverage.models import AssociationEvent, Building, DeskService, Firm, JointUnit
from dangjian.coverage.templatetags.coverage_tags import BADGE_CLASSES

from .fixtures_buildings import TODAY, make_building, make_desk, make_tenant

pytestmark = pytest.mark.django_db


def coverage_of(firm):
    return selectors.with_coverage(Firm.objects.filter(pk=firm.pk)).get().coverage


def test_register_a_building_and_see_it_masked(client_for, org):
    client = client_for("community")
    assert client.get("/coverage/buildings/new/").status_code == 200
    response = client.post("/coverage/buildings/new/", {
        "area_organization": org["community"].pk, "name": "滨江商务大厦", "address": "江滨大道100号",
        "floors_above": 18, "floors_below": 2, "property_company": "临江物业", "property_phone": "13905712345"})
    building = Building.objects.get(name="滨江商务大厦")
    assert response.status_code == 302 and response["Location"] == f"/coverage/buildings/{building.pk}/"
    page = client.get(f"/coverage/buildings/{building.pk}/").content.decode()
    assert "139****2345" in page and "13905712345" not in page and "临江物业" in page
    listing = client.get("/coverage/buildings/").content.decode()
    assert "滨江商务大厦" in listing and "13905712345" not in listing
    response = client.post(f"/coverage/buildings/{building.pk}/reveal/", {"purpose": "联系物业"})
    assert "13905712345" in response.content.decode()
    assert AuditEntry.objects.filter(action="office_building.phone_revealed").count() == 1
    bad = client.post("/coverage/buildings/new/", {"area_organization": org["community"].pk, "name": "X",
                                                    "address": "Y", "floors_above": 0, "floors_below": 0})
    assert bad.status_code == 200 and not Building.objects.filter(name="X").exists()


def test_forming_a_joint_branch_from_the_building_page_turns_tenants_joint(client_for, personas, org):
    actor = personas["community"]
    building = make_building(actor, org["community"])
    firms = [make_tenant(actor, building, n, n, industry="I") for n in (8, 9, 10)]
    upstairs = make_tenant(actor, building, 15, 15, industry="J")
    client = client_for("community")
    url = f"/coverage/buildings/{building.pk}/joint/"
    page = client.get(url, {"floor_from": 8, "floor_to": 10}).content.decode()
    assert "楼宇企业9" in page and "楼宇企业15" not in page
    response = client.post(url, {"firms": [f.pk for f in firms], "name": "滨江商务大厦第一联合党支部",
                                 "code": "LJTESTLY1", "parent": org["community"].pk})
    assert response.status_code == 302
    assert all(coverage_of(f) == Coverage.JOINT for f in firms) and coverage_of(upstairs) == Coverage.NONE
    detail = client.get(f"/coverage/buildings/{building.pk}/").content.decode()
    assert "滨江商务大厦第一联合党支部" in detail
    # Add the fourth tenant to it through the join page.
    joint = JointUnit.objects.filter(unit=firms[0].unit).get().organization
    response = client.post(f"/coverage/buildings/{building.pk}/joint/join/", {"organization": joint.pk,
                                                                               "firm": upstairs.pk})
    assert response.status_code == 302 and coverage_of(upstairs) == Coverage.JOINT


def test_too_many_firms_is_shown_on_the_form(client_for, personas, org):
    actor = personas["community"]
    building = make_building(actor, org["community"])
    firms = [make_tenant(actor, building, n, n) for n in range(2, 8)]
    response = client_for("community").post(f"/coverage/buildings/{building.pk}/joint/", {
        "firms": [f.pk for f in firms], "name": "六家联合党支部", "code": "LJTESTLY6", "parent": org["community"].pk})
    assert response.status_code == 200 and "5" in response.content.decode()
    assert response.context["form"].errors["firms"]
    assert not JointUnit.objects.filter(unit__in=[f.unit for f in firms]).exists()


def test_desk_page_records_settles_and_closes(client_for, personas, org):
    actor = personas["community"]
    building = make_building(actor, org["community"])
    tenant = make_tenant(actor, building, 1, 5)
    client = client_for("community")
    response = client.post(f"/coverage/buildings/{building.pk}/desks/new/", {
        "name": "滨江商务大厦党建服务咨询站", "opened_on": TODAY.isoformat(), "location": "1F"})
    desk = building.desks.get()
    assert response.status_code == 302
    response = client.post(f"/coverage/buildings/desks/{desk.pk}/services/", {
        "served_on": TODAY.isoformat(), "kind": "relation", "firm": tenant.pk, "subject": "组织关系转入"})
    assert response.status_code == 302
    record = DeskService.objects.get(desk=desk)
    bad = client.post(f"/coverage/buildings/desks/{desk.pk}/services/", {"served_on": TODAY.isoformat(),
                                                                         "kind": "relation", "subject": ""})
    assert bad.status_code == 200 and DeskService.objects.count() == 1
    client.post(f"/coverage/buildings/services/{record.pk}/settle/", {"note": "已办结"})
    record.refresh_from_db()
    assert record.resolved
    page = client.get(f"/coverage/buildings/desks/{desk.pk}/").content.decode()
    assert "组织关系转入" in page and "楼宇企业1" in page
    assert client_for("auditor").post(f"/coverage/buildings/desks/{desk.pk}/close/",
                                      {"closed_on": TODAY.isoformat()}).status_code == 403
    client_for("community").post(f"/coverage/buildings/desks/{desk.pk}/close/", {"closed_on": TODAY.isoformat()})
    desk.refresh_from_db()
    assert desk.closed_on == TODAY


def test_events_page(client_for, personas, org):
    actor = personas["community"]
    building = make_building(actor, org["community"])
    tenant = make_tenant(actor, building, 1, 5)
    client = client_for("community")
    response = client.post(f"/coverage/buildings/{building.pk}/events/new/", {
        "held_on": TODAY.isoformat(), "title": "楼宇企业联谊会座谈", "firms": [tenant.pk], "attendance": 25})
    assert response.status_code == 302 and AssociationEvent.objects.get().attendance == 25
    assert "楼宇企业联谊会座谈" in client.get(f"/coverage/buildings/{building.pk}/events/").content.decode()
    bad = client.post(f"/coverage/buildings/{building.pk}/events/new/", {
        "held_on": TODAY.isoformat(), "title": "x", "attendance": -3})
    assert bad.status_code == 200 and AssociationEvent.objects.count() == 1


def test_others_do_not_reach_the_building(client_for, personas, org):
    building = make_building(personas["community"], org["community"])
    assert client_for("sibling").get(f"/coverage/buildings/{building.pk}/").status_code == 404
    assert client_for("auditor").get(f"/coverage/buildings/{building.pk}/").status_code == 200
    assert client_for("auditor").post(f"/coverage/buildings/{building.pk}/reveal/",
                                      {"purpose": "看看"}).status_code == 403
    assert client_for("auditor").get(f"/coverage/buildings/{building.pk}/edit/").status_code == 403
    assert client_for("member").get("/coverage/buildings/").status_code == 403
    assert "滨江商务大厦" not in client_for("sibling").get("/coverage/buildings/").content.decode()


def queries(client, url) -> int:
    """The number of queries of one GET of ``url`` (after a first one that fills the caches)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def add_buildings(actor, area, first: int, count: int) -> None:
    """``count`` buildings of three tenants each, two of them in a joint branch."""
    for i in range(first, first + count):
        building = make_building(actor, area, name=f"商务楼{i}")
        tenants = [make_tenant(actor, building, 100 + i * 10 + j, j + 1) for j in range(3)]
        services_firms.joint_branch_form(actor=actor, parent=area, name=f"商务楼{i}联合党支部", code=f"LJTESTQ{i}",
                                         firms=tenants[:2])


def test_list_pages_and_api_cost_the_same_for_n_and_2n_buildings(client_for, personas, org):
    actor, client = personas["community"], client_for("community")
    add_buildings(actor, org["community"], 0, 3)
    few = (queries(client, "/coverage/buildings/"), queries(client, "/api/v1/buildings/"))
    add_buildings(actor, org["community"], 3, 3)
    many = (queries(client, "/coverage/buildings/"), queries(client, "/api/v1/buildings/"))
    assert few == many
    data = client.get("/api/v1/buildings/").json()
    row = next(r for r in data["results"] if r["name"] == "商务楼0")
    assert row["coverage"]["tenants"] == 3 and row["coverage"]["joint"] == 2 and row["coverage"]["none"] == 1
    assert row["property_phone_masked"] == "139****2345" and "property_phone" not in row


def fill_building(actor, building, first: int, count: int) -> None:
    """``count`` tenants on their own floors (the first two in a joint branch), a service each at the
    desk and an association event with all of them."""
    tenants = [make_tenant(actor, building, first + j, first + j) for j in range(count)]
    services_firms.joint_branch_form(actor=actor, parent=building.area_organization, name=f"第{first}联合党支部",
                                     code=f"LJTESTB{first}", firms=tenants[:2])
    desk = building.desks.first() or make_desk(actor, building)
    for firm in tenants:
        services_buildings.desk_service_record(actor=actor, desk=desk, served_on=TODAY, kind="consultation",
                                               subject="党员组织关系咨询", firm=firm)
    services_buildings.association_event_record(actor=actor, building=building, held_on=TODAY, title=f"联谊会{first}",
                                                firms=tenants, attendance=count * 3)


def test_building_and_desk_pages_cost_the_same_for_n_and_2n_tenants(client_for, personas, org):
    actor, client = personas["community"], client_for("community")
    building = make_building(actor, org["community"])
    fill_building(actor, building, 1, 3)
    pages = (f"/coverage/buildings/{building.pk}/", f"/coverage/buildings/desks/{building.desks.get().pk}/",
             f"/coverage/buildings/{building.pk}/events/")
    few = [queries(client, url) for url in pages]
    fill_building(actor, building, 4, 3)
    assert [queries(client, url) for url in pages] == few
    page = client.get(pages[0])
    assert len([f for row in page.context["floors"] for f in row["firms"]]) == 6
    assert page.context["summary"]["joint"] == 4


def test_api_detail_has_floors_and_organizations(client_for, personas, org):
    actor = personas["community"]
    building = make_building(actor, org["community"])
    a, b = make_tenant(actor, building, 1, 8), make_tenant(actor, building, 2, 9)
    services_firms.joint_branch_form(actor=actor, parent=org["community"], name="联合党支部", code="LJTESTLY2",
                                     firms=[a, b])
    data = client_for("community").get(f"/api/v1/buildings/{building.pk}/").json()
    assert data["coverage"]["joint"] == 2 and data["coverage"]["rate"] == "100.00"
    assert [row["floor"] for row in data["floors"]] == [9, 8]
    assert data["floors"][0]["tenants"][0] == {"id": b.pk, "name": "楼宇企业2", "floor": 9, "coverage": "joint"}
    assert data["organizations"][0]["kind"] == "joint" and set(data["organizations"][0]["firms"]) == {a.pk, b.pk}
    assert data["property_phone_masked"] == "139****2345" and "13905712345" not in str(data)
    assert client_for("sibling").get(f"/api/v1/buildings/{building.pk}/").status_code == 404
    # The floor chips link to the firms and take the colours and labels of the coverage badge.
    page = client_for("community").get(f"/coverage/buildings/{building.pk}/").content.decode()
    chip = f'{BADGE_CLASSES[Coverage.JOINT]}" href="/coverage/firms/{b.pk}/">楼宇企业2 · {Coverage.JOINT.label}</a>'
    assert chip in page and "href=\"#\"" not in page
