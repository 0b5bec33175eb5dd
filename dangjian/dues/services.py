"""Writes of membership dues: declaring a base, collecting a month, correcting a payment, reliefs.

Every write validates first, runs in one transaction and leaves one audit entry. Amounts are
computed here from the rule pack (``calculation``), never typed in.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log, diff
from dangjian.core.dates import add_months, month_start
from dangjian.core.rules import RuleBook, RuleMissing, ancestor_codes
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .calculation import ZERO, DuesRules, dues_amount, parse_base, to_money
from .choices import NO_BASE_NEEDED, RELIEF_TRANSITIONS, DuesBasis, PaymentMethod, ReliefKind, ReliefStatus
from .models import DuesDeclaration, DuesPayment, DuesRelief
from .selectors import MemberDues

# How far ahead a month may be paid (a member may pay a year in advance).
MONTHS_AHEAD = 12


def _money(value, field: str) -> Decimal:
    try:
        amount = parse_base(value)
    except ValidationError as exc:
        raise ValidationError({field: _("Give an amount of yuan that is not negative.")}) from exc
    if amount != to_money(amount):
        raise ValidationError({field: _("Amounts are in yuan with at most two decimals.")})
    return amount


def _check_month(month: datetime.date, field: str = "month") -> datetime.date:
    month = month_start(month)
    limit = add_months(month_start(timezone.localdate()), MONTHS_AHEAD)
    if month >= limit:
        raise ValidationError({field: _("Dues can be paid at most a year in advance.")})
    return month


# ---------------------------------------------------------------------------------------------
# Declarations.


def declaration_create(*, actor, member: Member, basis: str, base, effective_from: datetime.date,
                       note: str = "") -> DuesDeclaration:
    """Declare a member's dues basis and monthly base from a month on (declared monthly, or when
    pay changes). Declaring again for the same month corrects that month's declaration."""
    if member.status not in ON_ROLL:
        raise ValidationError(_("Dues are declared only for members on the roll."))
    if basis not in DuesBasis.values:
        raise ValidationError({"basis": _("Choose a dues basis.")})
    month = month_start(effective_from)
    if month < month_start(member.joined_on):
        raise ValidationError({"effective_from": _("The month is before the member joined the Party.")})
    _check_month(month, "effective_from")
    base = ZERO if basis in NO_BASE_NEEDED else _money(base if base not in (None, "") else "0", "base")
    if basis not in NO_BASE_NEEDED and base == 0 and basis != DuesBasis.FARMER:
        raise ValidationError({"base": _("Give the monthly base: the regular after-tax monthly pay or income.")})
    amount, version = dues_amount(basis, base, month, organization=member.organization)
    with transaction.atomic():
        existing = DuesDeclaration.objects.filter(member=member, effective_from=month).first()
        before = {"basis": existing.basis, "base": existing.base} if existing else {}
        declaration, _created = DuesDeclaration.objects.update_or_create(
            member=member, effective_from=month,
            defaults={"basis": basis, "base": base, "note": note, "declared_by": actor if getattr(actor, "pk", None) else None},
        )
        audit_log(actor=actor, action="dues.declared", obj=member, organization=member.organization,
                  changes={**diff(before, {"basis": basis, "base": base}), "month": month, "amount": amount,
                           "rule": version})
    return declaration


# ---------------------------------------------------------------------------------------------
# Collection.


