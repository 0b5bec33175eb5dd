"""Residents' personal-information rights: notice and consent, access and copy, requests about
their data with deadlines, and erasure."""
import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core.models import AuditEntry
from dangjian.core.workdays import WorkCalendar
from dangjian.grid.models import Building, Grid, RequestCategory, ServiceRequest
from dangjian.grid.services_requests import request_file_with_photo
from dangjian.privacy import selectors, services
from dangjian.privacy.models import Consent, PersonalDataRequest, PersonalDataRequestStep
from dangjian.privacy.notice import notice_version
from dangjian.wishes.models import Wish
from dangjian.wishes.tests.fixtures import building as wish_building
from dangjian.wishes.tests.fixtures import community

PHONE = "13987654321"


def first_grid():
    return Grid.objects.get(name="滨河社区第1网格")


def request_form(**extra):
    grid = first_grid()
    return {"community": grid.organization_id, "building": Building.objects.filter(grid=grid).first().pk,
            "category": RequestCategory.objects.get(code="noise").pk, "description": "楼下夜里很吵",
            "contact_phone": PHONE, **extra}


def file_request(user, **extra):
    grid = first_grid()
    return request_file_with_photo(actor=user, channel="resident", category=RequestCategory.objects.get(code="noise"),
                                   description="楼道灯坏了", building=Building.objects.filter(grid=grid).first(),
                                   contact_name=user.get_full_name(), contact_phone=PHONE, **extra)


def test_notice_is_public_with_its_version_and_every_service(client):
    body = client.get("/privacy/").content.decode()
    assert notice_version() in body
    for anchor in ("grid_request", "wish", "booking"):
        assert f'id="{anchor}"' in body
    assert "15 个工作日" in body


def test_request_without_consent_is_refused_and_writes_nothing(client, newcomer):
    client.force_login(newcomer)
    page = client.get("/grid/my/new/", {"community": first_grid().organization_id})
    assert 'name="consent"' in page.content.decode() and "/privacy/#grid_request" in page.content.decode()
    before = (ServiceRequest.objects.count(), Consent.objects.count())
    response = client.post("/grid/my/new/", request_form())
    assert response.status_code == 200
    assert response.context["form"].has_error("consent", "required")
    assert gettext("Please read the privacy notice and tick the box to agree.") in response.content.decode()
    assert (ServiceRequest.objects.count(), Consent.objects.count()) == before


def test_request_with_consent_records_it(client, newcomer):
    client.force_login(newcomer)
    response = client.post("/grid/my/new/", request_form(consent="on"))
    assert response.status_code == 302
    created = ServiceRequest.objects.get(reporter=newcomer)
    consent = Consent.objects.get(user=newcomer)
    assert (consent.purpose, consent.notice_version, consent.object_id) == ("grid_request", notice_version(),
                                                                           str(created.pk))


def test_wish_and_booking_forms_need_consent(client, newcomer, org):
    from dangjian.centres import services as centres
    from dangjian.centres.models import Booking
    from dangjian.centres.tests.conftest import next_open_day

    client.force_login(newcomer)
    wish = {"organization": community().pk, "building": wish_building().pk, "category": "daily", "text": "想要一把雨伞",
            "expires_on": (timezone.localdate() + datetime.timedelta(days=20)).isoformat()}
    refused = client.post("/wishes/new/", wish)
    assert refused.status_code == 200 and refused.context["form"].has_error("consent", "required")
    assert not Wish.objects.filter(wisher=newcomer).exists()
    assert client.post("/wishes/new/", {**wish, "consent": "on"}).status_code == 302
    assert Consent.objects.get(user=newcomer).purpose == "wish"

    centre = centres.centre_create(actor=None, name="测试服务站", kind="station", organization=org["community"],
                                   address="滨河路1号", phone="", open_days=[0, 1, 2, 3, 4], opens=datetime.time(9),
                                   closes=datetime.time(12), hours_note="", active=True, coverage=[org["community"]])
    centres.item_create(actor=None, centre=centre, name="法律咨询", description="", duration=30, needs_booking=True,
                        capacity=1, needs_phone=True, active=True)
    item, day = centre.items.get(), next_open_day(centre)
    booking = {"item": item.pk, "day": day.isoformat(), "start": "09:30", "contact_phone": PHONE}
    refused = client.post(f"/centres/{centre.pk}/book/", booking)
    assert refused.status_code == 200 and refused.context["form"].has_error("consent", "required")
    assert not Booking.objects.filter(user=newcomer).exists()
    assert client.post(f"/centres/{centre.pk}/book/", {**booking, "consent": "on"}).status_code == 302
    assert set(Consent.objects.filter(user=newcomer).values_list("purpose", flat=True)) == {"wish", "booking"}


