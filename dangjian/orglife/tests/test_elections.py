"""An election from plan to new posts: approvals by the level above, quorum and majority."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from dangjian.organizations.models import LeadershipPost, PostKind
from dangjian.orglife import elections


def nominate(election, org, n):
    kinds = [PostKind.objects.get(code="secretary")] + [PostKind.objects.get(code="committee_member")] * (n - 1)
    members = list(org.members.filter(status="full").order_by("id")[:n])
    return elections.election_nominate(actor=None, election=election, candidates=list(zip(members, kinds, strict=True)))


def test_whole_election_creates_the_new_posts(personas, org):
    branch = org["branch"]
    election = elections.election_plan(actor=personas["branch"], organization=branch,
                                       planned_on=datetime.date(2026, 11, 20))
    assert election.seats == 3  # 7+ full members: a committee of at least 3 (rule pack)
    nominate(election, branch, 4)
    with pytest.raises(ValidationError):  # the branch cannot approve its own list
        elections.election_review_candidates(actor=personas["branch"], election=election, approve=True)
    elections.election_review_candidates(actor=personas["community"], election=election, approve=True)
    with pytest.raises(ValidationError):  # 15 of 20 present is less than four fifths
        elections.election_vote(actor=personas["branch"], election=election, voting_members=20, voters_present=15,
                                votes={})
    candidates = list(election.candidates.order_by("id"))
    votes = {candidates[0].pk: 17, candidates[1].pk: 12, candidates[2].pk: 9, candidates[3].pk: 11}
    elections.election_vote(actor=personas["branch"], election=election, voting_members=20, voters_present=18,
                            votes=votes)
    elected = set(election.candidates.filter(elected=True).values_list("pk", flat=True))
    assert elected == {candidates[0].pk, candidates[1].pk, candidates[3].pk}  # more than 9 of 18
    old_secretary = LeadershipPost.objects.current().get(organization=branch, kind__code="secretary")
    elections.election_confirm(actor=personas["community"], election=election, on=datetime.date(2026, 11, 21))
    old_secretary.refresh_from_db()
    assert old_secretary.ended_on == datetime.date(2026, 11, 21)
    new = LeadershipPost.objects.current(datetime.date(2026, 11, 22)).filter(organization=branch)
    assert new.get(kind__code="secretary").member == candidates[0].member
    assert new.get(kind__code="secretary").term_end == datetime.date(2031, 11, 21)  # community branch: 5 years
    assert [s.to_status for s in election.steps.all()] == ["planned", "nominated", "approved", "voted", "confirmed"]


def test_nomination_rules(personas, org):
    election = elections.election_plan(actor=None, organization=org["branch"], planned_on=datetime.date(2026, 12, 1))
    with pytest.raises(ValidationError):
        nominate(election, org["branch"], 2)  # fewer than seats
    outsider = org["sibling"].members.filter(status="full").first()
    with pytest.raises(ValidationError):
        elections.election_nominate(actor=None, election=election, candidates=[
            (outsider, PostKind.objects.get(code="secretary")),
            *[(m, PostKind.objects.get(code="committee_member"))
              for m in org["branch"].members.filter(status="full")[:2]]])
    with pytest.raises(ValidationError):  # cannot vote before the list is approved
        elections.election_vote(actor=None, election=election, voting_members=10, voters_present=10, votes={})


def test_election_through_the_pages(client_for, org):
    from dangjian.orglife.models import Election

    branch = org["branch"]
    client_for("branch").post(f"/orglife/elections/?org={branch.pk}", {"planned_on": "2026-11-20"})
    election = Election.objects.get(organization=branch)
    members = list(branch.members.filter(status="full").order_by("id")[:3])
    secretary, member_kind = PostKind.objects.get(code="secretary"), PostKind.objects.get(code="committee_member")
    form = {"action": "nominate"} | {f"member-{i}": m.pk for i, m in enumerate(members)}
    form |= {"kind-0": secretary.pk, "kind-1": member_kind.pk, "kind-2": member_kind.pk}
    client_for("branch").post(f"/orglife/elections/{election.pk}/", form)
    assert client_for("branch").post(f"/orglife/elections/{election.pk}/", {"action": "approve"}).status_code == 403
    client_for("community").post(f"/orglife/elections/{election.pk}/", {"action": "approve"})
    votes = {f"votes-{c.pk}": 15 for c in election.candidates.all()}
    client_for("branch").post(f"/orglife/elections/{election.pk}/",
                              {"action": "vote", "voting_members": 18, "voters_present": 16} | votes)
    client_for("community").post(f"/orglife/elections/{election.pk}/", {"action": "confirm"})
    election.refresh_from_db()
    assert election.status == "confirmed"
    page = client_for("branch").get(f"/orglife/elections/{election.pk}/").content.decode()
    assert "已当选" in page or "当选" in page
