"""Workbench lines of the work serving residents (see ``dangjian.core.views.PERSONAL_WORKBENCH_SOURCES``):
wishes waiting for review, bookings at the user's service centres today, co-building agreements ending
soon. Each is a count over what the user may act on, with a link to the list."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.core.workbench import alert


def items(*, user, today) -> list[dict]:
    from dangjian.centres.choices import BookingStatus
    from dangjian.centres.models import Booking, ServiceCentre
    from dangjian.cobuilding.models import Agreement
    from dangjian.cobuilding.selectors import expiring_filter

    from .selectors import review_queue

    found = []
    waiting = review_queue(user).count()
    if waiting:
        found.append(alert(_("Wishes"), ngettext("%(n)d wish waits for review", "%(n)d wishes wait for review",
                                                 waiting) % {"n": waiting}, reverse("wishes:review")))
    centres = ServiceCentre.objects.restrict(user, "change")
    booked = Booking.objects.filter(item__centre__in=centres, day=today, status=BookingStatus.BOOKED).count()
    if booked:
        found.append(alert(_("Bookings"), ngettext("%(n)d booking at my service centres today",
                                                   "%(n)d bookings at my service centres today", booked)
                           % {"n": booked}, reverse("centres:centres")))
    ending = Agreement.objects.restrict(user, "change").filter(expiring_filter(today)).count()
    if ending:
        found.append(alert(_("Co-building"), ngettext("%(n)d co-building agreement ends within 30 days",
                                                      "%(n)d co-building agreements end within 30 days", ending)
                           % {"n": ending}, reverse("cobuilding:agreements"), overdue=True))
    return found