def payments_record(*, actor, organization: Organization, month: datetime.date, entries: list[dict]) -> list[DuesPayment]:
    """Record one month's dues for many members of ``organization`` at once (a branch collecting).

    ``entries`` are dicts with ``member`` (a Member or its id) and optionally ``amount_paid``
    (default: the amount due), ``extra`` (voluntary extra, default 0), ``method``, ``paid_on``
    (default today), ``note``. The amount due is computed from each member's declaration and
    the rule pack. All or nothing: if any entry is refused, nothing is recorded and every
    problem is reported, by member. A few queries whatever the number of members.
    """
    month = _check_month(month)
    today = timezone.localdate()
    if not entries:
        raise ValidationError(_("Tick at least one member who paid."))
    ids = [e["member"].pk if isinstance(e["member"], Member) else int(e["member"]) for e in entries]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("A member is listed twice."))
    members = {m.pk: m for m in Member.objects.filter(pk__in=ids).without_protected()}
    rules = DuesRules()
    data = MemberDues(list(members.values()), rules=rules)
    paid_already = set(DuesPayment.objects.filter(member_id__in=ids, month=month).values_list("member_id", flat=True))
    problems: list[str] = []
    rows = []
    for member_id, entry in zip(ids, entries, strict=True):
        member = members.get(member_id)
        if member is None or member.organization_id != organization.pk:
            problems.append(_("Member %(id)s is not on this organization's roll.") % {"id": member_id})
            continue
        name = member.name
        if member.status not in ON_ROLL:
            problems.append(_("%(name)s is no longer on the roll.") % {"name": name})
            continue
        if month < month_start(member.joined_on):
            problems.append(_("%(name)s joined the Party after %(month)s.") % {"name": name, "month": f"{month:%Y-%m}"})
            continue
        if member_id in paid_already:
            problems.append(_("%(name)s has already paid for %(month)s; correct that payment instead.")
                            % {"name": name, "month": f"{month:%Y-%m}"})
            continue
        due = data.due(member, month, organization.path)
        if due.amount is None:
            problems.append(_("%(name)s: %(problem)s Declare the base first.") % {"name": name, "problem": due.problem})
            continue
        try:
            paid = _money(entry["amount_paid"], "amount_paid") if entry.get("amount_paid") not in (None, "") else due.amount
            extra = _money(entry.get("extra") or "0", "extra")
        except ValidationError:
            problems.append(_("%(name)s: amounts are yuan, not negative, with at most two decimals.") % {"name": name})
            continue
        if paid < due.amount:
            problems.append(_("%(name)s owes ¥%(due)s for the month; a lower amount needs an approved relief.")
                            % {"name": name, "due": due.amount})
            continue
        paid_on = entry.get("paid_on") or today
        if paid_on > today:
            problems.append(_("%(name)s: the payment date is in the future.") % {"name": name})
            continue
        method = entry.get("method") or PaymentMethod.CASH
        if method not in PaymentMethod.values:
            problems.append(_("%(name)s: choose how the dues were paid.") % {"name": name})
            continue
        rows.append(DuesPayment(
            member=member, organization=organization, month=month, basis=due.basis, base=due.base,
            amount_due=due.amount, rule_version=due.rule_version, relief=due.relief, amount_paid=paid, extra=extra,
            paid_on=paid_on, method=method, note=entry.get("note", "")[:200],
            recorded_by=actor if getattr(actor, "pk", None) else None,
        ))
    if problems:
        raise ValidationError({"entries": problems})
    with transaction.atomic():
        # Two collectors of one month at once: the second waits for the first and is refused,
        # instead of failing on the once-a-month constraint.
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        paid_now = set(DuesPayment.objects.filter(member_id__in=[r.member_id for r in rows], month=month)
                       .values_list("member_id", flat=True))
        if paid_now:
            raise ValidationError({"entries": [
                _("%(name)s has already paid for %(month)s; correct that payment instead.")
                % {"name": r.member.name, "month": f"{month:%Y-%m}"} for r in rows if r.member_id in paid_now]})
        created = DuesPayment.objects.bulk_create(rows)
        audit_log(actor=actor, action="dues.collected", obj=organization, organization=organization,
                  changes={"month": month, "count": len(created),
                           "amount": sum((p.amount_paid for p in created), ZERO),
                           "extra": sum((p.extra for p in created), ZERO)})
    return created


def payment_correct(*, actor, payment: DuesPayment, reason: str, amount_paid=None, extra=None, method: str | None = None,
                    paid_on: datetime.date | None = None, note: str | None = None) -> DuesPayment:
    """Correct a recorded payment (amount, extra, method, date, note) and say why; the amount due
    stays what was computed when the month was collected."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the payment is corrected.")})
    after = {}
    if amount_paid is not None:
        after["amount_paid"] = _money(amount_paid, "amount_paid")
        if after["amount_paid"] < payment.amount_due:
            raise ValidationError({"amount_paid": _("The amount paid cannot be less than the ¥%(due)s due.")
                                   % {"due": payment.amount_due}})
    if extra is not None:
        after["extra"] = _money(extra, "extra")
    if method is not None:
        if method not in PaymentMethod.values:
            raise ValidationError({"method": _("Choose how the dues were paid.")})
        after["method"] = method
    if paid_on is not None:
        if paid_on > timezone.localdate():
            raise ValidationError({"paid_on": _("The payment date is in the future.")})
        after["paid_on"] = paid_on
    if note is not None:
        after["note"] = note[:200]
    before = {name: getattr(payment, name) for name in after}
    changes = diff(before, after)
    if not changes:
        raise ValidationError(_("Nothing is changed."))
    with transaction.atomic():
        for name, value in after.items():
            setattr(payment, name, value)
        payment.save(update_fields=list(after))
        audit_log(actor=actor, action="dues.corrected", obj=payment, organization=payment.organization,
                  changes=changes, note=reason)
    return payment


# ---------------------------------------------------------------------------------------------
# Reliefs.


def approver_types(organization: Organization) -> list[str]:
    """Organization types that may approve dues reliefs (the Party committee above a branch)."""
    try:
        from dangjian.core.rules import rule

        return list(rule("dues.relief.approver_types", organization=organization).value)
    except RuleMissing:
        return ["committee", "working_committee", "leading_group"]


def approver_for(relief: DuesRelief) -> Organization | None:
    """The nearest organization above the relief's branch that may approve it."""
    allowed = approver_types(relief.organization)
    for org in reversed(list(Organization.objects.get_ancestors(relief.organization))):
        if org.org_type in allowed:
            return org
    return None


