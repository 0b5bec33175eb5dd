"""Codes of grid management and resident requests (网格化管理、组团式服务)."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BuildingKind(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential building")
    BUNGALOW = "bungalow", _("Courtyard or bungalow row")
    OFFICE = "office", _("Office building")
    SHOP = "shop", _("Shops")
    PUBLIC = "public", _("Public facility")
    OTHER = "other", _("Other")


class HouseholdTag(models.TextChoices):
    """Marks a service needs (重点人群). Reading a tagged household is logged."""

    ELDERLY_ALONE = "elderly_alone", _("Elderly, living alone")
    EMPTY_NEST = "empty_nest", _("Empty-nest elderly")
    DISABLED = "disabled", _("Person with a disability")
    LOW_INCOME = "low_income", _("Low income (subsistence allowance)")
    SPECIAL_CARE = "special_care", _("Needs special care")


class VisitKind(models.TextChoices):
    DOOR = "door", _("Door-to-door visit")
    PATROL = "patrol", _("Patrol")
    PHONE = "phone", _("Phone call")


class TeamLevel(models.TextChoices):
    """The two levels of service teams (组团式服务)."""

    COMMUNITY = "community", _("Community team")
    SUBDISTRICT = "subdistrict", _("Sub-district team")


class TeamUnitKind(models.TextChoices):
    """Where a team member comes from."""

    SUBDISTRICT = "subdistrict", _("Sub-district office")
    COMMUNITY = "community", _("Community committee")
    POLICE = "police", _("Police station")
    SCHOOL = "school", _("School")
    CLINIC = "clinic", _("Clinic")
    CITY_MANAGEMENT = "city_management", _("City management")
    CO_BUILDING = "co_building", _("Co-building unit")
    OTHER = "other", _("Other unit")


class Urgency(models.TextChoices):
    """How soon a request must be solved; the rule pack gives each its deadlines."""

    URGENT = "urgent", _("Urgent: life or safety at risk")
    PRIORITY = "priority", _("Priority: water, power, gas, heating")
    GENERAL = "general", _("General")
    COMPLEX = "complex", _("Complex")


class RequestStatus(models.TextChoices):
    """Where a request stands (诉求状态)."""

    REPORTED = "reported", pgettext_lazy("request status", "Reported")
    ACCEPTED = "accepted", pgettext_lazy("request status", "Accepted")
    REGISTERED = "registered", pgettext_lazy("request status", "Registered")
    DISPATCHED = "dispatched", pgettext_lazy("request status", "Dispatched")
    HANDLED = "handled", pgettext_lazy("request status", "Handled")
    CHECKED = "checked", pgettext_lazy("request status", "Checked")
    CLOSED = "closed", pgettext_lazy("request status", "Closed")
    RATED = "rated", pgettext_lazy("request status", "Rated")
    PARKED = "parked", pgettext_lazy("request status", "Parked")
    DECLINED = "declined", pgettext_lazy("request status", "Not accepted")
    MERGED = "merged", pgettext_lazy("request status", "Merged")


# Statuses Open311 reports as "closed"; every other status is "open".
FINISHED = (RequestStatus.CLOSED, RequestStatus.RATED, RequestStatus.DECLINED, RequestStatus.MERGED)
OPEN = tuple(s for s in RequestStatus.values if s not in FINISHED)
# Open statuses whose step deadline runs (a parked request waits for its review date instead).
RUNNING = tuple(s for s in OPEN if s != RequestStatus.PARKED)


class RequestAction(models.TextChoices):
    """Steps of a request's lifecycle and its side steps (rules.md §7)."""

    FILE = "file", pgettext_lazy("request step", "File")
    ACCEPT = "accept", pgettext_lazy("request step", "Accept")
    DECLINE = "decline", pgettext_lazy("request step", "Decline")
    REGISTER = "register", pgettext_lazy("request step", "Register")
    DISPATCH = "dispatch", pgettext_lazy("request step", "Dispatch")
    HANDLE = "handle", pgettext_lazy("request step", "Handle")
    SEND_BACK = "send_back", pgettext_lazy("request step", "Send back")
    EXTEND = "extend", pgettext_lazy("request step", "Extend")
    PARK = "park", pgettext_lazy("request step", "Park")
    RESUME = "resume", pgettext_lazy("request step", "Resume")
    ESCALATE = "escalate", pgettext_lazy("request step", "Escalate to the sub-district")
    CHECK = "check", pgettext_lazy("request step", "Check")
    REJECT = "reject", pgettext_lazy("request step", "Return for more work")
    CLOSE = "close", pgettext_lazy("request step", "Close")
    RATE = "rate", pgettext_lazy("request step", "Rate")
    REDO = "redo", pgettext_lazy("request step", "Redo")
    MERGE = "merge", pgettext_lazy("request step", "Merge")
    SUPERVISE = "supervise", pgettext_lazy("request step", "Supervise")
    CALLBACK = "callback", pgettext_lazy("request step", "Call back")


class ActorRole(models.TextChoices):
    """In which capacity someone acted on a request (kept in the log)."""

    RESIDENT = "resident", _("Resident")
    GRID_WORKER = "grid_worker", _("Grid worker")
    DISPATCHER = "dispatcher", _("Community dispatcher")
    TEAM = "team", _("Service team")
    SUBDISTRICT = "subdistrict", _("Sub-district")
    CLIENT = "client", _("Open311 client")
    SYSTEM = "system", _("System")


class Channel(models.TextChoices):
    """How a request came in."""

    GRID_WORKER = "grid_worker", _("Grid worker")
    RESIDENT = "resident", _("Resident on the site")
    OPEN311 = "open311", _("Open311 client")
    HOTLINE = "hotline", _("Hotline")
    WALK_IN = "walk_in", _("Walk-in")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", pgettext_lazy("satisfaction", "Satisfied")
    PARTLY = "partly", pgettext_lazy("satisfaction", "Partly satisfied")
    NOT_SATISFIED = "not_satisfied", pgettext_lazy("satisfaction", "Not satisfied")


class RatingKind(models.TextChoices):
    FIRST = "first", _("Rating at closing")
    CALLBACK = "callback", _("Call-back by the sub-district")


class SupervisionReason(models.TextChoices):
    OVERDUE = "overdue", _("Overdue")
    BOUNCED = "bounced", _("Sent back too often")
    MANUAL = "manual", _("Supervised by a leader")
