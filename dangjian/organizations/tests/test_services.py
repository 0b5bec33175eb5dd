"""Structure services keep the tree, the dated versions and the audit log consistent."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.models import AuditEntry
from dangjian.members.models import Membership
from dangjian.organizations import selectors, services
from dangjian.organizations.choices import OrgStatus, OrgType, UnitKind
from dangjian.organizations.models import Organization

D = datetime.date


def new_branch(actor, parent, name, code, on=None):
    return services.organization_create(actor=actor, parent=parent, name=name, code=code,
                                        org_type=OrgType.BRANCH, unit_kind=UnitKind.COMMUNITY, on=on or D(2025, 1, 1))


def test_create_opens_a_version_and_audits(personas, org):
    branch = new_branch(personas["organizer"], org["community"], "滨河社区第五党支部", "T1")
    assert branch.depth == org["community"].depth + 1
    version = branch.versions.get()
    assert (version.valid_from, version.valid_to, version.parent_id) == (D(2025, 1, 1), None, org["community"].pk)
    assert AuditEntry.objects.filter(action="organization.created", object_id=str(branch.pk)).exists()


def test_duplicate_code_and_bad_placement_are_refused(personas, org):
    with pytest.raises(ValidationError):
        new_branch(personas["organizer"], org["community"], "重复", org["branch"].code)
    group = Organization.objects.get_children(org["branch"]).first()
    with pytest.raises(ValidationError):
        new_branch(personas["organizer"], group, "小组下的支部", "T2")
    with pytest.raises(ValidationError):
        services.organization_create(actor=None, parent=org["community"], name="直属党小组", code="T3",
                                     org_type=OrgType.PARTY_GROUP, unit_kind=UnitKind.COMMUNITY)


def test_move_keeps_the_past_tree(personas, org):
    sibling = org["sibling"]
    old_parent = Organization.objects.get_parent(sibling)
    services.organization_move(actor=personas["organizer"], organization=sibling, new_parent=org["street"],
                               on=D(2026, 6, 1))
    sibling.refresh_from_db()
    assert Organization.objects.get_parent(sibling).pk == org["street"].pk
    # Its Party groups moved with it.
    assert all(g.path.startswith(sibling.path) for g in Organization.objects.filter(name__startswith="滨河社区3号"))
    before = {row["version"].organization_id: row["version"].parent_id
              for row in selectors.tree_as_of(org["city"], D(2026, 5, 1))}
    after = {row["version"].organization_id: row["version"].parent_id
             for row in selectors.tree_as_of(org["city"], D(2026, 6, 2))}
    assert before[sibling.pk] == old_parent.pk
    assert after[sibling.pk] == org["street"].pk


def test_cannot_move_under_own_subtree(personas, org):
    with pytest.raises(ValidationError):
        services.organization_move(actor=None, organization=org["community"], new_parent=org["branch"])


def test_merge_moves_members_and_ends_the_source(personas, org):
    source, target = org["sibling"], org["branch"]
    moving = set(source.members.on_roll().values_list("pk", flat=True))
    before = target.members.count()
    services.organization_merge(actor=personas["organizer"], sources=[source], target=target, on=D(2026, 11, 21))
    source.refresh_from_db()
    assert source.status == OrgStatus.MERGED
    assert target.members.count() == before + len(moving)
    # Each moved member has a closed period in the source and an open one in the target.
    for pk in list(moving)[:5]:
        periods = list(Membership.objects.filter(member_id=pk).order_by("started_on"))
        assert periods[-2].organization_id == source.pk and periods[-2].ended_on == D(2026, 11, 21)
        assert periods[-1].organization_id == target.pk and periods[-1].ended_on is None


def test_split_moves_listed_members_only(personas, org):
    branch = org["branch"]
    chosen = list(branch.members.on_roll().order_by("id").values_list("pk", flat=True)[:4])
    total = branch.members.on_roll().count()
    new, = services.organization_split(actor=personas["organizer"], organization=branch, parts=[
        {"name": "滨河社区第五党支部", "code": "SPLIT1", "member_ids": chosen}])
    assert set(new.members.values_list("pk", flat=True)) == set(chosen)
    assert branch.members.on_roll().count() == total - 4
    with pytest.raises(ValidationError):
        services.organization_split(actor=None, organization=branch, parts=[
            {"name": "甲", "code": "S2", "member_ids": chosen[:1]}])  # no longer in this branch


def test_dissolve_requires_an_empty_organization(personas, org):
    with pytest.raises(ValidationError, match="撤销前请先将其党员转到其他党组织"):
        services.organization_dissolve(actor=None, organization=org["branch"])
    empty = new_branch(personas["organizer"], org["community"], "空支部", "EMPTY1")
    services.organization_dissolve(actor=personas["organizer"], organization=empty, on=D(2026, 1, 1))
    empty.refresh_from_db()
    assert empty.status == OrgStatus.DISSOLVED
    assert [v.status for v in empty.versions.order_by("valid_from")] == ["active", "dissolved"]


def test_rename_starts_a_new_version(personas, org):
    services.organization_update(actor=personas["organizer"], organization=org["branch"], name="滨河社区一支部",
                                 on=D(2026, 3, 1))
    names = [v.name for v in org["branch"].versions.order_by("valid_from")]
    assert names[-2:] == ["滨河社区第一党支部", "滨河社区一支部"]
    entry = AuditEntry.objects.filter(action="organization.renamed", object_id=str(org["branch"].pk)).get()
    assert entry.changes["name"] == ["滨河社区第一党支部", "滨河社区一支部"]


def test_term_length_comes_from_the_rule_pack(personas, org):
    member = org["branch"].members.on_roll().first()
    from dangjian.organizations.models import PostKind

    post = services.post_appoint(actor=None, organization=org["branch"], kind=PostKind.objects.get(code="delegate"),
                                 member=member, term_start=D(2026, 1, 1))
    assert post.term_end == D(2031, 1, 1)  # community branches serve 5 years
    organ_branch = Organization.objects.get(name="街道机关第一党支部")
    post = services.post_appoint(actor=None, organization=organ_branch, kind=PostKind.objects.get(code="delegate"),
                                 member=organ_branch.members.on_roll().first(), term_start=D(2026, 1, 1))
    assert post.term_end == D(2029, 1, 1)  # other branches 3 years