def test_a_grid_worker_filing_a_wish_for_a_resident_ticks_no_box(client_for):
    client = client_for("grid")
    page = client.get("/wishes/new/")
    assert "consent" not in page.context["form"].fields


def test_mine_shows_own_data_in_full_and_the_download_is_logged(client, newcomer, personas):
    own = file_request(newcomer)
    file_request(personas["resident"])  # someone else's: never shown
    client.force_login(newcomer)
    body = client.get("/privacy/mine/").content.decode()
    assert PHONE in body and f"/grid/my/{own.pk}/" in body and "甄新来" in body
    assert not AuditEntry.objects.filter(action="privacy.exported_own").exists()
    response = client.get("/privacy/mine/download/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert [r["id"] for r in data["requests"]] == [own.pk]
    assert data["requests"][0]["contact_phone"] == PHONE and data["account"]["email"] == "zhen@example.cn"
    assert data["notice_version"] == notice_version()
    entry = AuditEntry.objects.get(action="privacy.exported_own")
    assert entry.actor == newcomer and entry.changes["requests"] == 1


def test_filing_a_request_logs_it_and_its_due_date_is_15_working_days(client, newcomer):
    client.force_login(newcomer)
    assert client.post("/privacy/mine/requests/", {"kind": "correction", "details": ""}).status_code == 400
    assert not PersonalDataRequest.objects.exists()
    response = client.post("/privacy/mine/requests/", {"kind": "correction", "details": "电话写错了，应为 139…"})
    assert response.status_code == 302
    request = PersonalDataRequest.objects.get(user=newcomer)
    assert request.status == "submitted"
    assert list(request.steps.values_list("from_status", "to_status")) == [("", "submitted")]
    assert AuditEntry.objects.filter(action="privacy.request_submitted", object_id=str(request.pk)).exists()
    expected = WorkCalendar().add_working_days(timezone.localdate(request.submitted_at), 15).date
    assert selectors.due(request).date == expected
    assert (expected - timezone.localdate(request.submitted_at)).days >= 19  # three weeks at least
    # A second request of the same kind while one is open is refused.
    with pytest.raises(ValidationError) as exc:
        services.data_request_submit(actor=newcomer, kind="correction", details="再次")
    assert exc.value.error_list[0].code == "duplicate"


def test_queue_is_for_administrators(client_for, newcomer):
    request = services.data_request_submit(actor=newcomer, kind="withdraw")
    admin = client_for("admin")
    assert f"/privacy/requests/{request.pk}/" in admin.get("/privacy/requests/").content.decode()
    assert admin.get(f"/privacy/requests/{request.pk}/").status_code == 200
    assert client_for("community").get("/privacy/requests/").status_code == 403
    assert client_for("resident").get(f"/privacy/requests/{request.pk}/").status_code == 404


def test_refusal_needs_a_reason_and_tells_the_resident(client_for, personas, newcomer,
                                                       django_capture_on_commit_callbacks):
    from dangjian.notices.models import Notification

    request = services.data_request_submit(actor=newcomer, kind="correction", details="地址写错")
    admin = client_for("admin")
    response = admin.post(f"/privacy/requests/{request.pk}/", {"to": "refused", "note": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["note"] == [gettext("Give the reason, for the resident.")]
    request.refresh_from_db()
    assert request.status == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/privacy/requests/{request.pk}/", {"to": "refused", "note": "记录无误，无需更正"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.outcome, request.decided_by) == ("refused", "记录无误，无需更正", personas["admin"])
    assert list(request.steps.values_list("to_status", flat=True)) == ["submitted", "refused"]
    assert Notification.objects.filter(user=newcomer).exists()
    with pytest.raises(ValidationError):  # answered once only
        services.data_request_decide(actor=personas["admin"], request=request, to="done", note="x")
    with pytest.raises(PermissionDenied):
        services.data_request_decide(actor=personas["community"], request=request, to="done", note="x")


def test_withdrawal_marks_consents_withdrawn(client, personas, newcomer):
    client.force_login(newcomer)
    client.post("/grid/my/new/", request_form(consent="on"))
    request = services.data_request_submit(actor=newcomer, kind="withdraw")
    services.data_request_decide(actor=personas["admin"], request=request, to="done", note="")
    assert Consent.objects.get(user=newcomer).withdrawn_at is not None


def test_deletion_waits_for_open_matters_then_erases_in_one_go(client, personas, newcomer):
    from dangjian.grid.workflow import request_transition

    open_request = file_request(newcomer)
    wish = Wish.objects.create(organization=community(), wisher=newcomer, surname="甄", honorific="ms",
                               contact_phone=PHONE, text="想要一把雨伞", category="daily", status="thanked",
                               expires_on=timezone.localdate())
    Consent.objects.create(user=newcomer, purpose="grid_request", notice_version="2026.1")
    request = services.data_request_submit(actor=newcomer, kind="deletion", details="请删除我的信息")
    with pytest.raises(ValidationError) as exc:
        services.data_request_decide(actor=personas["admin"], request=request, to="done", note="已删除")
    assert exc.value.error_list[0].code == "open_matters"
    request.refresh_from_db()
    newcomer.refresh_from_db()
    assert request.status == "submitted" and newcomer.is_active and newcomer.username == "newcomer"
    assert ServiceRequest.objects.get(pk=open_request.pk).contact_phone == PHONE  # nothing half-done

    dispatcher, team = personas["community"], personas["team"]
    for action, actor, params in [("accept", dispatcher, {}), ("register", dispatcher, {}),
                                  ("dispatch", dispatcher, {}), ("handle", team, {"note": "已修好"}),
                                  ("check", dispatcher, {}), ("close", dispatcher, {})]:
        request_transition(request=open_request, action=action, actor=actor, **params)
    services.data_request_decide(actor=personas["admin"], request=request, to="done", note="已删除")

    newcomer.refresh_from_db()
    assert newcomer.username == f"erased-{newcomer.pk}" and not newcomer.is_active
    assert (newcomer.full_name, newcomer.email, newcomer.has_usable_password()) == ("", "", False)
    kept = ServiceRequest.objects.get(pk=open_request.pk)  # the matter stays, without the person
    assert (kept.contact_name, kept.contact_phone, kept.phone_masked, kept.description) == ("", "", "", "楼道灯坏了")
    wish.refresh_from_db()
    assert (wish.surname, wish.honorific, wish.contact_phone, wish.text) == ("", "", "", "想要一把雨伞")
    assert not Consent.objects.filter(user=newcomer, withdrawn_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action="privacy.resident_erased")
    assert "newcomer" not in json.dumps(entry.changes, ensure_ascii=False) and entry.changes["requests"] == 1
    assert PersonalDataRequest.objects.get(pk=request.pk).status == "done"
    assert not client.login(username="newcomer", password="dangjian-demo")


def test_members_are_not_erased_here(personas):
    with pytest.raises(ValidationError) as exc:
        services.resident_erase(actor=personas["admin"], user=personas["member"])
    assert exc.value.error_list[0].code == "member"
    assert PersonalDataRequestStep.objects.count() == 0


def test_contact_details_are_blanked_after_the_retention_days(newcomer):
    from django.core.management import call_command

    old, recent, still_open = file_request(newcomer), file_request(newcomer), file_request(newcomer)
    now = timezone.now()
    ServiceRequest.objects.filter(pk=old.pk).update(status="closed", closed_at=now - datetime.timedelta(days=731))
    ServiceRequest.objects.filter(pk=recent.pk).update(status="closed", closed_at=now - datetime.timedelta(days=700))
    ServiceRequest.objects.filter(pk=still_open.pk).update(reported_at=now - datetime.timedelta(days=900))
    call_command("privacy_purge")
    phones = dict(ServiceRequest.objects.filter(reporter=newcomer).values_list("pk", "phone_masked"))
    assert phones[old.pk] == "" and phones[recent.pk] and phones[still_open.pk]
    assert ServiceRequest.objects.get(pk=old.pk).contact_phone == ""
    entry = AuditEntry.objects.get(action="privacy.contacts_purged")
    assert entry.changes["requests"] >= 1
