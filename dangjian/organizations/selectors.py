"""Reads of the organization tree: counts, warnings and past trees, always from records."""
from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import minimal_prefixes, user_scope
from dangjian.core.rules import rule, rule_value
from dangjian.members.choices import ON_ROLL, MemberStatus
from dangjian.members.models import Member

from .choices import OrgStatus, OrgType
from .models import LeadershipPost, Organization, OrganizationVersion


def scope_roots(user) -> list[Organization]:
    """The top organizations a user can see: the roots of their visible subtrees."""
    visible = Organization.objects.restrict(user, "view").only("pk", "path", "name", "short_name", "org_type", "depth")
    roots: list[Organization] = []
    for org in visible.order_by("depth", "path")[:500]:
        if not any(org.path.startswith(r.path) for r in roots):
            roots.append(org)
    return sorted(roots, key=lambda o: o.path)


def organizations_for(user, action: str, *, exclude_types=(), strictly_below: bool = False):
    """The active organizations ``user`` may do ``action`` in, in tree order, without those of
    ``exclude_types``; with ``strictly_below``, only those under (not at) the tops of the user's scope
    (an administrator: everything but the roots). For the pickers of the pages that act on one."""
    queryset = Organization.objects.restrict(user, action).filter(status=OrgStatus.ACTIVE)
    if exclude_types:
        queryset = queryset.exclude(org_type__in=list(exclude_types))
    if strictly_below:
        scope = user_scope(user, action)
        queryset = queryset.filter(depth__gt=1) if scope.everything else queryset.exclude(path__in=scope.paths)
    return queryset.order_by("path")


def subtree_member_counts(orgs: list[Organization]) -> dict[int, int]:
    """On-roll members in the subtree of each given organization.

    A Party group counts the members assigned to it; every other node counts the members its
    subtree holds. One grouped query over the members (by organization id, no join), one over
    the organizations' paths, then each count is added to the shown organizations above it.
    """
    if not orgs:
        return {}
    q = Q()
    for path in minimal_prefixes(org.path for org in orgs):
        q |= Q(path__startswith=path)
    subtree = Organization.objects.filter(q)
    on_roll = Member.objects.filter(status__in=ON_ROLL)
    direct = on_roll.filter(organization__in=subtree.values("pk")).values_list("organization_id").annotate(
        n=Count("id")).values_list("organization_id", "n")
    paths = dict(subtree.values_list("pk", "path"))
    shown = {org.path: org.pk for org in orgs if org.org_type != OrgType.PARTY_GROUP}
    counts = dict.fromkeys((org.pk for org in orgs), 0)
    step = Organization.steplen
    for org_id, n in direct:
        path = paths[org_id]
        for end in range(step, len(path) + 1, step):
            pk = shown.get(path[:end])
            if pk is not None:
                counts[pk] += n
    groups = [org.pk for org in orgs if org.org_type == OrgType.PARTY_GROUP]
    if groups:
        counts.update(on_roll.filter(party_group__in=groups).values_list("party_group").annotate(n=Count("id"))
                      .values_list("party_group", "n"))
    return counts


def children_of(org: Organization, user) -> list[Organization]:
    """Active children of ``org`` that the user can see."""
    children = list(Organization.objects.get_children(org).restrict(user, "view").filter(status=OrgStatus.ACTIVE))
    for child in children:
        child.has_children = child.numchild > 0
    return children


def children_with_counts(org: Organization, user) -> list[Organization]:
    """Active children of ``org`` the user can see, each with ``member_count`` and ``has_children``."""
    children = children_of(org, user)
    counts = subtree_member_counts(children)
    for child in children:
        child.member_count = counts.get(child.pk, 0)
    return children


def visible_ancestors(org: Organization, user) -> list[Organization]:
    """The breadcrumb path: ancestors of ``org`` that the user can see."""
    return list(Organization.objects.get_ancestors(org).restrict(user, "view"))


def member_breakdown(org: Organization) -> dict:
    """Counts of on-roll members in the subtree by status and by category."""
    rows = (
        Member.objects.filter(status__in=ON_ROLL, organization__in=org.subtree().values("pk"))
        .values_list("status", "category").annotate(n=Count("id")).values_list("status", "category", "n")
    )
    by_status, by_category = Counter(), Counter()
    for status, category, n in rows:
        by_status[status] += n
        by_category[category] += n
    return {"status": by_status, "categories": by_category.most_common(), "total": sum(by_status.values())}


