"""Writes of pairings and hardship funds. Each service validates, writes in one transaction and
leaves one audit entry. A fund's balance is derived from its entries; a payment that would take
the balance below zero, on its date or on any later day, is refused."""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log
from dangjian.grid.models import Household
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .choices import EntryDirection, FundKind, HelpKind, PairingStatus
from .models import Fund, FundEntry, Pairing, PairingVisit

MAX_AMOUNT = Decimal("10000000000")


def _raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def household_fits(organization: Organization, household: Household) -> bool:
    """A household may be paired under an organization of its community: the community's
    organization, one above it or one below it (a branch)."""
    grid_path = household.building.grid.organization.path
    return organization.path.startswith(grid_path) or grid_path.startswith(organization.path)


def pairing_create(*, actor, organization: Organization, household: Household, started_on: datetime.date,
                   goals: str, member: Member | None = None, unit_name: str = "") -> Pairing:
    """Pair a member (under their branch) or a unit (under ``organization``) with a household."""
    errors = {}
    unit_name = (unit_name or "").strip()
    if member is None and not unit_name:
        errors["member"] = _("Choose a member or name a unit.")
    if member is not None and unit_name:
        errors["unit_name"] = _("A pairing is with a member or with a unit, not both.")
    if member is not None:
        if member.status not in ON_ROLL:
            errors["member"] = _("This member is no longer on the roll.")
        elif not member.organization.path.startswith(organization.path):
            errors["member"] = _("This member is not in the organization.")
        organization = member.organization
    if not household.active:
        errors["household"] = _("This household no longer lives here.")
    elif not household_fits(organization, household):
        errors["household"] = _("This household is not in the organization's community.")
    if started_on > timezone.localdate():
        errors["started_on"] = _("The date cannot be in the future.")
    if not (goals or "").strip():
        errors["goals"] = _("Say what the pairing is to achieve.")
    if member is not None and not errors and Pairing.objects.filter(
            member=member, household=household, status=PairingStatus.ACTIVE).exists():
        errors["household"] = _("This member is already paired with this household.")
    _raise_if(errors)
    with transaction.atomic():
        pairing = Pairing.objects.create(organization=organization, member=member, unit_name=unit_name,
                                         household=household, started_on=started_on, goals=goals.strip(),
                                         created_by=_user(actor))
        audit_log(actor=actor, action="pairing.created", obj=pairing, organization=organization,
                  changes={"helper": pairing.helper_name, "household": household.pk, "started_on": started_on})
    return pairing


def pairing_end(*, actor, pairing: Pairing, ended_on: datetime.date, note: str = "") -> Pairing:
    """End an active pairing."""
    if pairing.status != PairingStatus.ACTIVE:
        raise ValidationError(_("This pairing has already ended."))
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The date cannot be in the future.")})
    if ended_on < pairing.started_on:
        raise ValidationError({"ended_on": _("A pairing cannot end before it started (%(date)s).")
                               % {"date": pairing.started_on}})
    with transaction.atomic():
        pairing.status, pairing.ended_on, pairing.end_note = PairingStatus.ENDED, ended_on, (note or "").strip()
        pairing.save(update_fields=["status", "ended_on", "end_note"])
        audit_log(actor=actor, action="pairing.ended", obj=pairing, organization=pairing.organization,
                  changes={"ended_on": ended_on}, note=pairing.end_note)
    return pairing


def pairing_visit_record(*, actor, pairing: Pairing, visited_on: datetime.date, found: str, help_kind: str,
                         amount: Decimal | None = None, note: str = "", visitor_name: str = "") -> PairingVisit:
    """Record a visit under a pairing: what was found and the help given."""
    errors = {}
    if pairing.status != PairingStatus.ACTIVE:
        raise ValidationError(_("Visits are recorded only on an active pairing."))
    if visited_on > timezone.localdate():
        errors["visited_on"] = _("The date cannot be in the future.")
    elif visited_on < pairing.started_on:
        errors["visited_on"] = _("A visit cannot come before the pairing started (%(date)s).") % {
            "date": pairing.started_on}
    if not (found or "").strip():
        errors["found"] = _("Say what was found: how the household is doing and what it needs.")
    if help_kind not in HelpKind.values:
        errors["help_kind"] = _("Choose the help given.")
    if amount is not None and (amount <= 0 or amount >= MAX_AMOUNT):
        errors["amount"] = _("Enter an amount above zero.")
    elif amount is None and help_kind == HelpKind.MONEY:
        errors["amount"] = _("Enter the amount of money given.")
    _raise_if(errors)
    name = (visitor_name or "").strip()
    if not name and _user(actor):
        name = actor.get_full_name() or actor.get_username()
    with transaction.atomic():
        visit = PairingVisit.objects.create(pairing=pairing, visited_on=visited_on, visitor=_user(actor),
                                            visitor_name=name or pairing.helper_name, found=found.strip(),
                                            help_kind=help_kind, amount=amount, note=(note or "").strip())
        audit_log(actor=actor, action="pairing.visited", obj=pairing, organization=pairing.organization,
                  changes={"visited_on": visited_on, "help_kind": help_kind, "amount": amount})
    return visit


