from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamKind(models.TextChoices):
    SERVICE = "service", _("Community service")
    PATROL = "patrol", _("Patrol")
    HOME_VISIT = "home_visit", _("Home visits")
    OTHER = "other", _("Other")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class SignUpStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    CHECKED_IN = "checked_in", _("Checked in")
    CHECKED_OUT = "checked_out", _("Checked out")
    NO_SHOW = "no_show", _("Did not come")


# The sign-up state machine: from → the states it may move to.
SIGNUP_TRANSITIONS: dict[str, frozenset[str]] = {
    SignUpStatus.SIGNED_UP: frozenset({SignUpStatus.CANCELLED, SignUpStatus.CHECKED_IN, SignUpStatus.NO_SHOW}),
    SignUpStatus.WAITING: frozenset({SignUpStatus.CANCELLED, SignUpStatus.SIGNED_UP}),
    SignUpStatus.CANCELLED: frozenset({SignUpStatus.SIGNED_UP, SignUpStatus.WAITING}),
    SignUpStatus.CHECKED_IN: frozenset({SignUpStatus.CHECKED_OUT}),
    SignUpStatus.CHECKED_OUT: frozenset(),
    SignUpStatus.NO_SHOW: frozenset({SignUpStatus.CHECKED_IN}),
}

# Sign-ups holding a place on a need (the waiting list is promoted when one of them is cancelled).
HOLDS_PLACE = (SignUpStatus.SIGNED_UP, SignUpStatus.CHECKED_IN, SignUpStatus.CHECKED_OUT)
