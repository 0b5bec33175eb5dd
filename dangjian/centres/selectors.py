"""Reads of service centres: the public catalogue (no personal data) and staff queues."""
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from .choices import BookingStatus
from .models import Booking, RepresentativeDay, ServiceCentre, ServiceItem


def public_centres():
    """Active centres with their active services and coming representative days: public fields only."""
    today = timezone.localdate()
    return (ServiceCentre.objects.filter(active=True).select_related("organization")
            .only("id", "name", "kind", "address", "phone", "open_days", "opens", "closes", "hours_note",
                  "organization__id", "organization__name", "organization__short_name")
            .prefetch_related(
                Prefetch("items", queryset=ServiceItem.objects.filter(active=True).order_by("name", "id")),
                Prefetch("representative_days", queryset=RepresentativeDay.objects.filter(day__gte=today)
                         .only("id", "centre_id", "day", "starts", "ends", "delegate_name", "topic")),
                "coverage")
            .order_by("organization__path", "kind", "name"))


def centres_for(user):
    return (ServiceCentre.objects.restrict(user, "view").select_related("organization")
            .annotate(waiting=Count("items__bookings", filter=Q(items__bookings__status=BookingStatus.BOOKED,
                                                                 items__bookings__day__gte=timezone.localdate())))
            .order_by("organization__path", "kind", "name"))


def booking_queue(centre, *, status: str = BookingStatus.BOOKED):
    bookings = (Booking.objects.filter(item__centre=centre).select_related("item", "user")
                .defer("contact_phone"))
    if status in BookingStatus.values:
        bookings = bookings.filter(status=status)
    return bookings.order_by("day", "start", "id")


def slots_taken(item, day) -> dict:
    """How many bookings hold each start time of an item on a day."""
    rows = (Booking.objects.filter(item=item, day=day, status__in=(BookingStatus.BOOKED, BookingStatus.ATTENDED))
            .values("start").annotate(n=Count("id")))
    return {row["start"]: row["n"] for row in rows}
