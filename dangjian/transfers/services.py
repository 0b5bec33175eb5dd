"""Writes of transfers (组织关系转接): issue a letter, receive, reject, cancel, record the return slip,
re-issue an expired letter, receive a member from an organization elsewhere.

A transfer is an explicit state machine (``TRANSITIONS``): each service checks the table and
the side that may act, appends a :class:`TransferStep` and writes one audit entry. The member
stays with the sending organization until the receiving side confirms (``member_move`` on the
day of receipt) or, for a letter to elsewhere, until the return slip arrives (the membership
period closes and the member is transferred out): never in two organizations or in none.
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import can
from dangjian.core.audit import audit_log
from dangjian.core.dates import add_months, month_start
from dangjian.core.rules import rule
from dangjian.members.choices import ChangeChannel, MemberStatus
from dangjian.members.models import Member
from dangjian.members.services import member_create, member_move
from dangjian.members.standing import change_status
from dangjian.organizations.models import Organization

from .choices import Side, TransferKind, TransferReason, TransferStatus
from .models import Transfer, TransferStep

S = TransferStatus
K = TransferKind

# kind → from status → {to status: the side that may make the move}. Re-issuing an expired
# letter keeps a transfer pending (pending → pending) under a new letter number.
TRANSITIONS: dict[str, dict[str, dict[str, str]]] = {
    K.WITHIN: {
        "": {S.PENDING: Side.SENDING},
        S.PENDING: {S.RECEIVED: Side.RECEIVING, S.REJECTED: Side.RECEIVING, S.CANCELLED: Side.SENDING,
                    S.PENDING: Side.SENDING},
    },
    K.OUTGOING: {
        "": {S.PENDING: Side.SENDING},
        S.PENDING: {S.RETURNED: Side.SENDING, S.CANCELLED: Side.SENDING, S.PENDING: Side.SENDING},
    },
    K.INCOMING: {
        "": {S.RECEIVED: Side.RECEIVING},
    },
}

# Members who can be transferred: full and probationary members (a member who lost contact or
# whose membership is suspended is dealt with first).
TRANSFERABLE = (MemberStatus.FULL, MemberStatus.PROBATIONARY)


def validity(*, organization: Organization | None, on: datetime.date):
    """How many months a letter issued on ``on`` stays valid, with the rule version."""
    return rule("transfers.validity_months", organization=organization, on=on)


def side_organization(transfer: Transfer, side: str) -> Organization | None:
    return transfer.from_organization if side == Side.SENDING else transfer.to_organization


def may_act(user, transfer: Transfer, side: str) -> bool:
    """Whether ``user`` may act for ``side`` of the transfer (change rights over that organization)."""
    org = side_organization(transfer, side)
    return org is not None and can(user, "change", org)


def _require_side(actor, transfer: Transfer, side: str):
    """Services called by people check the side they act for; ``actor=None`` is the system."""
    if actor is not None and not may_act(actor, transfer, side):
        raise PermissionDenied


def _check_day(day: datetime.date, *, not_before: datetime.date | None = None, field: str = "on"):
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if not_before and day < not_before:
        raise ValidationError({field: _("The date cannot be before %(date)s.") % {"date": not_before}})


def _move(*, actor, transfer: Transfer, to: str, on: datetime.date, note: str = "") -> TransferStep:
    """Check the table and the acting side, set the status (saving a new transfer) and log the step."""
    current = transfer.status if transfer.pk else ""
    allowed = TRANSITIONS[transfer.kind].get(current, {})
    if to not in allowed:
        raise ValidationError(_("A transfer that is %(now)s cannot go to “%(to)s”.") % {
            "now": transfer.get_status_display() if current else "—", "to": S(to).label})
    side = allowed[to]
    _require_side(actor, transfer, side)
    transfer.status = to
    if transfer.pk is None:
        transfer.save()
    return TransferStep.objects.create(
        transfer=transfer, actor=actor if getattr(actor, "pk", None) else None, side=side, on=on,
        from_status=current, to_status=to, note=note[:300],
    )


def _next_letter(organization: Organization, year: int) -> tuple[int, str]:
    """The next letter number of an organization for a year: ``<org code>-<year>-<nnn>``."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()  # serializes the numbering
    last = (Transfer.objects.filter(from_organization=organization, letter_year=year)
            .aggregate(m=Max("letter_seq"))["m"] or 0)
    seq = last + 1
    return seq, f"{organization.code}-{year}-{seq:03d}"


