"""A member's standing: the explicit table of status transitions, and probation within the Party.

Every change of ``Member.status`` after registration goes through :func:`member_status_change`
(or the services that call it: lost-contact cases, transfers), which checks the table, appends a
:class:`MemberStatusChange` row and writes one audit entry. Ending membership (出党) closes the
open membership period on the effective day, so the member leaves the roll from that day.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.audit import audit_log
from dangjian.core.dates import add_years
from dangjian.core.rules import rule

from .choices import ENDED, CadreStatus, ChangeChannel, MemberStatus, StandingChangeKind
from .models import DutyPost, Member, Membership, MemberStatusChange, ReserveCadre

S = MemberStatus
OPEN_CASE = ("searching", "suspended")  # LostContactStatus values of an open case
_ENDINGS_OF_FULL = (S.DIED, S.RESIGNED, S.LAPSED, S.REMOVED, S.EXPELLED)

# from → {to: procedures allowed to make it}. A procedure missing here cannot make the change.
# Lost contact is entered and left only through a lost-contact case; a transfer out only
# through the transfer services; 转正 (probationary → full) only through recruitment.
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    S.FULL: {
        **{to: frozenset({ChangeChannel.MANUAL}) for to in _ENDINGS_OF_FULL},
        S.SUSPENDED: frozenset({ChangeChannel.MANUAL}),
        S.LOST_CONTACT: frozenset({ChangeChannel.LOST_CONTACT}),
        S.TRANSFERRED_OUT: frozenset({ChangeChannel.TRANSFER}),
    },
    S.PROBATIONARY: {
        S.DIED: frozenset({ChangeChannel.MANUAL}),
        S.RESIGNED: frozenset({ChangeChannel.MANUAL}),
        S.PROBATION_CANCELLED: frozenset({ChangeChannel.MANUAL}),
        S.LOST_CONTACT: frozenset({ChangeChannel.LOST_CONTACT}),
        S.TRANSFERRED_OUT: frozenset({ChangeChannel.TRANSFER}),
    },
    S.SUSPENDED: {
        # Reinstated (恢复党籍): back to the standing the member had.
        S.FULL: frozenset({ChangeChannel.MANUAL, ChangeChannel.LOST_CONTACT}),
        S.PROBATIONARY: frozenset({ChangeChannel.MANUAL, ChangeChannel.LOST_CONTACT}),
        S.DIED: frozenset({ChangeChannel.MANUAL, ChangeChannel.LOST_CONTACT}),
        S.LAPSED: frozenset({ChangeChannel.MANUAL, ChangeChannel.LOST_CONTACT}),
        S.REMOVED: frozenset({ChangeChannel.MANUAL}),
        S.EXPELLED: frozenset({ChangeChannel.MANUAL}),
    },
    S.LOST_CONTACT: {
        S.FULL: frozenset({ChangeChannel.LOST_CONTACT}),
        S.PROBATIONARY: frozenset({ChangeChannel.LOST_CONTACT}),
        S.SUSPENDED: frozenset({ChangeChannel.LOST_CONTACT}),
        S.LAPSED: frozenset({ChangeChannel.LOST_CONTACT}),  # where a local pack handles a case as lapsed at once
        S.DIED: frozenset({ChangeChannel.LOST_CONTACT}),
        S.PROBATION_CANCELLED: frozenset({ChangeChannel.LOST_CONTACT}),
    },
}

# What each change is called on the "Change status" form.
CHANGE_LABELS = {
    S.DIED: gettext_lazy("Died"),
    S.RESIGNED: gettext_lazy("Resigned from the Party"),
    S.LAPSED: gettext_lazy("Removed as having left of own accord"),
    S.REMOVED: gettext_lazy("Removed from the roll"),
    S.EXPELLED: gettext_lazy("Expelled from the Party"),
    S.PROBATION_CANCELLED: gettext_lazy("Probationary membership cancelled"),
    S.SUSPENDED: gettext_lazy("Membership suspended"),
    S.FULL: gettext_lazy("Membership reinstated"),
    S.PROBATIONARY: gettext_lazy("Membership reinstated as a probationary member"),
}


def allowed_changes(member: Member, channel: str = ChangeChannel.MANUAL) -> list[str]:
    """The statuses ``member`` may be moved to by ``channel``, in the table's order."""
    targets = [to for to, channels in TRANSITIONS.get(member.status, {}).items() if channel in channels]
    if member.status == S.SUSPENDED:
        # Reinstatement returns to the standing the member had: full if they had become one.
        targets = [t for t in targets if t != (S.PROBATIONARY if member.full_member_on else S.FULL)]
    return targets


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("State the reason for the change.")})
    return reason


def _check_date(member: Member, on: datetime.date) -> Membership | None:
    if on > timezone.localdate():
        raise ValidationError({"effective_on": _("The change cannot take effect in the future.")})
    current = Membership.objects.filter(member=member, ended_on__isnull=True).first()
    if current and on < current.started_on:
        raise ValidationError({"effective_on": _(
            "%(name)s has belonged to %(org)s only since %(date)s; the change cannot be dated earlier.")
            % {"name": member.name, "org": member.organization.name, "date": current.started_on}})
    return current


