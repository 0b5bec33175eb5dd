"""Warnings and counts come from records and the rule pack."""
import datetime

from dangjian.core.models import RulePack
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member
from dangjian.organizations import selectors
from dangjian.organizations.models import LeadershipPost, Organization


def test_small_branch_is_warned_with_the_rule_version(org):
    warnings = selectors.structure_warnings(org["street"])
    joint = [w for w in warnings if w.organization.name == "江滨国际商务大厦联合党支部"]
    assert [w.code for w in joint] == ["too_few_full_members"]
    assert joint[0].rule_version == "national 2018.1"


def test_branch_without_committee_is_warned(org):
    branch = org["branch"]
    LeadershipPost.objects.filter(organization=branch).exclude(kind__code="secretary").delete()
    codes = {w.code for w in selectors.structure_warnings(org["community"]) if w.organization == branch}
    assert "committee_missing" in codes


def test_local_rule_pack_overrides_for_its_subtree(org):
    national = RulePack.objects.get(code="national")
    RulePack.objects.create(code="local", version="1", title="本地", effective_from=datetime.date(2020, 1, 1),
                            organization_code=org["community"].code, data={"structure": {"branch_min_full_members": 100}})
    flagged = {w.organization.pk for w in selectors.structure_warnings(org["community"])
               if w.code == "too_few_full_members"}
    assert org["branch"].pk in flagged
    # Outside the subtree the national pack still applies.
    assert not any(w.code == "too_few_full_members" and w.organization.name == "青山村党支部"
                   for w in selectors.structure_warnings(org["town"]))
    assert national.data["structure"]["branch_min_full_members"] == 3


def test_terms_ending_within_window(org):
    post = LeadershipPost.objects.filter(organization=org["branch"], kind__code="secretary").get()
    today = datetime.date(2026, 11, 20)
    post.term_end = today + datetime.timedelta(days=30)
    post.save()
    assert post in selectors.terms_ending(org["community"], on=today)
    post.term_end = today + datetime.timedelta(days=200)
    post.save()
    assert post not in selectors.terms_ending(org["community"], on=today)


def test_subtree_counts_match_the_roster(org):
    counts = selectors.subtree_member_counts([org["community"], org["branch"]])
    expected = Member.objects.filter(status__in=ON_ROLL, organization__path__startswith=org["community"].path).count()
    assert counts[org["community"].pk] == expected
    group = Organization.objects.get_children(org["branch"]).first()
    assert selectors.subtree_member_counts([group])[group.pk] == Member.objects.filter(
        party_group=group, status__in=ON_ROLL).count() > 0
