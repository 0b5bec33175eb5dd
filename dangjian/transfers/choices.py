from django.db import models
from django.utils.translation import gettext_lazy as _


class TransferKind(models.TextChoices):
    """Where a transfer of the organizational relation (组织关系转接) goes."""

    WITHIN = "within", _("Within the platform")
    OUTGOING = "outgoing", _("Out to an organization elsewhere")
    INCOMING = "incoming", _("In from an organization elsewhere")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RECEIVED = "received", _("Received")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    RETURNED = "returned", _("Return slip received")


class TransferReason(models.TextChoices):
    EMPLOYER = "employer", _("Changing employer")
    HOME = "home", _("Moving home")
    STUDY = "study", _("Going to study")
    RETIREMENT = "retirement", _("Retiring")
    WORK_AWAY = "work_away", _("Working in a fixed place elsewhere for 6 months or more")
    OTHER = "other", _("Other")


class Side(models.TextChoices):
    """Which side of a transfer acts: the organization sending the relation or the one receiving it."""

    SENDING = "sending", _("Sending side")
    RECEIVING = "receiving", _("Receiving side")


class ActivityKind(models.TextChoices):
    """What a mobile member did where they are (流入地)."""

    STUDY = "study", _("Study")
    MEETING = "meeting", _("Organizational life")
    SERVICE = "service", _("Volunteer service")
