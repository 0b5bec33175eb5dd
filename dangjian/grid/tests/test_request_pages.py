"""Request pages: staff list and detail, steps through the action panel, filing on a phone with a
photo, residents filing and rating, supervision."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dangjian.core.models import AuditEntry
from dangjian.grid.choices import RequestStatus
from dangjian.grid.models import Building, Grid, RequestCategory, ServiceRequest

pytestmark = pytest.mark.django_db


def photo_with_gps(fmt="JPEG"):
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {1: "N", 2: (30.0, 30.0, 0.0)}  # a GPS block
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif.tobytes())
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def first_grid():
    return Grid.objects.get(name="滨河社区第1网格")


def in_status(status, **extra):
    return ServiceRequest.objects.filter(status=status, organization__name="滨河社区党委", **extra).order_by("pk").first()


def test_list_for_dispatcher_with_tabs_and_queries(client_for, django_assert_max_num_queries):
    client = client_for("community")
    with django_assert_max_num_queries(14):
        response = client.get("/grid/requests/")
    assert response.status_code == 200
    assert len(response.context["page_obj"]) >= 15
    assert response.context["counts"]["to_accept"] >= 2
    response = client.get("/grid/requests/", {"tab": "to_accept"})
    assert {r.status for r in response.context["page_obj"]} == {RequestStatus.REPORTED}
    response = client.get("/grid/requests/", {"overdue": "1"})
    assert all(r.overdue for r in response.context["page_obj"])


def test_list_denied_to_residents(client_for):
    assert client_for("resident").get("/grid/requests/").status_code == 403
    assert client_for("member").get("/grid/requests/").status_code == 403


def test_grid_worker_sees_only_their_grid(client_for):
    response = client_for("grid").get("/grid/requests/")
    assert response.status_code == 200
    assert {r.grid_id for r in response.context["page_obj"]} == {first_grid().pk}


def test_detail_and_take_in(client_for):
    reported = in_status(RequestStatus.REPORTED)
    client = client_for("community")
    response = client.get(f"/grid/requests/{reported.pk}/")
    assert response.status_code == 200
    assert response.context["take_in"] is not None
    assert "accept" in [a for a, _, _ in response.context["forms"]]
    response = client.post(f"/grid/requests/{reported.pk}/step/take_in/", {
        "urgency": "general", "category": reported.category_id, "team": "", "expected_status": "reported"})
    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.status == RequestStatus.DISPATCHED and reported.team is not None
    assert list(reported.transitions.values_list("action", flat=True)) == ["file", "accept", "register", "dispatch"]


def test_step_needs_reason_and_checks_expected_status(client_for):
    dispatched = in_status(RequestStatus.DISPATCHED, team__name="滨河社区服务团队")
    client = client_for("team")
    response = client.post(f"/grid/requests/{dispatched.pk}/step/send_back/", {"expected_status": "dispatched"})
    assert response.status_code == 400
    response = client.post(f"/grid/requests/{dispatched.pk}/step/handle/", {"note": "修好了",
                                                                              "expected_status": "registered"})
    assert response.status_code == 400
    response = client.post(f"/grid/requests/{dispatched.pk}/step/handle/", {"note": "修好了",
                                                                              "expected_status": "dispatched"})
    assert response.status_code == 302
    dispatched.refresh_from_db()
    assert dispatched.status == RequestStatus.HANDLED


def test_step_not_allowed_for_grid_worker(client_for):
    reported = in_status(RequestStatus.REPORTED, grid=first_grid()) or in_status(RequestStatus.REPORTED)
    response = client_for("grid").post(f"/grid/requests/{reported.pk}/step/accept/", {})
    assert response.status_code in (403, 404)


def test_reveal_logs_purpose(client_for):
    r = in_status(RequestStatus.DISPATCHED)
    client = client_for("community")
    page = client.get(f"/grid/requests/{r.pk}/").content.decode()
    full = ServiceRequest.objects.get(pk=r.pk).contact_phone
    assert full not in page and r.phone_masked in page
    response = client.post(f"/grid/requests/{r.pk}/reveal/", {"purpose": "回访居民"})
    assert full in response.content.decode()
    assert AuditEntry.objects.filter(action="request.revealed", note="回访居民").exists()
    assert client_for("auditor").post(f"/grid/requests/{r.pk}/reveal/", {"purpose": "看看"}).status_code == 403


def test_grid_worker_files_with_photo_exif_stripped(client_for):
    grid = first_grid()
    building = Building.objects.filter(grid=grid).first()
    category = RequestCategory.objects.get(code="environment")
    client = client_for("grid")
    assert client.get("/grid/requests/new/").status_code == 200
    response = client.post("/grid/requests/new/", {
        "grid": grid.pk, "building": building.pk, "category": category.pk, "description": "垃圾没清运",
        "photo": photo_with_gps(), "contact_phone": "13812345678"})
    assert response.status_code == 302, response.context["form"].errors
    r = ServiceRequest.objects.latest("pk")
    assert r.channel == "grid_worker" and r.phone_masked == "138****5678"
    attachment = r.attachments.get()
    saved = Image.open(attachment.file.open("rb"))
    assert not saved.getexif()
    photo = client.get(f"/grid/requests/photos/{attachment.pk}/")
    assert photo.status_code == 200
    assert client_for("sibling").get(f"/grid/requests/photos/{attachment.pk}/").status_code == 404


def test_bad_photo_files_nothing(client_for):
    grid = first_grid()
    before = ServiceRequest.objects.count()
    response = client_for("grid").post("/grid/requests/new/", {
        "grid": grid.pk, "building": Building.objects.filter(grid=grid).first().pk,
        "category": RequestCategory.objects.get(code="environment").pk, "description": "x",
        "photo": SimpleUploadedFile("a.jpg", b"not an image")})
    assert response.status_code == 200 and ServiceRequest.objects.count() == before


def test_resident_files_and_rates_not_satisfied_reworks(client_for, personas):
    from dangjian.grid.workflow import request_transition

    client = client_for("resident")
    community = first_grid().organization
    page = client.get("/grid/my/new/", {"community": community.pk})
    assert page.status_code == 200 and page.context["form"].fields["building"].queryset.exists()
    building = Building.objects.filter(grid=first_grid()).first()
    response = client.post(f"/grid/my/new/?community={community.pk}", {
        "community": community.pk, "building": building.pk,
        "category": RequestCategory.objects.get(code="noise").pk, "description": "夜里很吵", "consent": "on"})
    assert response.status_code == 302
    r = ServiceRequest.objects.latest("pk")
    assert r.reporter == personas["resident"] and r.channel == "resident"
    assert client.get("/grid/my/").status_code == 200
    dispatcher, team = personas["community"], personas["team"]
    for action, actor, params in [("accept", dispatcher, {}), ("register", dispatcher, {}),
                                  ("dispatch", dispatcher, {}), ("handle", team, {"note": "已处理"}),
                                  ("check", dispatcher, {}), ("close", dispatcher, {})]:
        request_transition(request=r, action=action, actor=actor, **params)
    page = client.get(f"/grid/my/{r.pk}/")
    assert page.context["form"] is not None
    assert "赵下沉" not in page.content.decode()  # no staff names
    response = client.post(f"/grid/my/{r.pk}/", {"satisfaction": "not_satisfied", "note": "还是吵"})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == RequestStatus.DISPATCHED and r.rework_count == 1
    assert client_for("grid").get(f"/grid/my/{r.pk}/").status_code == 404


def test_supervision_page_and_manual_supervise(client_for):
    client = client_for("organizer")
    response = client.get("/grid/supervision/")
    assert response.status_code == 200
    assert response.context["by_community"]
    r = in_status(RequestStatus.DISPATCHED)
    response = client.post(f"/grid/requests/{r.pk}/step/supervise/", {"note": "请加快", "expected_status": "dispatched"})
    assert response.status_code == 302
    assert r.supervisions.filter(reason="manual").exists()
    assert client_for("grid").get("/grid/supervision/").status_code == 403


def test_workbench_items(client_for):
    assert "/grid/requests/?tab=to_accept" in client_for("community").get("/").content.decode()
    assert "?tab=mine" in client_for("team").get("/").content.decode()


def test_team_handles_with_a_photo_of_the_result(client_for):
    r = in_status(RequestStatus.DISPATCHED, team__name="滨河社区服务团队", level="community")
    client = client_for("team")
    response = client.post(f"/grid/requests/{r.pk}/step/handle/", {
        "note": "已清理完毕", "expected_status": "dispatched", "photo": photo_with_gps()})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == RequestStatus.HANDLED
    evidence = r.attachments.get(action="handle")
    assert not Image.open(evidence.file.open("rb")).getexif()
    # A bad photo takes no step.
    other = in_status(RequestStatus.DISPATCHED, team__name="滨河社区服务团队", level="community")
    response = client.post(f"/grid/requests/{other.pk}/step/handle/", {
        "note": "已处理", "expected_status": "dispatched", "photo": SimpleUploadedFile("a.jpg", b"not an image")})
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.status == RequestStatus.DISPATCHED and not other.attachments.exists()
