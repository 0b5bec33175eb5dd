"""Codes of co-building (共驻共建) and community brands (一居一品)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """Kinds of partner units in the area (驻区单位)."""

    ORGAN = "organ", _("Government organ")
    INSTITUTION = "institution", _("Public institution")
    ENTERPRISE = "enterprise", _("Enterprise")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    POLICE = "police", _("Police station")
    OTHER = "other", _("Other unit")


class ResourceKind(models.TextChoices):
    ROOM = "room", _("Room")
    GROUND = "ground", _("Sports ground")
    EXPERT = "expert", _("Expert")
    EQUIPMENT = "equipment", _("Equipment")
    OTHER = "other", _("Other resource")


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    USED = "used", _("Used")


# The booking state machine: action → (from states, to state).
BOOKING_TRANSITIONS = {
    "approve": ((BookingStatus.REQUESTED,), BookingStatus.APPROVED),
    "decline": ((BookingStatus.REQUESTED, BookingStatus.APPROVED), BookingStatus.DECLINED),
    "use": ((BookingStatus.APPROVED,), BookingStatus.USED),
}
BOOKING_ACTION_LABELS = {"approve": _("Approve"), "decline": _("Decline"), "use": _("Mark as used")}
# Bookings that hold their slot (a new booking may not overlap them).
HOLDING = (BookingStatus.REQUESTED, BookingStatus.APPROVED, BookingStatus.USED)


class ProjectArea(models.TextChoices):
    """The six links of co-building (六联)."""

    ORGANIZATION = "organization", _("Organizations built together")
    ACTIVITIES = "activities", _("Activities held together")
    RESOURCES = "resources", _("Resources shared")
    SERVICES = "services", _("Services delivered together")
    CIVILITY = "civility", _("Civility created together")
    PROBLEMS = "problems", _("Problems solved together")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
