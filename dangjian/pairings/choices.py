"""Choices of pairings (结对帮扶) and hardship funds (互助金)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class PairingStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class HelpKind(models.TextChoices):
    MONEY = "money", _("Money")
    GOODS = "goods", _("Goods")
    SERVICE = "service", _("Service")
    VISIT = "visit", _("Visit only")


class FundKind(models.TextChoices):
    MUTUAL_AID = "mutual_aid", _("Party mutual-aid fund")
    EMERGENCY = "emergency", _("Emergency relief fund")


class EntryDirection(models.TextChoices):
    INCOME = "income", _("Income")
    PAYMENT = "payment", _("Payment")
