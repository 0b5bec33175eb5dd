"""Writes of hardship and care: opening and closing hardship cases, recording support and visits.

``Member.in_hardship`` is derived here and nowhere else: it is set when a member's case opens
and cleared when their last open case closes, each change with its own audit entry.
"""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .choices import CaseStatus, HardshipKind, Occasion, SupportKind
from .models import CareVisit, HardshipCase, SupportRecord, encode_kinds

MAX_AMOUNT = Decimal("1000000")


def _not_future(field: str, day: datetime.date, today: datetime.date) -> None:
    if day > today:
        raise ValidationError({field: _("The date cannot be in the future.")})


def _check_amount(field: str, amount: Decimal | None, *, required: bool) -> None:
    if amount is None:
        if required:
            raise ValidationError({field: _("Enter the amount of money given.")})
        return
    if amount <= 0 or amount >= MAX_AMOUNT:
        raise ValidationError({field: _("Enter an amount above zero and below one million yuan.")})


def _set_hardship_flag(*, actor, member: Member, value: bool) -> None:
    """Keep ``Member.in_hardship`` in step with the member's open cases (audited when it changes)."""
    current = Member.objects.filter(pk=member.pk).values_list("in_hardship", flat=True).get()
    if current == value:
        member.in_hardship = value
        return
    Member.objects.filter(pk=member.pk).update(in_hardship=value, updated_at=timezone.now())
    member.in_hardship = value
    audit_log(actor=actor, action="member.hardship_changed", obj=member, organization=member.organization,
              changes={"in_hardship": [current, value]})


def hardship_case_open(*, actor, member: Member, kinds: list[str], situation: str, since: datetime.date,
                       on: datetime.date | None = None) -> HardshipCase:
    """Register a member in hardship (困难党员登记); the member is marked as in hardship."""
    today = timezone.localdate()
    on = on or today
    kinds = [k for k in kinds if k]
    if not kinds:
        raise ValidationError({"kinds": _("Choose at least one kind of difficulty.")})
    unknown = set(kinds) - set(HardshipKind.values)
    if unknown:
        raise ValidationError({"kinds": _("Unknown kind of difficulty: %(kinds)s.") % {"kinds": "、".join(sorted(unknown))}})
    if member.status not in ON_ROLL:
        raise ValidationError(_("%(name)s is no longer on the roll.") % {"name": member.name})
    if not (situation or "").strip():
        raise ValidationError({"situation": _("Describe the member's situation: what the difficulty is and what is needed.")})
    _not_future("since", since, today)
    if since > on:
        raise ValidationError({"since": _("The hardship cannot begin after the day it is registered.")})
    with transaction.atomic():
        case = HardshipCase.objects.create(member=member, kinds=encode_kinds(kinds), situation=situation.strip(),
                                           since=since, opened_on=on, registered_by=actor if getattr(actor, "pk", None)
                                           else None)
        audit_log(actor=actor, action="hardship_case.opened", obj=case, organization=member.organization,
                  changes={"member": member.name, "kinds": case.kinds_display, "since": since})
        _set_hardship_flag(actor=actor, member=member, value=True)
    return case


def hardship_case_close(*, actor, case: HardshipCase, closed_on: datetime.date, outcome: str) -> HardshipCase:
    """Close a case once the difficulty is over or handed on; the member's hardship mark is
    cleared when no other case of theirs is open."""
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("This case is already closed."))
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Say how the case ended: what changed, or who took it over.")})
    _not_future("closed_on", closed_on, timezone.localdate())
    if closed_on < case.opened_on:
        raise ValidationError({"closed_on": _("A case cannot close before it was registered (%(date)s).")
                               % {"date": case.opened_on}})
    member = case.member
    with transaction.atomic():
        case.status, case.closed_on, case.outcome = CaseStatus.CLOSED, closed_on, outcome.strip()
        case.save(update_fields=["status", "closed_on", "outcome"])
        audit_log(actor=actor, action="hardship_case.closed", obj=case, organization=member.organization,
                  changes={"closed_on": closed_on}, note=case.outcome)
        still_open = HardshipCase.objects.filter(member=member, status=CaseStatus.OPEN).exists()
        _set_hardship_flag(actor=actor, member=member, value=still_open)
    return case


def support_record(*, actor, case: HardshipCase, given_on: datetime.date, kind: str, amount: Decimal | None = None,
                   goods: str = "", given_by_organization: Organization | None = None, given_by: str = "",
                   funding_source: str = "", note: str = "") -> SupportRecord:
    """Record support given to a member in hardship (帮扶): money, goods, a visit or help with services."""
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("Support can be recorded only on an open case."))
    if kind not in SupportKind.values:
        raise ValidationError({"kind": _("Choose what was given.")})
    _not_future("given_on", given_on, timezone.localdate())
    if given_on < case.since:
        raise ValidationError({"given_on": _("Support cannot come before the hardship began (%(date)s).")
                               % {"date": case.since}})
    _check_amount("amount", amount, required=kind == SupportKind.MONEY)
    if kind == SupportKind.GOODS and not goods.strip():
        raise ValidationError({"goods": _("Say what goods were given.")})
    if not (given_by_organization or given_by.strip()):
        raise ValidationError({"given_by": _("Say who gave the support: an organization or people.")})
    with transaction.atomic():
        record = SupportRecord.objects.create(
            case=case, given_on=given_on, kind=kind, amount=amount, goods=goods.strip(),
            given_by_organization=given_by_organization, given_by=given_by.strip(), funding_source=funding_source,
            note=note.strip(), recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_log(actor=actor, action="hardship_case.supported", obj=case, organization=case.member.organization,
                  changes={"support": record.get_kind_display(), "amount": amount, "given_on": given_on})
    return record


def occasion_year(occasion: str, visited_on: datetime.date) -> int:
    """The year of the occasion a visit is for: Spring Festival visits made in November or
    December are for the festival of the coming year."""
    if occasion == Occasion.SPRING_FESTIVAL and visited_on.month >= 11:
        return visited_on.year + 1
    return visited_on.year


def care_visits_record(*, actor, members, occasion: str, visited_on: datetime.date, visitors: str, gifts: str = "",
                       amount: Decimal | None = None, note: str = "") -> list[CareVisit]:
    """Record care visits (慰问), one per member visited, from one form."""
    members = list(members)
    if not members:
        raise ValidationError({"members": _("Choose the members who were visited.")})
    if occasion not in Occasion.values:
        raise ValidationError({"occasion": _("Choose the occasion of the visit.")})
    off_roll = [m.name for m in members if m.status not in ON_ROLL]
    if off_roll:
        raise ValidationError({"members": _("Not on the roll: %(names)s.") % {"names": "、".join(off_roll)}})
    _not_future("visited_on", visited_on, timezone.localdate())
    if not (visitors or "").strip():
        raise ValidationError({"visitors": _("Say who made the visit.")})
    _check_amount("amount", amount, required=False)
    year = occasion_year(occasion, visited_on)
    recorder = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        visits = [CareVisit.objects.create(member=m, occasion=occasion, year=year, visited_on=visited_on,
                                           visitors=visitors.strip(), gifts=gifts.strip(), amount=amount,
                                           note=note.strip(), recorded_by=recorder) for m in members]
        for visit in visits:
            audit_log(actor=actor, action="care_visit.recorded", obj=visit, organization=visit.member.organization,
                      changes={"occasion": occasion, "visited_on": visited_on, "amount": amount})
    return visits
