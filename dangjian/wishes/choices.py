"""Choices of the small-wish board (微心愿)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class WishStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    PUBLISHED = "published", _("On the board")
    REJECTED = "rejected", _("Not accepted")
    CLAIMED = "claimed", _("Claimed")
    FULFILLED = "fulfilled", _("Fulfilled")
    THANKED = "thanked", _("Thanked")
    EXPIRED = "expired", _("Expired")


# Statuses shown on the public board and to the members of the community.
BOARD_STATUSES = (WishStatus.PUBLISHED, WishStatus.CLAIMED, WishStatus.FULFILLED)
MEMBER_STATUSES = (*BOARD_STATUSES, WishStatus.THANKED)


class WishAction(models.TextChoices):
    PUBLISH = "publish", _("Publish")
    REJECT = "reject", _("Reject")
    CLAIM = "claim", _("Claim")
    FULFIL = "fulfil", _("Mark fulfilled")
    THANK = "thank", _("Say thanks")
    RELEASE = "release", _("Return to the board")
    EXPIRE = "expire", _("Close as expired")


class WishCategory(models.TextChoices):
    DAILY = "daily", _("Daily necessities")
    STUDY = "study", _("Study and books")
    HEALTH = "health", _("Health and care")
    REPAIR = "repair", _("Small repairs")
    COMPANY = "company", _("Company and visits")
    OTHER = "other", _("Other")


class Honorific(models.TextChoices):
    MS = "ms", "女士"
    MR = "mr", "先生"
    NONE = "", _("No title (surname + 某)")
