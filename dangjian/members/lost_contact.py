"""Members who lost contact (失联党员): the case, its search records, and the deadlines of the rules.

The rule pack (``lost_contact.*``) says how often the branch searches, and when it may handle
the case: after ``handle_after_months`` without contact (and ``min_searches`` searches) the
membership is suspended (停止党籍; a probationary member's probation is cancelled), and after
``lapse_after_months`` of suspension still without contact the member is removed as having left
of their own accord (自行脱党除名). Opening a case sets the member's status to lost contact;
finding the member returns them to the standing they had. Status changes go through
:func:`dangjian.members.standing.change_status` with the lost-contact procedure.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log
from dangjian.core.dates import add_months
from dangjian.core.rules import RuleBook, ancestor_codes
from dangjian.organizations.models import Organization

from .choices import ChangeChannel, LostContactStatus, MemberStatus
from .models import LostContactCase, Member, SearchRecord
from .standing import change_status

RULE_KEYS = ("search_interval_days", "handle_after_months", "lapse_after_months", "handle_as", "min_searches")


@dataclass(frozen=True)
class LostContactRules:
    search_interval_days: int
    handle_after_months: int
    lapse_after_months: int
    handle_as: str
    min_searches: int
    version: str


def _rules_from(book: RuleBook, codes: dict[str, int]) -> LostContactRules:
    values = {key: book.get(f"lost_contact.{key}", codes) for key in RULE_KEYS}
    return LostContactRules(**{k: v.value for k, v in values.items()}, version=values["handle_after_months"].version)


def rules_for(organization: Organization, on: datetime.date | None = None) -> LostContactRules:
    return _rules_from(RuleBook(on), ancestor_codes(organization))


def rules_by_organization(organizations, on: datetime.date | None = None, *,
                          book: RuleBook | None = None) -> dict[int, LostContactRules]:
    """The rules for many organizations: the packs read once; the ancestors' codes read in one query,
    and only when a local pack says something about lost contact."""
    book = book or RuleBook(on)
    organizations = list({o.pk: o for o in organizations}.values())
    if not any(p.organization_code and "lost_contact" in p.data for p in book.packs):
        national = _rules_from(book, {})
        return {o.pk: national for o in organizations}
    step = Organization.steplen
    prefixes = {o.path[:end] for o in organizations for end in range(step, len(o.path) + 1, step)}
    known = {path: (code, depth) for path, code, depth in
             Organization.objects.filter(path__in=prefixes).values_list("path", "code", "depth")}
    result = {}
    for org in organizations:
        codes = dict(known[org.path[:end]] for end in range(step, len(org.path) + 1, step) if org.path[:end] in known)
        result[org.pk] = _rules_from(book, codes)
    return result


@dataclass(frozen=True)
class CaseDeadlines:
    """What the rules ask of an open case, on a day."""

    next_search: datetime.date | None
    search_overdue: bool
    handle_from: datetime.date | None  # from this day the branch may take the next step
    handle_due: bool                   # that day has come
    searches_short: int                # searches still to record before handling
    next_step: str                     # the status handling would give the member
    rule_version: str

    @property
    def next_step_label(self):
        return MemberStatus(self.next_step).label


def case_deadlines(case: LostContactCase, rules: LostContactRules, *, last_search: datetime.date | None,
                   search_count: int, today: datetime.date | None = None) -> CaseDeadlines | None:
    """The deadlines of an open case (None for a closed one)."""
    if not case.is_open:
        return None
    today = today or timezone.localdate()
    start = max(filter(None, [last_search, case.since]))
    next_search = start + datetime.timedelta(days=rules.search_interval_days)
    if case.status == LostContactStatus.SEARCHING:
        handle_from = add_months(case.since, rules.handle_after_months)
        short = max(rules.min_searches - search_count, 0)
        next_step = _handling_status(case, rules)
    else:
        handle_from = add_months(case.suspended_on, rules.lapse_after_months)
        short = 0
        next_step = MemberStatus.LAPSED
    return CaseDeadlines(next_search=next_search, search_overdue=next_search < today, handle_from=handle_from,
                         handle_due=handle_from <= today and not short, searches_short=short, next_step=next_step,
                         rule_version=rules.version)


def _handling_status(case: LostContactCase, rules: LostContactRules) -> str:
    if case.previous_status == MemberStatus.PROBATIONARY:
        return MemberStatus.PROBATION_CANCELLED
    return rules.handle_as


def with_deadlines(cases, today: datetime.date | None = None) -> list[LostContactCase]:
    """Cases with ``deadlines`` attached; ``cases`` need ``search_count`` and ``last_search``
    (see :func:`annotated`) and their organization."""
    cases = list(cases)
    rules = rules_by_organization([c.organization for c in cases])
    for case in cases:
        case.deadlines = case_deadlines(case, rules[case.organization_id], last_search=case.last_search,
                                        search_count=case.search_count, today=today)
    return cases


def annotated(cases):
    return cases.select_related("member", "organization").annotate(
        search_count=Count("searches"), last_search=Max("searches__on"))


def _actor_name(actor) -> str:
    return (actor.get_full_name() or actor.get_username()) if getattr(actor, "pk", None) else ""


def lost_contact_open(*, actor, member: Member, since: datetime.date, note: str = "") -> LostContactCase:
    """Record that the branch has lost contact with a member since a day, and start the search.

    A member already marked as lost contact (for instance by an import) gets the case that was
    missing; the standing to return to is then full or probationary by the register.
    """
    if LostContactCase.objects.filter(member=member, status__in=[LostContactStatus.SEARCHING,
                                                                 LostContactStatus.SUSPENDED]).exists():
        raise ValidationError(_("%(name)s already has an open lost-contact case.") % {"name": member.name})
    if member.status not in (MemberStatus.FULL, MemberStatus.PROBATIONARY, MemberStatus.LOST_CONTACT):
        raise ValidationError(_("Only a full or probationary member on the roll can be recorded as lost contact."))
    if since > timezone.localdate():
        raise ValidationError({"since": _("The date cannot be in the future.")})
    if since < member.joined_on:
        raise ValidationError({"since": _("The date cannot be before the member joined the Party.")})
    rules = rules_for(member.organization)
    with transaction.atomic():
        previous = member.status
        if previous == MemberStatus.LOST_CONTACT:
            previous = MemberStatus.FULL if member.full_member_on else MemberStatus.PROBATIONARY
        case = LostContactCase.objects.create(
            member=member, organization=member.organization, since=since, previous_status=previous,
            outcome=note, rule_version=rules.version, opened_by=actor if getattr(actor, "pk", None) else None,
        )
        changes = {"since": since, "rule_version": rules.version}
        if member.status != MemberStatus.LOST_CONTACT:
            _change, status_changes = change_status(actor=actor, member=member, to=MemberStatus.LOST_CONTACT,
                                              effective_on=min(timezone.localdate(), max(since, _period_start(member))),
                                              reason=note or _("Lost contact"), channel=ChangeChannel.LOST_CONTACT)
            changes |= status_changes
        audit_log(actor=actor, action="lost_contact.opened", obj=member, organization=member.organization,
                  changes=changes, note=note)
    return case


def _period_start(member: Member) -> datetime.date:
    return member.memberships.filter(ended_on__isnull=True).values_list("started_on", flat=True).first() or member.joined_on


def lost_contact_search(*, actor, case: LostContactCase, on: datetime.date, method: str, result: str,
                        searched_by: str = "") -> SearchRecord:
    """Record one attempt to reach the member (by phone, home visit, relatives, work unit, police, notice)."""
    if not case.is_open:
        raise ValidationError(_("This case is closed."))
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if on < case.since:
        raise ValidationError({"on": _("The search cannot be before contact was lost.")})
    result = (result or "").strip()
    if not result:
        raise ValidationError({"result": _("Describe what the search found.")})
    searched_by = (searched_by or "").strip() or _actor_name(actor)
    if not searched_by:
        raise ValidationError({"searched_by": _("Say who searched.")})
    with transaction.atomic():
        record = SearchRecord.objects.create(case=case, on=on, method=method, result=result, searched_by=searched_by,
                                             recorded_by=actor if getattr(actor, "pk", None) else None)
        audit_log(actor=actor, action="lost_contact.searched", obj=case, organization=case.organization,
                  changes={"on": on, "method": method})
    return record


def lost_contact_found(*, actor, case: LostContactCase, on: datetime.date, outcome: str,
                       deceased: bool = False) -> LostContactCase:
    """The member is found: back to the standing they had (a suspension is lifted), or recorded as
    having died."""
    if not case.is_open:
        raise ValidationError(_("This case is closed."))
    if on > timezone.localdate() or on < case.since:
        raise ValidationError({"on": _("The date must lie between the loss of contact and today.")})
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Describe how the member was found.")})
    member = case.member
    to = MemberStatus.DIED if deceased else case.previous_status
    with transaction.atomic():
        _change, changes = change_status(actor=actor, member=member, to=to, effective_on=on, reason=outcome,
                                   channel=ChangeChannel.LOST_CONTACT)
        case.status, case.closed_on, case.outcome = LostContactStatus.FOUND, on, outcome
        case.save(update_fields=["status", "closed_on", "outcome"])
        audit_log(actor=actor, action="lost_contact.found", obj=member, organization=case.organization,
                  changes=changes, note=outcome)
    return case


def lost_contact_handle(*, actor, case: LostContactCase, on: datetime.date, decision: str,
                        document: str = "") -> LostContactCase:
    """Take the step the rules allow once their time has come: suspend the membership (停止党籍)
    after ``handle_after_months``; remove as lapsed (自行脱党除名) after ``lapse_after_months`` of
    suspension."""
    if not case.is_open:
        raise ValidationError(_("This case is closed."))
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    counts = case.searches.aggregate(n=Count("id"), last=Max("on"))
    rules = rules_for(case.organization, on)
    deadlines = case_deadlines(case, rules, last_search=counts["last"], search_count=counts["n"], today=on)
    if deadlines.searches_short:
        raise ValidationError(_("Record at least %(n)d searches before handling the case (rule %(rule)s).")
                              % {"n": rules.min_searches, "rule": rules.version})
    if on < deadlines.handle_from:
        raise ValidationError({"on": _("The rules allow this step from %(date)s (rule %(rule)s).")
                               % {"date": deadlines.handle_from, "rule": rules.version}})
    member = case.member
    with transaction.atomic():
        _change, changes = change_status(actor=actor, member=member, to=deadlines.next_step, effective_on=on,
                                   reason=decision, document=document, channel=ChangeChannel.LOST_CONTACT)
        if deadlines.next_step == MemberStatus.SUSPENDED:
            case.status, case.suspended_on = LostContactStatus.SUSPENDED, on
        else:
            case.status, case.closed_on = LostContactStatus.HANDLED, on
        case.outcome = "\n".join(filter(None, [case.outcome, decision.strip()]))
        case.rule_version = rules.version
        case.save(update_fields=["status", "suspended_on", "closed_on", "outcome", "rule_version"])
        audit_log(actor=actor, action="lost_contact.handled", obj=member, organization=case.organization,
                  changes=changes | {"rule_version": rules.version}, note=decision)
    return case
