"""Small wishes: submitting, the lifecycle, expiry, the pages and the public board."""
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from dangjian.core.models import AuditEntry

from ..choices import WishStatus
from ..models import Wish
from ..services import TRANSITIONS, wish_submit, wish_transition, wishes_expire
from .fixtures import FULL_NAME, PHONE, advance, building, community, make_wish

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def jpeg_with_exif():
    from PIL import Image

    image = Image.new("RGB", (40, 30), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def test_public_board_leaks_no_personal_data(client, personas):
    """DONE-WHEN: the board, read anonymously, shows no full name, phone, room or username."""
    resident = personas["resident"]
    resident.full_name, resident.username = FULL_NAME, "wxy_resident_1958"
    resident.save()
    member = personas["member"]
    member.username = "lizhiqiang_member"
    member.save()
    wish = advance(make_wish(personas), personas, to="publish")
    claimed = advance(make_wish(personas, text="想要一台血压计", surname=""), personas, to="claim")
    household = building().households.order_by("room").first()
    client.logout()
    response = client.get(f"/wishes/board/{community().pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert wish.text in body and claimed.text in body
    assert "王女士" in body and building().name in body
    for secret in (FULL_NAME, PHONE, PHONE[-4:], resident.username, member.username,
                   member.full_name or "-none-"):
        assert secret not in body
    if household is not None and household.room:
        assert f"{household.room}室" not in body
    assert f"/wishes/{wish.pk}/" not in body  # no links to the staff pages


def test_board_hides_unpublished_and_rejected(client, personas):
    pending = make_wish(personas, text="待审核的心愿")
    rejected = wish_transition(actor=personas["community"], wish=make_wish(personas, text="不通过的心愿"),
                               action="reject", note="不属于微心愿")
    body = client.get(f"/wishes/board/{community().pk}/").content.decode()
    assert pending.text not in body and rejected.text not in body


def test_lifecycle_with_log_and_audit(personas):
    wish = make_wish(personas)
    assert wish.status == WishStatus.SUBMITTED and wish.phone_masked == "139****5678"
    wish = advance(wish, personas, to="thank")
    assert wish.status == WishStatus.THANKED and wish.thanks == "谢谢！"
    assert [r.to_status for r in wish.log.all()] == ["submitted", "published", "claimed", "fulfilled", "thanked"]
    assert wish.log.get(action="claim").actor == personas["member"]
    assert AuditEntry.objects.filter(action__startswith="wish.", object_id=str(wish.pk)).count() == 5


def test_transition_table_refuses_wrong_steps_and_people(personas):
    wish = make_wish(personas)
    with pytest.raises(ValidationError):
        wish_transition(actor=personas["community"], wish=wish, action="fulfil", note="x")
    with pytest.raises(PermissionDenied):  # the wisher does not review their own wish
        wish_transition(actor=personas["resident"], wish=wish, action="publish")
    with pytest.raises(PermissionDenied):  # a branch secretary is not over the community
        wish_transition(actor=personas["branch"], wish=wish, action="publish")
    with pytest.raises(ValidationError) as exc:
        wish_transition(actor=personas["community"], wish=wish, action="reject")
    assert "note" in exc.value.message_dict
    wish = advance(wish, personas, to="publish")
    with pytest.raises(PermissionDenied):  # residents without a member record cannot claim
        wish_transition(actor=personas["resident"], wish=wish, action="claim")
    with pytest.raises(ValidationError):  # only secretaries record a partner unit
        wish_transition(actor=personas["member"], wish=wish, action="claim", unit="某公司")
    wish = wish_transition(actor=personas["community"], wish=wish, action="claim", unit="临江供电所")
    assert wish.claimed_unit == "临江供电所" and wish.claimed_by is None
    with pytest.raises(PermissionDenied):  # only the claimer or a secretary fulfils
        wish_transition(actor=personas["member"], wish=wish, action="fulfil", note="x")
    assert set(TRANSITIONS) == {"publish", "reject", "claim", "fulfil", "thank", "release", "expire"}


def test_submit_validation(personas):
    base = {"organization": community(), "building": building(), "text": "心愿", "category": "study",
            "expires_on": TODAY + datetime.timedelta(days=10)}
    for field, bad in [("text", "x" * 201), ("text", "<b>x</b>"), ("category", "cash"),
                       ("expires_on", TODAY - datetime.timedelta(days=1)), ("surname", "王秀英"),
                       ("contact_phone", "12")]:
        with pytest.raises(ValidationError) as exc:
            wish_submit(actor=personas["resident"], **{**base, field: bad})
        assert field in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        wish_submit(actor=personas["resident"], estimated_value=5000, **base)
    assert "estimated_value" in exc.value.message_dict
    with pytest.raises(PermissionDenied):  # a resident cannot file on someone's behalf
        wish_submit(actor=personas["resident"], on_behalf=True, **base)
    filed = wish_submit(actor=personas["grid"], on_behalf=True, **base)
    assert filed.wisher is None and filed.filed_by == personas["grid"]
    assert building().name in Wish.objects.get(pk=filed.pk).display_name


def test_fulfil_photo_loses_exif(personas):
    wish = advance(make_wish(personas), personas, to="claim")
    wish = wish_transition(actor=personas["member"], wish=wish, action="fulfil", photo=jpeg_with_exif())
    from PIL import Image

    with wish.evidence.open("rb") as fh:
        data = fh.read()
    assert b"SecretCam" not in data
    assert not Image.open(io.BytesIO(data)).getexif()


def test_expiry_releases_overdue_claims_and_closes_expired(personas):
    claimed = advance(make_wish(personas), personas, to="claim")
    published = advance(make_wish(personas, text="另一个心愿", expires_on=TODAY + datetime.timedelta(days=3)),
                        personas, to="publish")
    assert wishes_expire(today=TODAY) == 0
    later = claimed.fulfil_by + datetime.timedelta(days=1)
    assert wishes_expire(today=later) == 2
    claimed.refresh_from_db()
    published.refresh_from_db()
    assert claimed.status == WishStatus.PUBLISHED and claimed.claimed_by is None
    assert published.status == WishStatus.EXPIRED
    assert claimed.log.last().action == "release" and claimed.log.last().actor is None
    call_command("expire_wishes", stdout=io.StringIO())  # idempotent, runs as a command


def test_scope_of_viewing(personas):
    wish = make_wish(personas)
    seen = {name for name in ("community", "branch", "sibling", "member", "grid", "resident", "team", "auditor")
            if Wish.objects.restrict(personas[name]).filter(pk=wish.pk).exists()}
    assert seen == {"community", "grid", "resident", "auditor"}
    advance(wish, personas, to="publish")
    seen = {name for name in ("branch", "sibling", "member", "team")
            if Wish.objects.restrict(personas[name]).filter(pk=wish.pk).exists()}
    assert seen == {"branch", "sibling", "member"}


def test_pages_submit_review_claim_fulfil_thank(client_for, personas):
    client = client_for("resident")
    assert client.get("/wishes/new/").status_code == 200
    response = client.post("/wishes/new/", {
        "organization": community().pk, "building": building().pk, "category": "daily", "text": "想要一床棉被",
        "expires_on": (TODAY + datetime.timedelta(days=20)).isoformat(), "surname": "刘", "honorific": "ms",
        "contact_phone": "", "consent": "on"})
    assert response.status_code == 302, response.context["form"].errors
    wish = Wish.objects.get(text="想要一床棉被")
    assert wish.wisher == personas["resident"]
    assert "想要一床棉被" in client.get("/wishes/").content.decode()

    reviewer = client_for("community")
    assert "想要一床棉被" in reviewer.get("/wishes/review/").content.decode()
    assert reviewer.post(f"/wishes/{wish.pk}/review/", {"decision": "publish"}).status_code == 302

    member = client_for("member")
    assert "想要一床棉被" in member.get("/wishes/claim/").content.decode()
    assert member.post(f"/wishes/{wish.pk}/claim/", {"note": ""}).status_code == 302
    assert member.post(f"/wishes/{wish.pk}/fulfil/", {"note": "送到了", "photo": jpeg_with_exif()}).status_code == 302
    assert member.get(f"/wishes/{wish.pk}/photo/").status_code == 200

    client = client_for("resident")
    assert client.post(f"/wishes/{wish.pk}/thank/", {"thanks": "感谢！"}).status_code == 302
    wish.refresh_from_db()
    assert wish.status == WishStatus.THANKED


def test_grid_worker_files_on_behalf(client_for, personas):
    client = client_for("grid")
    response = client.post("/wishes/new/", {
        "organization": community().pk, "building": building().pk, "category": "company", "text": "想有人陪聊天",
        "expires_on": (TODAY + datetime.timedelta(days=20)).isoformat(), "surname": "", "honorific": ""})
    assert response.status_code == 302, response.context["form"].errors
    wish = Wish.objects.get(text="想有人陪聊天")
    assert wish.filed_by == personas["grid"] and wish.wisher is None
    assert building().name in wish.display_name


def test_api_list_claim_fulfil(client_for, personas):
    wish = advance(make_wish(personas), personas, to="publish")
    client = client_for("member")
    rows = client.get("/api/v1/wishes/").json()["results"]
    assert [r["id"] for r in rows] == [wish.pk]
    assert "contact_phone" not in rows[0] and "wisher" not in rows[0]
    response = client.post(f"/api/v1/wishes/{wish.pk}/claim/", {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "claimed"
    assert response.json()["claimed_by_me"] is True
    assert client_for("sibling").post(f"/api/v1/wishes/{wish.pk}/fulfil/", {"note": "x"},
                                      content_type="application/json").status_code == 403
    response = client_for("member").post(f"/api/v1/wishes/{wish.pk}/fulfil/", {"note": "已送到"},
                                         content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "fulfilled"
    assert client_for("team").get(f"/api/v1/wishes/{wish.pk}/").status_code == 404


def test_api_submit(client_for, personas):
    response = client_for("resident").post("/api/v1/wishes/", {
        "organization": community().pk, "building": building().pk, "category": "health", "text": "想要血压计",
        "expires_on": (TODAY + datetime.timedelta(days=20)).isoformat()}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"


def test_demo_builds(personas):
    from ..demo import build_demo

    wishes = build_demo(seed=1)
    assert {w.status for w in wishes} >= {"submitted", "published", "claimed", "fulfilled", "thanked", "rejected"}