def _check_destination(organization: Organization, member: Member):
    if organization.pk == member.organization_id:
        raise ValidationError({"to_organization": _("The member already belongs to this organization.")})
    if not organization.holds_members:
        raise ValidationError({"to_organization": _("Members belong to a branch or committee, not to a Party group.")})
    if not organization.is_active:
        raise ValidationError({"to_organization": _("This organization is no longer active.")})


def transfer_send(*, actor, member: Member, kind: str = K.WITHIN, to_organization: Organization | None = None,
                  destination: str = "", reason: str, reason_note: str = "", dues_paid_until: datetime.date,
                  sent_on: datetime.date | None = None) -> Transfer:
    """Issue a transfer letter (开具组织关系介绍信) for a member of the sending organization.

    Within the platform the letter names ``to_organization``; to elsewhere it names
    ``destination``. The letter is valid for the rule pack's months from ``sent_on``.
    """
    sent_on = sent_on or timezone.localdate()
    if actor is not None and not can(actor, "change", member.organization):
        raise PermissionDenied
    if kind not in (K.WITHIN, K.OUTGOING):
        raise ValidationError({"kind": _("Choose where the member's relation goes.")})
    if member.status not in TRANSFERABLE:
        raise ValidationError(_("%(name)s is %(status)s: only full and probationary members can be transferred.")
                              % {"name": member.name, "status": member.get_status_display()})
    if Transfer.objects.filter(member=member, status=S.PENDING).exists():
        raise ValidationError(_("%(name)s already has a pending transfer: receive, cancel or re-issue that one first.")
                              % {"name": member.name})
    if kind == K.WITHIN:
        if to_organization is None:
            raise ValidationError({"to_organization": _("Choose the organization that receives the member.")})
        _check_destination(to_organization, member)
        destination = ""
    else:
        destination = (destination or "").strip()
        if not destination:
            raise ValidationError({"destination": _("Name the organization the letter is addressed to.")})
        to_organization = None
    if reason not in TransferReason.values:
        raise ValidationError({"reason": _("Choose the reason for the transfer.")})
    if reason == TransferReason.OTHER and not reason_note.strip():
        raise ValidationError({"reason_note": _("Describe the reason for the transfer.")})
    _check_day(sent_on, field="sent_on")
    months = validity(organization=member.organization, on=sent_on)
    origin_org = member.organization
    with transaction.atomic():
        seq, number = _next_letter(origin_org, sent_on.year)
        transfer = Transfer(
            kind=kind, member=member, from_organization=origin_org, to_organization=to_organization,
            destination=destination, letter_number=number, letter_year=sent_on.year, letter_seq=seq, reason=reason,
            reason_note=reason_note.strip(), dues_paid_until=month_start(dues_paid_until), sent_on=sent_on,
            valid_until=add_months(sent_on, int(months.value)), rule_version=months.version,
            status="", created_by=actor if getattr(actor, "pk", None) else None,
        )
        _move(actor=actor, transfer=transfer, to=S.PENDING, on=sent_on, note=number)
        audit_log(actor=actor, action="transfer.sent", obj=transfer, organization=origin_org,
                  changes={"member": member.name, "to": transfer.to_label, "letter_number": number,
                           "valid_until": transfer.valid_until, "rule_version": months.version})
    return transfer


def _lock_pending(transfer: Transfer) -> None:
    """Lock the transfer's row and read its status again: of two people acting on one letter at
    the same moment, the second waits here and is refused once the first has moved it on."""
    current = Transfer.objects.select_for_update().values_list("status", flat=True).get(pk=transfer.pk)
    if current != S.PENDING:
        transfer.status = current
        raise ValidationError(_("This transfer is already %(status)s.") % {"status": transfer.get_status_display()})


def _check_open(transfer: Transfer, *, on: datetime.date):
    if transfer.status != S.PENDING:
        raise ValidationError(_("This transfer is already %(status)s.") % {"status": transfer.get_status_display()})
    if on > transfer.valid_until:
        raise ValidationError(_("The letter expired on %(date)s: the sending organization must re-issue it first.")
                              % {"date": transfer.valid_until})


