"""Elections of a new committee at the end of a term (换届选举), as an explicit state machine.

The level above approves the candidate list and the result; the vote is valid with four fifths
of the members with a vote present, and a candidate is elected with more than half of the votes
of those present (rule pack ``orglife.elections``). Confirming the result ends the old posts and
creates the new ones with their term, from the result itself.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import can
from dangjian.core.audit import audit_log
from dangjian.core.rules import rule, rule_value
from dangjian.members.choices import MemberStatus
from dangjian.organizations.models import LeadershipPost, Organization, PostKind
from dangjian.organizations.services import post_appoint

from .models import Candidate, Election, ElectionStep

S = Election.Status
TRANSITIONS = {
    S.PLANNED: {S.NOMINATED, S.CANCELLED},
    S.NOMINATED: {S.APPROVED, S.PLANNED, S.CANCELLED},
    S.APPROVED: {S.VOTED, S.CANCELLED},
    S.VOTED: {S.CONFIRMED},
    S.CONFIRMED: set(),
    S.CANCELLED: set(),
}


def _move(*, actor, election: Election, to: str, role: str, note: str = ""):
    if to not in TRANSITIONS[election.status]:
        raise ValidationError(_("An election that is %(now)s cannot go to that step.")
                              % {"now": election.get_status_display()})
    ElectionStep.objects.create(election=election, actor=actor if getattr(actor, "pk", None) else None, role=role,
                                from_status=election.status, to_status=to, note=note)
    audit_log(actor=actor, action="election.step", obj=election, organization=election.organization,
              changes={"status": [election.status, to]}, note=note)
    election.status = to


def _require_upper(actor, election):
    parent = Organization.objects.get_parent(election.organization)
    if parent is None or not can(actor, "change", parent):
        raise ValidationError(_("Only the organization above can approve this."))


def election_plan(*, actor, organization: Organization, planned_on: datetime.date, seats: int | None = None) -> Election:
    """Plan the election of a new committee (or secretary) for an organization."""
    if seats is None:
        full = organization.members.filter(status=MemberStatus.FULL).count()
        needed = rule_value("structure.committee_required_from_full_members", organization=organization)
        seats = rule_value("structure.committee_size_min", organization=organization) if full >= needed else 1
    if seats < 1:
        raise ValidationError({"seats": _("An election fills at least one seat.")})
    with transaction.atomic():
        election = Election.objects.create(organization=organization, planned_on=planned_on, seats=seats)
        ElectionStep.objects.create(election=election, actor=actor if getattr(actor, "pk", None) else None,
                                    role="secretary", from_status="", to_status=S.PLANNED)
    return election


def election_nominate(*, actor, election: Election, candidates: list[tuple]) -> Election:
    """Submit the candidate list: (member, post kind) pairs, at least as many as seats, one for secretary."""
    if len(candidates) < election.seats:
        raise ValidationError(_("Nominate at least %(n)d candidates.") % {"n": election.seats})
    if not any(kind.code == "secretary" for _m, kind in candidates):
        raise ValidationError(_("Nominate a candidate for secretary."))
    members = [m for m, _k in candidates]
    if len({m.pk for m in members}) != len(members):
        raise ValidationError(_("A member can be nominated only once."))
    for member in members:
        if member.organization_id != election.organization_id or member.status != MemberStatus.FULL:
            raise ValidationError(_("%(name)s is not a full member of this organization.") % {"name": member.name})
    with transaction.atomic():
        election.candidates.all().delete()
        Candidate.objects.bulk_create([Candidate(election=election, member=m, post_kind=k) for m, k in candidates])
        _move(actor=actor, election=election, to=S.NOMINATED, role="secretary")
        election.save(update_fields=["status"])
    return election


def election_review_candidates(*, actor, election: Election, approve: bool, note: str = "") -> Election:
    """The level above approves the candidate list, or returns it with a note."""
    _require_upper(actor, election)
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the list is returned.")})
    with transaction.atomic():
        _move(actor=actor, election=election, to=S.APPROVED if approve else S.PLANNED, role="upper", note=note)
        election.save(update_fields=["status"])
    return election


def election_vote(*, actor, election: Election, voting_members: int, voters_present: int, votes: dict[int, int],
                  meeting=None) -> Election:
    """Record the vote at the branch general meeting and work out who is elected."""
    on = timezone.localdate()
    quorum = rule("orglife.elections.quorum_share", organization=election.organization, on=on)
    majority = rule("orglife.elections.majority_share", organization=election.organization, on=on)
    if voters_present > voting_members:
        raise ValidationError(_("More voters present than members with a vote."))
    if voters_present < quorum.value * voting_members:
        raise ValidationError(_("The vote is not valid: fewer than %(share)d%% of the members with a vote are present.")
                              % {"share": round(quorum.value * 100)})
    candidates = list(election.candidates.select_related("member"))
    if any(votes.get(c.pk, 0) > voters_present for c in candidates):
        raise ValidationError(_("A candidate cannot have more votes than voters present."))
    for c in candidates:
        c.votes = votes.get(c.pk, 0)
    passing = sorted((c for c in candidates if c.votes > majority.value * voters_present), key=lambda c: -c.votes)
    winners = {c.pk for c in passing[:election.seats]}
    with transaction.atomic():
        for c in candidates:
            c.elected = c.pk in winners
        Candidate.objects.bulk_update(candidates, ["votes", "elected"])
        election.voting_members, election.voters_present, election.meeting = voting_members, voters_present, meeting
        election.rule_version = majority.version
        _move(actor=actor, election=election, to=S.VOTED, role="secretary",
              note=_("%(n)d elected") % {"n": len(winners)})
        election.save()
    return election


def election_confirm(*, actor, election: Election, note: str = "", on: datetime.date | None = None) -> Election:
    """The level above approves the result: old committee posts end, the elected take their posts."""
    _require_upper(actor, election)
    on = on or timezone.localdate()
    elected = list(election.candidates.filter(elected=True).select_related("member", "post_kind"))
    if not elected:
        raise ValidationError(_("No one was elected; hold the vote again."))
    with transaction.atomic():
        current = LeadershipPost.objects.current(on).filter(organization=election.organization, kind__is_committee=True)
        current.update(ended_on=on)
        secretary = PostKind.objects.get(code="secretary")
        for c in elected:
            post_appoint(actor=actor, organization=election.organization, kind=c.post_kind or secretary,
                         member=c.member, term_start=on, note=_("Elected on %(date)s") % {"date": election.planned_on})
        _move(actor=actor, election=election, to=S.CONFIRMED, role="upper", note=note)
        election.save(update_fields=["status"])
    return election


def election_cancel(*, actor, election: Election, note: str) -> Election:
    if not note.strip():
        raise ValidationError({"note": _("Say why the election is cancelled.")})
    with transaction.atomic():
        _move(actor=actor, election=election, to=S.CANCELLED, role="secretary", note=note)
        election.save(update_fields=["status"])
    return election
