"""Codes of hardship and care (困难帮扶与关怀慰问)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class HardshipKind(models.TextChoices):
    """Kinds of difficulty (困难类型); a case may name several."""

    ILLNESS = "illness", _("Serious illness")
    DISABILITY = "disability", _("Disability")
    LOW_INCOME = "low_income", _("Low income")
    ELDERLY_ALONE = "elderly_alone", _("Elderly, living alone")
    DISASTER = "disaster", _("Disaster or accident")
    UNEMPLOYMENT = "unemployment", _("Unemployment")
    OTHER = "other", _("Other difficulty")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Being helped")
    CLOSED = "closed", _("Closed")


class SupportKind(models.TextChoices):
    """What was given (帮扶方式)."""

    MONEY = "money", _("Money")
    GOODS = "goods", _("Goods")
    VISIT = "visit", _("Visit")
    SERVICE = "service", _("Help with services")


class FundingSource(models.TextChoices):
    """Where the money or goods came from (资金来源)."""

    CARE_FUND = "care_fund", _("Party care fund")
    PARTY_DUES = "party_dues", _("Party dues")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs relief")
    UNIT = "unit", _("Funds of the employer or unit")
    DONATION = "donation", _("Donations")
    OTHER = "other", _("Other source")


class Occasion(models.TextChoices):
    """Occasions of care visits (慰问): the festivals first, then illness and others."""

    SPRING_FESTIVAL = "spring_festival", _("Spring Festival")
    JULY_FIRST = "july_first", _("Party's anniversary (1 July)")
    MID_AUTUMN = "mid_autumn", _("Mid-Autumn Festival")
    DOUBLE_NINTH = "double_ninth", _("Double Ninth (seniors' day)")
    ILLNESS = "illness", _("Illness or hospital stay")
    OTHER = "other", _("Other occasion")


# Occasions that come every year and have a care list of whom to visit.
FESTIVALS = (Occasion.SPRING_FESTIVAL, Occasion.JULY_FIRST, Occasion.MID_AUTUMN, Occasion.DOUBLE_NINTH)


class CareReason(models.TextChoices):
    """Why a member is on the festival care list (慰问对象)."""

    HARDSHIP = "hardship", _("In hardship")
    AGED = "aged", _("Aged 80 or more")
    FIFTY_YEARS = "fifty_years", _("50 years in the Party")
    ALONE = "alone", _("Living alone")
