"""Writes of service centres: centres, catalogue items, bookings (one transition service),
service records, representative days and the visits received on them. Each write is audited."""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log
from dangjian.core.pii import mask_phone

from .choices import BookingStatus, Outcome
from .models import Booking, BookingLog, RepresentativeDay, RepresentativeVisit, ServiceCentre, ServiceItem, ServiceRecord

CENTRE_FIELDS = ("name", "kind", "organization", "address", "phone", "open_days", "opens", "closes", "hours_note",
                 "active")
ITEM_FIELDS = ("name", "description", "duration", "needs_booking", "capacity", "needs_phone", "active")
# Bookings still holding their slot.
HOLDING = (BookingStatus.BOOKED, BookingStatus.ATTENDED)
# The booking state machine: from → {to}. Residents may only cancel their own bookings.
TRANSITIONS = {
    BookingStatus.BOOKED: {BookingStatus.CANCELLED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW},
}
STAFF_ONLY = {BookingStatus.ATTENDED, BookingStatus.NO_SHOW}


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _encode_days(days) -> str:
    days = sorted({int(d) for d in days if str(d).isdigit() and 0 <= int(d) <= 6})
    if not days:
        raise ValidationError({"open_days": _("Choose at least one day the centre is open.")})
    return ",".join(str(d) for d in days)


def _check_centre(data: dict) -> dict:
    data = dict(data)
    if not (data.get("name") or "").strip():
        raise ValidationError({"name": _("Enter the centre's name.")})
    if not (data.get("address") or "").strip():
        raise ValidationError({"address": _("Enter the centre's address.")})
    if "open_days" in data and not isinstance(data["open_days"], str):
        data["open_days"] = _encode_days(data["open_days"])
    if data["opens"] >= data["closes"]:
        raise ValidationError({"closes": _("The centre must close after it opens.")})
    return data


def centre_create(*, actor, coverage=(), **data) -> ServiceCentre:
    data = _check_centre(data)
    with transaction.atomic():
        centre = ServiceCentre.objects.create(**{k: data[k] for k in CENTRE_FIELDS if k in data})
        centre.coverage.set(coverage)
        audit_log(actor=actor, action="service_centre.created", obj=centre, organization=centre.organization,
                  changes={"name": centre.name, "kind": centre.kind})
    return centre


def centre_update(*, actor, centre: ServiceCentre, coverage=None, **data) -> ServiceCentre:
    data = _check_centre({**{k: getattr(centre, k) for k in CENTRE_FIELDS}, **data})
    changes = {k: [str(getattr(centre, k)), str(data[k])] for k in CENTRE_FIELDS
               if k in data and getattr(centre, k) != data[k]}
    with transaction.atomic():
        for k in CENTRE_FIELDS:
            setattr(centre, k, data[k])
        centre.save()
        if coverage is not None:
            centre.coverage.set(coverage)
        audit_log(actor=actor, action="service_centre.changed", obj=centre, organization=centre.organization,
                  changes=changes)
    return centre


def _check_item(data: dict) -> None:
    if not (data.get("name") or "").strip():
        raise ValidationError({"name": _("Enter the service's name.")})
    if not 5 <= (data.get("duration") or 0) <= 480:
        raise ValidationError({"duration": _("A slot lasts between 5 and 480 minutes.")})
    if not 1 <= (data.get("capacity") or 0) <= 100:
        raise ValidationError({"capacity": _("A slot takes between 1 and 100 people.")})


def item_create(*, actor, centre: ServiceCentre, **data) -> ServiceItem:
    _check_item(data)
    with transaction.atomic():
        item = ServiceItem.objects.create(centre=centre, **{k: data[k] for k in ITEM_FIELDS if k in data})
        audit_log(actor=actor, action="service_item.created", obj=item, organization=centre.organization,
                  changes={"name": item.name})
    return item