def fund_create(*, actor, organization: Organization, kind: str, name: str) -> Fund:
    """Open a hardship fund of an organization (its balance starts at zero)."""
    errors = {}
    name = (name or "").strip()
    if kind not in FundKind.values:
        errors["kind"] = _("Choose the kind of fund.")
    if not name:
        errors["name"] = _("Name the fund.")
    elif Fund.objects.filter(organization=organization, name=name).exists():
        errors["name"] = _("The organization already has a fund of this name.")
    _raise_if(errors)
    with transaction.atomic():
        fund = Fund.objects.create(organization=organization, kind=kind, name=name)
        audit_log(actor=actor, action="fund.created", obj=fund, organization=organization,
                  changes={"kind": kind, "name": name})
    return fund


def fund_entry_add(*, actor, fund: Fund, direction: str, entry_date: datetime.date, amount: Decimal,
                   counterparty: str, approved_by: str, pairing: Pairing | None = None,
                   household: Household | None = None, note: str = "") -> FundEntry:
    """Record an income into or a payment out of a fund. A payment larger than the balance (on its
    date and on every later entry's day) is refused."""
    errors = {}
    if direction not in EntryDirection.values:
        errors["direction"] = _("Choose income or payment.")
    if amount is None or amount <= 0 or amount >= MAX_AMOUNT:
        errors["amount"] = _("Enter an amount above zero.")
    if entry_date > timezone.localdate():
        errors["entry_date"] = _("The date cannot be in the future.")
    if not (counterparty or "").strip():
        errors["counterparty"] = (_("Say where the money came from.") if direction == EntryDirection.INCOME
                                  else _("Say whom the money was paid to."))
    if not (approved_by or "").strip():
        errors["approved_by"] = _("Say who approved it.")
    if pairing is not None and not pairing.organization.path.startswith(fund.organization.path):
        errors["pairing"] = _("This pairing is not in the fund's organization.")
    if pairing is not None and household is None:
        household = pairing.household
    if household is not None and not household_fits(fund.organization, household):
        errors["household"] = _("This household is not in the fund's community.")
    _raise_if(errors)
    with transaction.atomic():
        Fund.objects.select_for_update().filter(pk=fund.pk).first()  # one writer per fund at a time
        if direction == EntryDirection.PAYMENT:
            _check_no_overdraft(fund, entry_date, amount)
        entry = FundEntry.objects.create(
            fund=fund, direction=direction, entry_date=entry_date, amount=amount, counterparty=counterparty.strip(),
            pairing=pairing, household=household, approved_by=approved_by.strip(), note=(note or "").strip(),
            recorded_by=_user(actor))
        audit_log(actor=actor, action=f"fund.{direction}", obj=fund, organization=fund.organization,
                  changes={"date": entry_date, "amount": amount, "counterparty": entry.counterparty})
    return entry


def _check_no_overdraft(fund: Fund, entry_date: datetime.date, amount: Decimal) -> None:
    """The lowest balance from ``entry_date`` on, once the payment is taken, must stay at zero or above."""
    balance = fund.balance(until=entry_date)
    lowest = balance
    for direction, value in (fund.entries.filter(entry_date__gt=entry_date).order_by("entry_date", "id")
                             .values_list("direction", "amount")):
        balance += value if direction == EntryDirection.INCOME else -value
        lowest = min(lowest, balance)
    if amount > lowest:
        raise ValidationError({"amount": _("The payment is larger than the fund's balance (%(balance)s yuan).")
                               % {"balance": f"{max(lowest, Decimal('0')):,.2f}"}})
