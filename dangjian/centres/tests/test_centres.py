"""Service centres: the public catalogue, the booking flow and its state machine, staff pages and scope."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.centres import services
from dangjian.centres.choices import BookingStatus
from dangjian.centres.demo import build_demo
from dangjian.centres.models import Booking, ServiceCentre, ServiceRecord
from dangjian.core.models import AuditEntry

from .conftest import next_open_day

NINE_THIRTY = datetime.time(9, 30)


def book(station, user, **extra):
    item = station.items.get()
    data = {"item": item, "day": next_open_day(station), "start": NINE_THIRTY, "contact_phone": "13912345678"}
    return services.booking_make(actor=user, **{**data, **extra})


def test_public_catalogue_leaks_no_personal_data(client_for, station, personas):
    """DONE-WHEN: read anonymously, the catalogue shows centres, hours, items and representative days,
    never the booking residents' names or phones."""
    resident = personas["resident"]
    resident.first_name, resident.last_name = "甄", "居民甲"
    resident.save()
    book(station, resident, note="咨询租房合同")
    client = client_for(None)
    for url in ("/centres/catalogue/", f"/centres/catalogue/{station.pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "测试服务站" in body and "0571-1234567" in body
        for secret in ("13912345678", "139****5678", "甄", "居民甲", "咨询租房合同"):
            assert secret not in body, (url, secret)
    body = client.get(f"/centres/catalogue/{station.pk}/").content.decode()
    assert "法律咨询" in body and "王代表" in body and "09:00" in body


def test_resident_books_on_the_phone_flow_and_cancels(client_for, station):
    client = client_for("resident")
    item, day = station.items.get(), next_open_day(station)
    page = client.get(f"/centres/{station.pk}/book/", {"item": item.pk, "day": day.isoformat()})
    assert page.status_code == 200 and "09:30" in page.content.decode()
    assert client.get(f"/centres/{station.pk}/book/").status_code == 200
    saturday = next(d for d in (day + datetime.timedelta(days=n) for n in range(7)) if d.weekday() == 5)
    closed = client.get(f"/centres/{station.pk}/book/", {"item": item.pk, "day": saturday.isoformat()})
    assert "09:30" not in closed.content.decode()
    response = client.post(f"/centres/{station.pk}/book/", {"item": item.pk, "day": day.isoformat(),
                                                             "start": "09:30", "contact_phone": "13912345678",
                                                             "consent": "on"})
    assert response.status_code == 302, response.context["form"].errors
    booking = Booking.objects.get(item=item)
    assert booking.status == BookingStatus.BOOKED and booking.phone_masked == "139****5678"
    assert booking.contact_phone == "13912345678"
    mine = client.get("/centres/my/")
    assert "法律咨询" in mine.content.decode()
    client.post("/centres/my/", {"cancel": booking.pk})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert [(log.from_status, log.to_status) for log in booking.logs.all()] == [("", "booked"), ("booked", "cancelled")]
    assert AuditEntry.objects.filter(action="centre_booking.cancelled").exists()


def test_booking_rules(station, personas):
    resident, other = personas["resident"], personas["member"]
    book(station, resident)
    with pytest.raises(ValidationError, match="您已预约该时段"):
        book(station, resident)
    with pytest.raises(ValidationError, match="已约满"):
        book(station, other)
    with pytest.raises(ValidationError, match="将来的时间"):
        book(station, other, day=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="开放时间内"):
        book(station, other, start=datetime.time(11, 45))
    saturday = next(d for d in (timezone.localdate() + datetime.timedelta(days=n) for n in range(1, 8))
                    if d.weekday() == 5)
    with pytest.raises(ValidationError, match="当天不开放"):
        book(station, other, day=saturday)
    with pytest.raises(ValidationError, match="电话号码"):
        book(station, other, start=datetime.time(10), contact_phone="")


def test_transitions_follow_the_table(station, personas):
    booking = book(station, personas["resident"])
    with pytest.raises(ValidationError, match="当日或之后"):
        services.booking_step(actor=personas["community"], booking=booking, to=BookingStatus.ATTENDED)
    with pytest.raises(ValidationError, match="工作人员"):
        services.booking_step(actor=personas["resident"], booking=booking, to=BookingStatus.NO_SHOW, staff=False)
    Booking.objects.filter(pk=booking.pk).update(day=timezone.localdate())
    booking.refresh_from_db()
    services.booking_step(actor=personas["community"], booking=booking, to=BookingStatus.ATTENDED)
    with pytest.raises(ValidationError):
        services.booking_step(actor=personas["community"], booking=booking, to=BookingStatus.CANCELLED)
    assert booking.logs.count() == 2


def test_staff_queue_marks_attended_and_records(client_for, station, personas):
    booking = book(station, personas["resident"])
    Booking.objects.filter(pk=booking.pk).update(day=timezone.localdate())
    client = client_for("community")
    queue = client.get(f"/centres/{station.pk}/bookings/")
    assert queue.status_code == 200 and "139****5678" in queue.content.decode()
    assert "13912345678" not in queue.content.decode()
    client.post(f"/centres/bookings/{booking.pk}/attended/")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED
    response = client.post(f"/centres/{station.pk}/records/new/?booking={booking.pk}", {
        "served_on": timezone.localdate().isoformat(), "handled_by": "张律师", "summary": "解答合同问题",
        "outcome": "resolved"})
    assert response.status_code == 302
    assert ServiceRecord.objects.get(booking=booking).item == booking.item
    walk_in = client.post(f"/centres/{station.pk}/records/new/", {
        "served_on": timezone.localdate().isoformat(), "handled_by": "窗口", "summary": "代办医保", "outcome": "referred"})
    assert walk_in.status_code == 302 and ServiceRecord.objects.filter(booking__isnull=True).count() == 1
    assert "代办医保" in client.get(f"/centres/{station.pk}/records/").content.decode()


def test_staff_manage_centre_items_and_representative_days(client_for, station, org):
    client = client_for("community")
    listing = client.get("/centres/")
    assert listing.status_code == 200 and "测试服务站" in listing.content.decode()
    detail = client.get(f"/centres/{station.pk}/")
    assert detail.status_code == 200 and "王代表" in detail.content.decode()
    for url in (f"/centres/{station.pk}/edit/", f"/centres/{station.pk}/items/new/", "/centres/new/",
                f"/centres/items/{station.items.get().pk}/edit/", f"/centres/{station.pk}/bookings/?status=cancelled"):
        assert client.get(url).status_code == 200, url
    response = client.post(f"/centres/{station.pk}/items/new/", {"name": "就业推荐", "duration": 20, "capacity": 3,
                                                                 "needs_booking": "on", "active": "on"})
    assert response.status_code == 302 and station.items.count() == 2
    response = client.post(f"/centres/{station.pk}/edit/", {
        "name": "滨河服务站", "kind": "station", "organization": org["community"].pk, "address": "滨河路2号",
        "phone": "", "open_days": ["0", "2"], "opens": "08:00", "closes": "16:00", "active": "on"})
    assert response.status_code == 302, response.context["form"].errors
    station.refresh_from_db()
    assert station.name == "滨河服务站" and station.day_numbers == [0, 2]
    day = timezone.localdate()
    response = client.post(f"/centres/{station.pk}/representative-days/new/", {
        "day": day.isoformat(), "starts": "09:00", "ends": "10:00", "delegate_name": "李代表", "topic": ""})
    assert response.status_code == 302
    rep_day = station.representative_days.get(delegate_name="李代表")
    response = client.post(f"/centres/representative-days/{rep_day.pk}/visits/", {"matter": "反映停车难",
                                                                                   "outcome": "pending"})
    assert response.status_code == 302 and rep_day.visits.count() == 1


def test_scope(client_for, station):
    assert client_for("sibling").get(f"/centres/{station.pk}/").status_code == 404
    assert client_for("resident").get(f"/centres/{station.pk}/bookings/").status_code == 404
    assert client_for("auditor").get(f"/centres/{station.pk}/edit/").status_code == 403
    assert client_for("branch").get(f"/centres/{station.pk}/items/new/").status_code in (403, 404)
    response = client_for("city").post("/centres/new/", {
        "name": "新中心", "kind": "centre", "organization": station.organization.pk, "address": "江滨路",
        "open_days": ["0"], "opens": "09:00", "closes": "17:00", "active": "on"})
    assert response.status_code == 302 and ServiceCentre.objects.filter(name="新中心").exists()


def test_api_lists_centres_with_items(client_for, station):
    rows = client_for("community").get("/api/v1/service-centres/").json()["results"]
    row = next(r for r in rows if r["id"] == station.pk)
    assert [i["name"] for i in row["items"]] == ["法律咨询"]
    detail = client_for("community").get(f"/api/v1/service-centres/{station.pk}/").json()
    assert detail["representative_days"][0]["delegate_name"] == "王代表"
    assert client_for("sibling").get(f"/api/v1/service-centres/{station.pk}/").status_code == 404


def test_demo_builds(db):
    centres = build_demo(seed=1)
    assert len(centres) == 2 and all(c.items.count() == 4 for c in centres)
    assert build_demo(seed=1) == []  # idempotent