def transfer_receive(*, actor, transfer: Transfer, on: datetime.date | None = None, note: str = "") -> Transfer:
    """The receiving organization confirms the transfer: from ``on`` the member belongs to it."""
    on = on or timezone.localdate()
    if transfer.kind != K.WITHIN:
        raise ValidationError(_("Only a transfer within the platform is received here."))
    _check_open(transfer, on=on)
    _check_day(on, not_before=transfer.sent_on)
    member = Member.objects.without_protected().select_related("organization").get(pk=transfer.member_id)
    if member.organization_id != transfer.from_organization_id:
        raise ValidationError(_("%(name)s has moved since the letter was issued; the sending organization must cancel it.")
                              % {"name": member.name})
    if member.status not in TRANSFERABLE:
        raise ValidationError(_("%(name)s is %(status)s and cannot be received.")
                              % {"name": member.name, "status": member.get_status_display()})
    with transaction.atomic():
        _lock_pending(transfer)
        _move(actor=actor, transfer=transfer, to=S.RECEIVED, on=on, note=note)
        member_move(actor=actor, member=member, organization=transfer.to_organization, on=on)
        transfer.received_on = on
        transfer.save(update_fields=["status", "received_on"])
        audit_log(actor=actor, action="transfer.received", obj=transfer, organization=transfer.to_organization,
                  changes={"member": member.name, "from": transfer.from_label, "received_on": on})
    return transfer


def transfer_reject(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """The receiving organization refuses the transfer, saying why; the member stays where they are."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why the transfer is rejected.")})
    if transfer.status != S.PENDING:
        raise ValidationError(_("This transfer is already %(status)s.") % {"status": transfer.get_status_display()})
    with transaction.atomic():
        _lock_pending(transfer)
        _move(actor=actor, transfer=transfer, to=S.REJECTED, on=timezone.localdate(), note=reason)
        transfer.closing_note = reason[:300]
        transfer.save(update_fields=["status", "closing_note"])
        audit_log(actor=actor, action="transfer.rejected", obj=transfer, organization=transfer.to_organization,
                  note=reason)
    return transfer


def transfer_cancel(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """The sending organization withdraws its letter; the member stays with it."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why the transfer is cancelled.")})
    if transfer.status != S.PENDING:
        raise ValidationError(_("This transfer is already %(status)s.") % {"status": transfer.get_status_display()})
    with transaction.atomic():
        _lock_pending(transfer)
        _move(actor=actor, transfer=transfer, to=S.CANCELLED, on=timezone.localdate(), note=reason)
        transfer.closing_note = reason[:300]
        transfer.save(update_fields=["status", "closing_note"])
        audit_log(actor=actor, action="transfer.cancelled", obj=transfer, organization=transfer.from_organization,
                  note=reason)
    return transfer


def transfer_return_slip(*, actor, transfer: Transfer, returned_on: datetime.date, note: str = "") -> Transfer:
    """The return slip (回执) of a letter to elsewhere has come back: the member is transferred out.

    The sending organization is responsible for the member until this day; from it, the
    membership period here is closed and the member is off the roll as transferred out.
    """
    if transfer.kind != K.OUTGOING:
        raise ValidationError(_("Only a letter to an organization elsewhere has a return slip to record."))
    if transfer.status != S.PENDING:
        raise ValidationError(_("This transfer is already %(status)s.") % {"status": transfer.get_status_display()})
    _check_day(returned_on, not_before=transfer.sent_on, field="returned_on")
    member = Member.objects.without_protected().select_related("organization").get(pk=transfer.member_id)
    if member.organization_id != transfer.from_organization_id:
        raise ValidationError(_("%(name)s has moved since the letter was issued; cancel this transfer.")
                              % {"name": member.name})
    with transaction.atomic():
        _move(actor=actor, transfer=transfer, to=S.RETURNED, on=returned_on, note=note)
        change, changes = change_status(
            actor=actor, member=member, to=MemberStatus.TRANSFERRED_OUT, effective_on=returned_on,
            reason=_("Transferred to %(to)s, letter %(number)s") % {"to": transfer.destination,
                                                                    "number": transfer.letter_number},
            channel=ChangeChannel.TRANSFER)
        transfer.returned_on = returned_on
        transfer.save(update_fields=["status", "returned_on"])
        audit_log(actor=actor, action="transfer.returned", obj=transfer, organization=transfer.from_organization,
                  changes={"member": member.name, "returned_on": returned_on, **changes}, note=note)
    return transfer


