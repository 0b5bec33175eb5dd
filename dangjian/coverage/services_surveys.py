"""Writes of door-to-door surveys (走访摸底): what a visit found at a firm.

A survey that finds the firm closed or moved out changes the register through
``services_firms.firm_update`` in the same transaction, so the firm leaves the coverage counts
from that day (``selectors.existing_on``); the headcount found updates the register too. A
back-dated survey (older than the latest one recorded) is kept in the firm's history but does not
change the register: the later visit knows better.
"""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log
from dangjian.core.validators import clean_plain_text

from .choices import COUNTED_STATUSES, FirmStatus
from .models import Firm, FirmSurvey
from .services_firms import firm_update, require_scope


def firm_survey_record(*, actor, firm: Firm, surveyed_on: datetime.date, surveyor: str,
                       status_found: str = FirmStatus.OPERATING, employees: int | None = None,
                       members_reported: int | None = None, has_union: bool = False, has_youth_league: bool = False,
                       wants_organization: bool = False, note: str = "") -> FirmSurvey:
    """Record a survey visit to ``firm``; a firm found closed or moved out is closed on the
    register from the survey day (unless an earlier closing date is already known). A survey
    older than the latest recorded one changes nothing on the register."""
    require_scope(actor, "change", firm.area_organization)
    if status_found not in FirmStatus.values:
        raise ValidationError({"status_found": _("Choose the status found.")})
    if surveyed_on is None:
        raise ValidationError({"surveyed_on": _("This field is required.")})
    if surveyed_on > timezone.localdate():
        raise ValidationError({"surveyed_on": _("A survey cannot be recorded before it took place.")})
    if firm.established_on and surveyed_on < firm.established_on:
        raise ValidationError({"surveyed_on": _("The firm was not established yet on that day.")})
    surveyor = clean_plain_text(surveyor, "surveyor", 50, required=True)
    note = clean_plain_text(note, "note", 2000)
    latest = firm.surveys.aggregate(latest=Max("surveyed_on"))["latest"]
    back_dated = latest is not None and surveyed_on < latest
    changes: dict = {}
    if not back_dated and employees is not None and employees != firm.employees:
        changes["employees"] = employees
    if not back_dated and status_found != firm.status:
        changes["status"] = status_found
        if status_found not in COUNTED_STATUSES:
            changes["closed_on"] = firm.closed_on or surveyed_on
    with transaction.atomic():
        survey = FirmSurvey.objects.create(
            firm=firm, surveyed_on=surveyed_on, surveyor=surveyor, status_found=status_found, employees=employees,
            members_reported=members_reported, has_union=has_union, has_youth_league=has_youth_league,
            wants_organization=wants_organization, note=note, recorded_by=actor)
        if changes:
            firm_update(actor=actor, firm=firm, **changes)
        audit_log(actor=actor, action="firm.surveyed", obj=firm, organization=firm.area_organization,
                  changes={"surveyed_on": surveyed_on.isoformat(), "status_found": status_found,
                           "members_reported": members_reported, "back_dated": back_dated})
    return survey