@dataclass(frozen=True)
class StructureWarning:
    """A structure rule an organization does not meet (rules.md §1), with the rule version."""

    organization: Organization
    code: str
    message: str
    rule_version: str


def structure_warnings(root: Organization, *, limit: int = 200) -> list[StructureWarning]:
    """Branches in ``root``'s subtree that break the structure rules of the rule pack."""
    min_full = rule("structure.branch_min_full_members", organization=root)
    committee_from = rule("structure.committee_required_from_full_members", organization=root)
    committee_min = rule_value("structure.committee_size_min", organization=root)
    max_members = rule("structure.branch_max_members", organization=root)
    branch_types = rule_value("structure.branch_types", organization=root)
    branches = list(root.subtree().filter(org_type__in=branch_types, status=OrgStatus.ACTIVE)[:5000])
    ids = [b.pk for b in branches]
    counts = {
        row["organization"]: row
        for row in Member.objects.filter(organization_id__in=ids, status__in=ON_ROLL).values("organization").annotate(
            total=Count("id"), full=Count("id", filter=Q(status=MemberStatus.FULL))
        )
    }
    seats = Counter(dict(
        LeadershipPost.objects.current().filter(organization_id__in=ids, kind__is_committee=True)
        .values_list("organization").annotate(n=Count("id")).values_list("organization", "n")
    ))
    secretaries = set(
        LeadershipPost.objects.current().filter(organization_id__in=ids, kind__code="secretary")
        .values_list("organization_id", flat=True)
    )
    warnings = []
    for branch in branches:
        row = counts.get(branch.pk, {"total": 0, "full": 0})
        if row["full"] < min_full.value and branch.org_type != OrgType.TEMPORARY_BRANCH:
            warnings.append(StructureWarning(branch, "too_few_full_members", _(
                "Only %(n)d full members: a branch needs at least %(min)d; consider a joint branch."
            ) % {"n": row["full"], "min": min_full.value}, min_full.version))
        if row["full"] >= committee_from.value and seats[branch.pk] < committee_min:
            warnings.append(StructureWarning(branch, "committee_missing", _(
                "%(n)d full members but no branch committee: %(from)d or more full members elect a committee."
            ) % {"n": row["full"], "from": committee_from.value}, committee_from.version))
        if row["total"] > max_members.value:
            warnings.append(StructureWarning(branch, "too_many_members", _(
                "%(n)d members: a branch usually has at most %(max)d; consider a general branch or a split."
            ) % {"n": row["total"], "max": max_members.value}, max_members.version))
        if row["total"] and branch.pk not in secretaries:
            warnings.append(StructureWarning(branch, "no_secretary", _("No secretary in post."), min_full.version))
        if len(warnings) >= limit:
            break
    return warnings


def terms_ending(root: Organization, *, on: datetime.date | None = None):
    """Current posts in the subtree whose term ends within the warning window, or has ended."""
    on = on or timezone.localdate()
    window = rule_value("terms.warning_days", organization=root, on=on)
    return (
        LeadershipPost.objects.current(on).filter(
            organization__in=root.subtree().values("pk"), term_end__lte=on + datetime.timedelta(days=window),
            kind__code="secretary",
        ).select_related("organization", "member", "kind").order_by("term_end")
    )


def tree_as_of(root: Organization, on: datetime.date) -> list[dict]:
    """The subtree of ``root`` as it stood on ``on``, from the dated versions, depth-first."""
    versions = list(
        OrganizationVersion.objects.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .select_related("organization")
    )
    children: dict[int | None, list[OrganizationVersion]] = {}
    for v in versions:
        children.setdefault(v.parent_id, []).append(v)
    out: list[dict] = []

    def walk(org_id, depth):
        for v in sorted(children.get(org_id, []), key=lambda v: v.organization.code):
            out.append({"version": v, "depth": depth})
            walk(v.organization_id, depth + 1)

    root_version = next((v for v in versions if v.organization_id == root.pk), None)
    if root_version:
        out.append({"version": root_version, "depth": 0})
        walk(root.pk, 1)
    return out
