"""Reads of residents' personal information: everything the platform holds about one resident
(the access right, 查阅), their matters still open, the handling queue and the answer deadlines."""
from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import timezone

from dangjian.core.workdays import WorkCalendar, WorkDate, current_calendar

from .choices import RequestStatus
from .models import Consent, PersonalDataRequest

# A request about personal data is answered within this many working days of filing.
ANSWER_WORKING_DAYS = 15
OPEN_WISH_STATUSES = ("submitted", "published", "claimed")


def due(request: PersonalDataRequest, calendar: WorkCalendar | None = None) -> WorkDate:
    """The day the answer is due: 15 working days after the day of filing (on the working-day calendar)."""
    calendar = calendar or current_calendar()
    return calendar.add_working_days(timezone.localdate(request.submitted_at), ANSWER_WORKING_DAYS)


def with_due(requests, today: datetime.date | None = None) -> list:
    """The requests, each with ``due`` (a WorkDate) and ``overdue`` (still open past the due day)."""
    calendar, today = current_calendar(), today or timezone.localdate()
    rows = list(requests)
    for r in rows:
        r.due = due(r, calendar)
        r.overdue = r.status == RequestStatus.SUBMITTED and r.due.date < today
    return rows


def queue(status: str = RequestStatus.SUBMITTED):
    """Requests for the administrators, oldest first (the first due on top)."""
    rows = PersonalDataRequest.objects.select_related("user", "decided_by")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("submitted_at", "id")


def own_requests(user):
    return PersonalDataRequest.objects.filter(user=user).order_by("-submitted_at", "-id")


def own_consents(user):
    return Consent.objects.filter(user=user).order_by("-given_at", "-id")


def open_matters(user) -> dict[str, list[int]]:
    """The resident's matters still in progress, which a deletion must wait for: open requests,
    wishes not yet fulfilled, bookings still to come."""
    from dangjian.centres.choices import BookingStatus
    from dangjian.centres.models import Booking
    from dangjian.grid.choices import OPEN
    from dangjian.grid.models import ServiceRequest
    from dangjian.wishes.models import Wish

    return {
        "requests": list(ServiceRequest.objects.filter(reporter=user, status__in=OPEN).values_list("pk", flat=True)),
        "wishes": list(Wish.objects.filter(wisher=user, status__in=OPEN_WISH_STATUSES).values_list("pk", flat=True)),
        "bookings": list(Booking.objects.filter(user=user, status=BookingStatus.BOOKED,
                                                day__gte=timezone.localdate()).values_list("pk", flat=True)),
    }


def own_data(user) -> dict:
    """Everything the platform holds about ``user`` as a resident, their own contact data in full
    (it is theirs to see). Plain values, ready for the page and for the download."""
    from dangjian.centres.models import Booking
    from dangjian.grid.models import ServiceRequest
    from dangjian.wishes.models import Wish

    def when(value):
        return timezone.localtime(value).replace(second=0, microsecond=0) if value else None

    requests = ServiceRequest.objects.filter(reporter=user).select_related(
        "category", "building", "organization").annotate(photo_count=Count("attachments"))
    wishes = Wish.objects.filter(wisher=user).select_related("organization", "building")
    bookings = Booking.objects.filter(user=user).select_related("item__centre")
    return {
        "account": {
            "username": user.get_username(), "full_name": user.get_full_name(), "email": user.email,
            "date_joined": when(user.date_joined), "last_login": when(user.last_login),
        },
        "requests": [{
            "id": r.pk, "reported_at": when(r.reported_at), "community": str(r.organization),
            "building": str(r.building) if r.building_id else "", "place": r.address,
            "category": str(r.category), "description": r.description, "status": r.get_status_display(),
            "contact_name": r.contact_name, "contact_phone": r.contact_phone, "contact_email": r.contact_email,
            "satisfaction": r.get_satisfaction_display() if r.satisfaction else "",
            "photos": r.photo_count,
        } for r in requests.order_by("-reported_at", "-id")],
        "wishes": [{
            "id": w.pk, "created_at": when(w.created_at), "community": str(w.organization),
            "building": str(w.building) if w.building_id else "", "text": w.text, "category": w.get_category_display(),
            "surname": w.surname, "title": w.get_honorific_display() if w.honorific else "",
            "contact_phone": w.contact_phone, "status": w.get_status_display(), "thanks": w.thanks,
        } for w in wishes.order_by("-created_at", "-id")],
        "bookings": [{
            "id": b.pk, "centre": b.item.centre.name, "service": b.item.name, "day": b.day.isoformat(),
            "time": b.start.strftime("%H:%M"), "status": b.get_status_display(), "contact_phone": b.contact_phone,
            "note": b.note,
        } for b in bookings.order_by("-day", "-start", "-id")],
        "consents": [{
            "service": c.get_purpose_display(), "notice_version": c.notice_version, "given_at": when(c.given_at),
            "record": c.object_id, "withdrawn_at": when(c.withdrawn_at),
        } for c in own_consents(user)],
        "data_requests": [{
            "id": r.pk, "kind": r.get_kind_display(), "details": r.details, "status": r.get_status_display(),
            "submitted_at": when(r.submitted_at), "decided_at": when(r.decided_at), "outcome": r.outcome,
        } for r in own_requests(user)],
    }


def held_counts(user) -> dict[str, int]:
    """How many records of each kind the platform holds about a resident (for the administrators)."""
    from dangjian.centres.models import Booking
    from dangjian.grid.models import ServiceRequest
    from dangjian.wishes.models import Wish

    return {"requests": ServiceRequest.objects.filter(reporter=user).count(),
            "wishes": Wish.objects.filter(wisher=user).count(),
            "bookings": Booking.objects.filter(user=user).count(),
            "consents": Consent.objects.filter(user=user).count()}
