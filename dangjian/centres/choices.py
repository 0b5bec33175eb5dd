"""Codes of Party-and-people service centres (党群服务中心/站)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class CentreKind(models.TextChoices):
    CENTRE = "centre", _("Service centre (sub-district)")
    STATION = "station", _("Service station (community)")


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    REFERRED = "referred", _("Referred elsewhere")
    PENDING = "pending", _("Follow-up needed")


WEEKDAYS = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
    (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday")),
]
