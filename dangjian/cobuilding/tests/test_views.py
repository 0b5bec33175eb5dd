"""Co-building pages as the community secretary uses them; the public brand page; the API."""
import datetime

from django.utils import timezone

from dangjian.cobuilding import services
from dangjian.cobuilding.models import Agreement, JointProject, MemberRegistration, PartnerUnit, ResourceBooking
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member

from .fixtures import make_resource, make_unit, tomorrow

TODAY = timezone.localdate()


def test_register_unit_and_see_it_masked(client_for, org):
    client = client_for("community")
    assert client.get("/cobuilding/units/new/").status_code == 200
    response = client.post("/cobuilding/units/new/", {
        "organization": org["community"].pk, "name": "江滨派出所", "kind": "police",
        "registered_on": TODAY.isoformat(), "contact_name": "张所长", "contact_phone": "13900001111"})
    unit = PartnerUnit.objects.get(name="江滨派出所")
    assert response.status_code == 302 and response["Location"] == f"/cobuilding/units/{unit.pk}/"
    page = client.get(f"/cobuilding/units/{unit.pk}/").content.decode()
    assert "139****1111" in page and "13900001111" not in page
    listing = client.get("/cobuilding/units/", {"org": org["community"].pk}).content.decode()
    assert "江滨派出所" in listing and "13900001111" not in listing
    # The full number after a stated purpose, logged.
    response = client.post(f"/cobuilding/units/{unit.pk}/reveal/", {"purpose": "联系共建活动"})
    assert "13900001111" in response.content.decode()
    assert AuditEntry.objects.filter(action="partner_unit.revealed").count() == 1
    # Refused without a purpose: nothing shown, nothing logged.
    response = client.post(f"/cobuilding/units/{unit.pk}/reveal/", {"purpose": ""})
    assert "13900001111" not in response.content.decode()


def test_others_do_not_reach_the_unit(client_for, org):
    unit = make_unit(org["community"])
    assert client_for("sibling").get(f"/cobuilding/units/{unit.pk}/").status_code == 404
    assert client_for("auditor").get(f"/cobuilding/units/{unit.pk}/").status_code == 200
    assert client_for("auditor").post(f"/cobuilding/units/{unit.pk}/reveal/", {"purpose": "看看"}).status_code == 403
    assert client_for("member").get("/cobuilding/").status_code == 403


def test_book_a_resource_and_approve(client_for, org):
    resource = make_resource(make_unit(org["community"]))
    client = client_for("community")
    url = f"/cobuilding/resources/{resource.pk}/book/"
    data = {"day": tomorrow().isoformat(), "starts_at": "09:00", "ends_at": "11:00", "purpose": "运动会"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "starts_at": "10:00", "ends_at": "12:00"})
    assert response.status_code == 200 and "已被预约" in response.content.decode()
    booking = ResourceBooking.objects.get(resource=resource)
    client.post(f"/cobuilding/bookings/{booking.pk}/step/", {"action": "approve"})
    booking.refresh_from_db()
    assert booking.status == "approved"
    page = client.get("/cobuilding/bookings/", {"org": org["community"].pk}).content.decode()
    assert "运动会" in page
    response = client_for("auditor").post(f"/cobuilding/bookings/{booking.pk}/step/", {"action": "decline", "note": "x"})
    assert response.status_code == 403


def test_registrations_projects_agreements_pages(client_for, org):
    unit = make_unit(org["community"])
    client = client_for("community")
    member = Member.objects.on_roll().filter(organization=org["branch"]).order_by("pk").first()
    response = client.post("/cobuilding/registrations/new/", {
        "organization": org["community"].pk, "member": member.pk, "registered_on": TODAY.isoformat(),
        "intentions": "辅导作业"})
    assert response.status_code == 302 and MemberRegistration.objects.filter(member=member).exists()
    page = client.get("/cobuilding/registrations/", {"org": org["community"].pk}).content.decode()
    assert member.name in page and unit.name in page
    response = client.post("/cobuilding/projects/new/", {
        "organization": org["community"].pk, "title": "家门口义诊", "area": "services", "units": [unit.pk],
        "starts_on": TODAY.isoformat(), "status": "ongoing"})
    assert response.status_code == 302 and JointProject.objects.filter(title="家门口义诊").exists()
    assert "家门口义诊" in client.get("/cobuilding/projects/").content.decode()
    response = client.post("/cobuilding/agreements/new/", {
        "unit": unit.pk, "signed_on": TODAY.isoformat(), "term_start": TODAY.isoformat(),
        "term_end": (TODAY + datetime.timedelta(days=15)).isoformat(), "terms": "共建一年"})
    assert response.status_code == 302 and Agreement.objects.filter(unit=unit).exists()
    page = client.get("/cobuilding/agreements/", {"org": org["community"].pk}).content.decode()
    assert "expiring" in page
    overview = client.get("/cobuilding/", {"org": org["community"].pk})
    assert overview.status_code == 200 and overview.context["counts"]["agreements_expiring"] >= 1


def test_brand_edit_and_public_page(client_for, org):
    unit = make_unit(org["community"])
    client = client_for("community")
    url = f"/cobuilding/brand/{org['community'].pk}/"
    assert client_for(None).get(url).status_code == 404  # no brand yet
    client = client_for("community")
    response = client.post(f"{url}edit/", {"name": "红管家", "slogan": "有事找红管家"})
    assert response.status_code == 302
    response = client.post(f"{url}activities/", {"held_on": TODAY.isoformat(), "title": "邻里节", "outcome": "600人"})
    assert response.status_code == 302
    page = client_for(None).get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "红管家" in body and "邻里节" in body
    assert unit.contact_name not in body and "138" not in body
    assert client_for("sibling").get(f"{url}edit/").status_code == 404


def test_api_is_scoped_and_masked(client_for, org):
    mine = make_unit(org["community"])
    other = make_unit(org["town"], name="青山镇卫生院")
    rows = client_for("community").get("/api/v1/partner-units/").json()["results"]
    ids = {r["id"] for r in rows}
    assert mine.pk in ids and other.pk not in ids
    assert all("contact_phone" not in r for r in rows)
    detail = client_for("community").get(f"/api/v1/partner-units/{mine.pk}/").json()
    assert detail["phone_masked"] == "138****1234" and detail["resources"] == []
    assert client_for("sibling").get(f"/api/v1/partner-units/{mine.pk}/").status_code == 404
    assert client_for("sibling").get("/api/v1/partner-units/").json()["count"] == 0
    services.resource_add(actor=None, unit=mine, kind="room", name="会议室")
    detail = client_for("community").get(f"/api/v1/partner-units/{mine.pk}/").json()
    assert detail["resource_count"] == 1
