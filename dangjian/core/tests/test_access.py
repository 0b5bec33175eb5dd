"""restrict(user, action): each persona reaches exactly its part of the tree."""
from dangjian.core.access import can
from dangjian.members.models import Member
from dangjian.organizations.models import Organization


def visible_names(user):
    return set(Organization.objects.restrict(user, "view").values_list("name", flat=True))


def test_organizer_sees_the_subdistrict_subtree_only(personas, org):
    names = visible_names(personas["organizer"])
    assert "滨河社区第一党支部" in names
    assert "中共临江市江滨街道工作委员会" in names
    assert "中共临江市委员会" not in names
    assert "青山村党支部" not in names


def test_city_organizer_sees_everything_below_the_root(personas):
    assert visible_names(personas["city"]) == set(Organization.objects.values_list("name", flat=True))


def test_branch_secretary_sees_own_branch_and_groups(personas, org):
    orgs = Organization.objects.restrict(personas["branch"], "view")
    assert set(orgs.values_list("pk", flat=True)) == set(org["branch"].subtree().values_list("pk", flat=True))


def test_sibling_cannot_see_or_change_the_other_branch(personas, org):
    sibling = personas["sibling"]
    branch_member = org["branch"].members.first()
    assert not Member.objects.restrict(sibling, "view").filter(pk=branch_member.pk).exists()
    assert not can(sibling, "change", branch_member)


def test_member_sees_self_and_own_branch_but_changes_nothing(personas, org):
    member = personas["member"]
    visible = Member.objects.restrict(member, "view")
    assert visible.filter(pk=member.member.pk).exists()
    assert set(visible.values_list("organization_id", flat=True)) == {org["branch"].pk}
    assert not Member.objects.restrict(member, "change").exists()
    assert not Member.objects.restrict(member, "reveal").exists()


def test_auditor_reads_but_never_reveals_or_changes(personas, org):
    auditor = personas["auditor"]
    assert Member.objects.restrict(auditor, "view").filter(organization=org["branch"]).exists()
    assert not Member.objects.restrict(auditor, "reveal").exists()
    assert not Member.objects.restrict(auditor, "change").exists()


def test_anonymous_reaches_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    assert not Organization.objects.restrict(AnonymousUser(), "view").exists()