def transfer_reissue(*, actor, transfer: Transfer, sent_on: datetime.date | None = None,
                     dues_paid_until: datetime.date | None = None) -> Transfer:
    """Issue a new letter for an expired pending transfer: a new number and a new validity."""
    sent_on = sent_on or timezone.localdate()
    if transfer.status != S.PENDING:
        raise ValidationError(_("This transfer is already %(status)s.") % {"status": transfer.get_status_display()})
    if not transfer.expired(sent_on):
        raise ValidationError(_("The letter is valid until %(date)s; it can be re-issued once it has expired.")
                              % {"date": transfer.valid_until})
    _check_day(sent_on, not_before=transfer.sent_on, field="sent_on")
    months = validity(organization=transfer.from_organization, on=sent_on)
    old = transfer.letter_number
    with transaction.atomic():
        seq, number = _next_letter(transfer.from_organization, sent_on.year)
        _move(actor=actor, transfer=transfer, to=S.PENDING, on=sent_on,
              note=_("Letter %(old)s expired; re-issued as %(new)s") % {"old": old, "new": number})
        transfer.letter_number, transfer.letter_year, transfer.letter_seq = number, sent_on.year, seq
        transfer.sent_on, transfer.valid_until = sent_on, add_months(sent_on, int(months.value))
        transfer.rule_version = months.version
        if dues_paid_until:
            transfer.dues_paid_until = month_start(dues_paid_until)
        transfer.save(update_fields=["letter_number", "letter_year", "letter_seq", "sent_on", "valid_until",
                                     "rule_version", "dues_paid_until"])
        audit_log(actor=actor, action="transfer.reissued", obj=transfer, organization=transfer.from_organization,
                  changes={"letter_number": [old, number], "valid_until": transfer.valid_until,
                           "rule_version": months.version})
    return transfer


# The member fields a letter from elsewhere gives (the register's own fields).
INCOMING_MEMBER_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "address", "education", "joined_on",
    "full_member_on", "status", "category", "work_unit", "job", "party_group",
)


def transfer_receive_from_outside(*, actor, organization: Organization, member_data: dict, letter_number: str,
                                  origin: str, sent_on: datetime.date, dues_paid_until: datetime.date,
                                  reason: str = TransferReason.OTHER, reason_note: str = "",
                                  received_on: datetime.date | None = None) -> Transfer:
    """Receive a member whose letter comes from an organization elsewhere (转入): the member's
    record is created in ``organization`` from the letter, all or nothing."""
    received_on = received_on or timezone.localdate()
    letter_number = (letter_number or "").strip()
    origin = (origin or "").strip()
    errors = {}
    if not letter_number:
        errors["letter_number"] = _("Enter the number of the letter.")
    elif Transfer.objects.filter(letter_number=letter_number).exists():
        errors["letter_number"] = _("A letter with this number has already been recorded.")
    if not origin:
        errors["origin"] = _("Name the organization that issued the letter.")
    if member_data.get("status") not in TRANSFERABLE:
        errors["status"] = _("A letter transfers a full or probationary member.")
    if errors:
        raise ValidationError(errors)
    _check_day(sent_on, field="sent_on")
    _check_day(received_on, not_before=sent_on, field="received_on")
    months = validity(organization=organization, on=sent_on)
    valid_until = add_months(sent_on, int(months.value))
    if received_on > valid_until:
        raise ValidationError({"sent_on": _(
            "The letter expired on %(date)s (valid for %(months)d months): ask the issuing organization for a new one.")
            % {"date": valid_until, "months": int(months.value)}})
    data = {k: v for k, v in member_data.items() if k in INCOMING_MEMBER_FIELDS}
    data["organization"] = organization
    transfer = Transfer(
        kind=K.INCOMING, to_organization=organization, origin=origin, letter_number=letter_number, reason=reason,
        reason_note=reason_note.strip(), dues_paid_until=month_start(dues_paid_until), sent_on=sent_on,
        valid_until=valid_until, rule_version=months.version, status="", received_on=received_on,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _require_side(actor, transfer, Side.RECEIVING)
    with transaction.atomic():
        member = member_create(actor=actor, data=data, on=received_on)
        transfer.member = member
        _move(actor=actor, transfer=transfer, to=S.RECEIVED, on=received_on, note=origin)
        audit_log(actor=actor, action="transfer.received_from_outside", obj=transfer, organization=organization,
                  changes={"member": member.name, "origin": origin, "letter_number": letter_number,
                           "received_on": received_on})
    return transfer