def member_status_change(*, actor, member: Member, to: str, effective_on: datetime.date, reason: str,
                         document: str = "", channel: str = ChangeChannel.MANUAL) -> MemberStatusChange:
    """Change a member's standing by the transition table (死亡, 退党, 除名, 停止党籍, 恢复党籍 …).

    Ending membership closes the open membership period on ``effective_on``, ends the
    member's open duty posts and takes them out of reserve-cadre pools. ``channel`` names the
    procedure: the lost-contact and transfer services pass their own.
    """
    with transaction.atomic():
        change, changes = change_status(actor=actor, member=member, to=to, effective_on=effective_on, reason=reason,
                                        document=document, channel=channel)
        audit_log(actor=actor, action="member.status_changed", obj=member, organization=member.organization,
                  changes=changes, note=change.reason)
    return change


def change_status(*, actor, member: Member, to: str, effective_on: datetime.date, reason: str, document: str = "",
                  channel: str = ChangeChannel.MANUAL) -> tuple[MemberStatusChange, dict]:
    """The checked change without its audit entry, for services that log the whole event themselves
    (call inside their transaction). Returns the log row and the changes to audit."""
    reason = _clean_reason(reason)
    if to not in allowed_changes(member, channel):
        raise ValidationError({"to": _("%(name)s cannot go from “%(from)s” to “%(to)s” this way.") % {
            "name": member.name, "from": S(member.status).label, "to": S(to).label if to in S.values else to}})
    if channel == ChangeChannel.MANUAL and member.lost_contact_cases.filter(status__in=OPEN_CASE).exists():
        raise ValidationError(_("%(name)s has an open lost-contact case: change the standing through the case.")
                              % {"name": member.name})
    current = _check_date(member, effective_on)
    change = _record(actor=actor, member=member, to=to, effective_on=effective_on, reason=reason,
                     document=document, channel=channel)
    changes = {"status": [change.from_status, to], "effective_on": effective_on}
    member.status = to
    update = ["status", "updated_at"]
    if to in ENDED:
        if current is not None:
            current.ended_on = effective_on
            current.save(update_fields=["ended_on"])
        duties = DutyPost.objects.filter(member=member, ended_on__isnull=True).update(
            ended_on=effective_on, end_note=reason[:200])
        cadres = ReserveCadre.objects.filter(member=member, status=CadreStatus.IN_POOL).update(
            status=CadreStatus.LEFT, status_on=effective_on)
        if member.party_probation_until:
            member.party_probation_until = None
            update.append("party_probation_until")
        changes |= {"duty_posts_ended": duties, "cadre_entries_left": cadres}
    member.save(update_fields=update)
    return change, changes


def _record(*, actor, member, to, effective_on, reason, document="", channel=ChangeChannel.MANUAL,
            kind=StandingChangeKind.STATUS, until=None) -> MemberStatusChange:
    return MemberStatusChange.objects.create(
        member=member, kind=kind, from_status=member.status, to_status=to, effective_on=effective_on,
        party_probation_until=until, reason=reason, document=document, channel=channel,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_full_name() or actor.get_username()) if getattr(actor, "pk", None) else "",
    )


def party_probation_set(*, actor, member: Member, effective_on: datetime.date, until: datetime.date, reason: str,
                        document: str = "") -> MemberStatusChange:
    """Place a full member on probation within the Party (留党察看) until a day, at most the rule's years."""
    reason = _clean_reason(reason)
    if member.status != S.FULL:
        raise ValidationError(_("Only a full member on the roll can be placed on probation within the Party."))
    _check_date(member, effective_on)
    limit = rule("discipline.party_probation_max_years", organization=member.organization, on=effective_on)
    if until <= effective_on:
        raise ValidationError({"until": _("The probation must end after it starts.")})
    if until > add_years(effective_on, int(limit.value)):
        raise ValidationError({"until": _("Probation within the Party lasts at most %(years)d years (rule %(rule)s).")
                               % {"years": int(limit.value), "rule": limit.version}})
    with transaction.atomic():
        change = _record(actor=actor, member=member, to=member.status, effective_on=effective_on, reason=reason,
                         document=document, kind=StandingChangeKind.PROBATION_SET, until=until)
        before = member.party_probation_until
        member.party_probation_until = until
        member.save(update_fields=["party_probation_until", "updated_at"])
        audit_log(actor=actor, action="member.party_probation_set", obj=member, organization=member.organization,
                  changes={"party_probation_until": [before, until], "rule_version": limit.version}, note=reason)
    return change


def party_probation_clear(*, actor, member: Member, effective_on: datetime.date, reason: str,
                          document: str = "") -> MemberStatusChange:
    """End probation within the Party (恢复党员权利), at its term or early by decision."""
    reason = _clean_reason(reason)
    if not member.party_probation_until:
        raise ValidationError(_("%(name)s is not on probation within the Party.") % {"name": member.name})
    _check_date(member, effective_on)
    with transaction.atomic():
        change = _record(actor=actor, member=member, to=member.status, effective_on=effective_on, reason=reason,
                         document=document, kind=StandingChangeKind.PROBATION_CLEARED)
        before = member.party_probation_until
        member.party_probation_until = None
        member.save(update_fields=["party_probation_until", "updated_at"])
        audit_log(actor=actor, action="member.party_probation_cleared", obj=member, organization=member.organization,
                  changes={"party_probation_until": [before, None]}, note=reason)
    return change