def item_update(*, actor, item: ServiceItem, **data) -> ServiceItem:
    merged = {**{k: getattr(item, k) for k in ITEM_FIELDS}, **data}
    _check_item(merged)
    changes = {k: [getattr(item, k), merged[k]] for k in ITEM_FIELDS if getattr(item, k) != merged[k]}
    with transaction.atomic():
        for k in ITEM_FIELDS:
            setattr(item, k, merged[k])
        item.save()
        audit_log(actor=actor, action="service_item.changed", obj=item, organization=item.centre.organization,
                  changes=changes)
    return item


def slot_times(item: ServiceItem) -> list[datetime.time]:
    """Start times of an item's slots within its centre's opening hours."""
    centre = item.centre
    day = datetime.date(2000, 1, 3)
    at, end = datetime.datetime.combine(day, centre.opens), datetime.datetime.combine(day, centre.closes)
    step = datetime.timedelta(minutes=item.duration)
    slots = []
    while at + step <= end:
        slots.append(at.time())
        at += step
    return slots


def booking_make(*, actor, item: ServiceItem, day: datetime.date, start: datetime.time, contact_phone: str = "",
                 note: str = "") -> Booking:
    """A resident books a service at a slot: in the future, within opening hours, capacity respected,
    never twice for the same slot."""
    centre = item.centre
    if not (item.active and centre.active and item.needs_booking):
        raise ValidationError(_("This service cannot be booked."))
    now = timezone.localtime()
    if day < now.date() or (day == now.date() and start <= now.time()):
        raise ValidationError({"day": _("Choose a time in the future.")})
    if day > now.date() + datetime.timedelta(days=60):
        raise ValidationError({"day": _("Bookings open 60 days ahead.")})
    if not centre.is_open_on(day):
        raise ValidationError({"day": _("The centre is closed on that day.")})
    if start not in slot_times(item):
        raise ValidationError({"start": _("Choose one of the times offered, within opening hours.")})
    contact_phone = (contact_phone or "").strip()
    if item.needs_phone and not contact_phone:
        raise ValidationError({"contact_phone": _("Enter a phone number the centre can call you on.")})
    if contact_phone and not (contact_phone.replace("-", "").isdigit() and 7 <= len(contact_phone) <= 20):
        raise ValidationError({"contact_phone": _("Enter a valid phone number.")})
    if not item.needs_phone:
        contact_phone = ""
    with transaction.atomic():
        ServiceItem.objects.select_for_update().filter(pk=item.pk).first()
        taken = Booking.objects.filter(item=item, day=day, start=start, status__in=HOLDING)
        if taken.filter(user=actor).exists():
            raise ValidationError({"start": _("You have already booked this time.")})
        if Booking.objects.filter(user=actor, day=day, start=start, status=BookingStatus.BOOKED).exists():
            raise ValidationError({"start": _("You already have another booking at this time.")})
        if taken.count() >= item.capacity:
            raise ValidationError({"start": _("This time is fully booked; choose another.")})
        booking = Booking.objects.create(item=item, user=actor, day=day, start=start, contact_phone=contact_phone,
                                         phone_masked=mask_phone(contact_phone), note=(note or "").strip())
        BookingLog.objects.create(booking=booking, to_status=BookingStatus.BOOKED, actor=_user(actor))
        audit_log(actor=actor, action="centre_booking.made", obj=booking, organization=centre.organization,
                  changes={"item": item.name, "day": day, "start": start})
    return booking