def relief_request(*, actor, member: Member, kind: str, from_month: datetime.date, to_month: datetime.date,
                   reason: str, decided_on: datetime.date, reduced_amount=None) -> DuesRelief:
    """The branch's decision to reduce or exempt a member's dues for some months, sent to the
    committee above for approval (党费减免)."""
    if member.status not in ON_ROLL:
        raise ValidationError(_("Dues reliefs are only for members on the roll."))
    if kind not in ReliefKind.values:
        raise ValidationError({"kind": _("Choose a reduction or an exemption.")})
    first, last = month_start(from_month), month_start(to_month)
    if last < first:
        raise ValidationError({"to_month": _("The last month is before the first.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason, such as the member's hardship.")})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("The branch's decision cannot be in the future.")})
    amount = None
    if kind == ReliefKind.REDUCTION:
        if reduced_amount in (None, ""):
            raise ValidationError({"reduced_amount": _("Give the monthly amount the member pays instead.")})
        amount = _money(reduced_amount, "reduced_amount")
    overlapping = DuesRelief.objects.filter(member=member, status__in=[ReliefStatus.PENDING, ReliefStatus.APPROVED],
                                            from_month__lte=last, to_month__gte=first)
    if overlapping.exists():
        raise ValidationError(_("Another relief of this member already covers some of these months."))
    if approver_for(DuesRelief(organization=member.organization)) is None:
        raise ValidationError(_("No Party committee above this branch can approve a relief."))
    try:
        version = RuleBook(first).get("dues.relief.approver_types", ancestor_codes(member.organization)).version
    except RuleMissing:
        version = ""
    with transaction.atomic():
        relief = DuesRelief.objects.create(
            member=member, organization=member.organization, kind=kind, reduced_amount=amount, from_month=first,
            to_month=last, reason=reason.strip(), decided_on=decided_on,
            requested_by=actor if getattr(actor, "pk", None) else None, rule_version=version,
        )
        audit_log(actor=actor, action="dues_relief.requested", obj=relief, organization=relief.organization,
                  changes={"kind": kind, "from_month": first, "to_month": last, "reduced_amount": amount})
    return relief


def _review(*, actor, relief: DuesRelief, to: str, approving_organization: Organization, on: datetime.date,
            note: str, action: str) -> DuesRelief:
    if to not in RELIEF_TRANSITIONS[relief.status]:
        raise ValidationError(_("This relief has already been decided."))
    allowed = approver_types(relief.organization)
    below = relief.organization.path.startswith(approving_organization.path) and \
        approving_organization.depth < relief.organization.depth
    if not below or approving_organization.org_type not in allowed:
        raise ValidationError({"approving_organization": _(
            "A relief is approved by a Party committee above the member's branch.")})
    if on > timezone.localdate():
        raise ValidationError({"reviewed_on": _("The date cannot be in the future.")})
    if on < relief.decided_on:
        raise ValidationError({"reviewed_on": _("The committee cannot decide before the branch did.")})
    with transaction.atomic():
        before = relief.status
        relief.status, relief.approving_organization, relief.reviewed_on = to, approving_organization, on
        relief.reviewed_by = actor if getattr(actor, "pk", None) else None
        relief.review_note = note[:300]
        relief.save(update_fields=["status", "approving_organization", "reviewed_on", "reviewed_by", "review_note"])
        audit_log(actor=actor, action=action, obj=relief, organization=relief.organization,
                  changes={"status": [before, to], "approving_organization": approving_organization}, note=note)
    return relief


def relief_approve(*, actor, relief: DuesRelief, approving_organization: Organization,
                   approved_on: datetime.date | None = None, note: str = "") -> DuesRelief:
    """The committee above approves a relief: from now on it changes what is due for its months."""
    return _review(actor=actor, relief=relief, to=ReliefStatus.APPROVED, approving_organization=approving_organization,
                   on=approved_on or timezone.localdate(), note=note, action="dues_relief.approved")


def relief_reject(*, actor, relief: DuesRelief, approving_organization: Organization, note: str,
                  rejected_on: datetime.date | None = None) -> DuesRelief:
    """The committee above rejects a relief, saying why."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the relief is rejected.")})
    return _review(actor=actor, relief=relief, to=ReliefStatus.REJECTED, approving_organization=approving_organization,
                   on=rejected_on or timezone.localdate(), note=note, action="dues_relief.rejected")