def booking_step(*, actor, booking: Booking, to: str, note: str = "", staff: bool = True) -> Booking:
    """Move a booking along the transition table, with a log row and an audit entry."""
    if to not in TRANSITIONS.get(booking.status, set()):
        raise ValidationError(_("A booking that is %(status)s cannot change that way.")
                              % {"status": booking.get_status_display()})
    if not staff and (to in STAFF_ONLY or booking.user_id != getattr(actor, "pk", None)):
        raise ValidationError(_("Only the centre's staff can do this."))
    if to in STAFF_ONLY and booking.day > timezone.localdate():
        raise ValidationError(_("Attendance is marked on or after the day of the booking."))
    with transaction.atomic():
        before = booking.status
        booking.status = to
        booking.save(update_fields=["status"])
        BookingLog.objects.create(booking=booking, from_status=before, to_status=to, actor=_user(actor),
                                  note=(note or "")[:200])
        audit_log(actor=actor, action=f"centre_booking.{to}", obj=booking,
                  organization=booking.item.centre.organization, changes={"status": [before, to]}, note=note)
    return booking


def service_record_add(*, actor, centre: ServiceCentre, served_on: datetime.date, handled_by: str, summary: str,
                       outcome: str = Outcome.RESOLVED, item: ServiceItem | None = None,
                       booking: Booking | None = None) -> ServiceRecord:
    """Record what was done for a booking or for a walk-in visitor."""
    if served_on > timezone.localdate():
        raise ValidationError({"served_on": _("The date cannot be in the future.")})
    if not (handled_by or "").strip():
        raise ValidationError({"handled_by": _("Say who handled it.")})
    if not (summary or "").strip():
        raise ValidationError({"summary": _("Say what was done.")})
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    if item is not None and item.centre_id != centre.pk:
        raise ValidationError({"item": _("Choose a service of this centre.")})
    if booking is not None:
        if booking.item.centre_id != centre.pk:
            raise ValidationError({"booking": _("Choose a booking of this centre.")})
        item = booking.item
    with transaction.atomic():
        record = ServiceRecord.objects.create(centre=centre, item=item, booking=booking, served_on=served_on,
                                              handled_by=handled_by.strip(), summary=summary.strip(),
                                              outcome=outcome, recorded_by=_user(actor))
        if booking is not None and booking.status == BookingStatus.BOOKED and booking.day <= served_on:
            booking_step(actor=actor, booking=booking, to=BookingStatus.ATTENDED, note=_("Service recorded."))
        audit_log(actor=actor, action="service_record.added", obj=record, organization=centre.organization,
                  changes={"served_on": served_on, "item": item.name if item else "", "outcome": outcome})
    return record


def representative_day_add(*, actor, centre: ServiceCentre, day: datetime.date, starts: datetime.time,
                           ends: datetime.time, delegate_name: str, topic: str = "") -> RepresentativeDay:
    """Announce a day a Party representative receives residents at the centre."""
    if not (delegate_name or "").strip():
        raise ValidationError({"delegate_name": _("Enter the representative's name.")})
    if starts >= ends:
        raise ValidationError({"ends": _("The reception must end after it starts.")})
    with transaction.atomic():
        rep_day = RepresentativeDay.objects.create(centre=centre, day=day, starts=starts, ends=ends,
                                                   delegate_name=delegate_name.strip(), topic=(topic or "").strip())
        audit_log(actor=actor, action="representative_day.added", obj=rep_day, organization=centre.organization,
                  changes={"day": day, "delegate": rep_day.delegate_name})
    return rep_day


def representative_visit_add(*, actor, day: RepresentativeDay, matter: str, response: str = "",
                             outcome: str = Outcome.PENDING) -> RepresentativeVisit:
    """Record a visit received on a representative day: the matter raised and the response."""
    if day.day > timezone.localdate():
        raise ValidationError(_("Visits are recorded on or after the representative day."))
    if not (matter or "").strip():
        raise ValidationError({"matter": _("Say what matter was raised.")})
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    with transaction.atomic():
        visit = RepresentativeVisit.objects.create(day=day, matter=matter.strip(), response=(response or "").strip(),
                                                   outcome=outcome, recorded_by=_user(actor))
        audit_log(actor=actor, action="representative_visit.recorded", obj=visit,
                  organization=day.centre.organization, changes={"day": day.day, "outcome": outcome})
    return visit
