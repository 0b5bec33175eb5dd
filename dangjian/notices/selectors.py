"""Reads of notices and assignments: recipients, read counts, completion counts."""
from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from dangjian.accounts.models import RoleAssignment, User
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .choices import ReportStatus
from .models import Assignment, Notice, NoticeRead


def _org_users(org_ids, *, roles_only=False) -> list[tuple[int, int]]:
    """(organization id, user id) for users holding roles in, or on the roll of, the organizations."""
    # Grid staff hold their role on a grid of the organization, not over it: they are not its people.
    pairs = set(RoleAssignment.objects.filter(organization__in=org_ids, grid__isnull=True)
                .values_list("organization_id", "user_id"))
    if not roles_only:
        pairs |= set(Member.objects.filter(organization__in=org_ids, status__in=ON_ROLL, user__isnull=False)
                     .values_list("organization_id", "user_id"))
    return sorted(pairs)


def recipients(orgs, *, roles_only=False):
    """Active users who hold a role in the organizations, and (unless ``roles_only``) their members with accounts."""
    ids = {u for _o, u in _org_users([o.pk for o in orgs], roles_only=roles_only)}
    return User.objects.filter(pk__in=ids, is_active=True)


def notice_read_counts(notice: Notice, user) -> list[dict]:
    """For each target organization the user may see: recipients and how many have read it."""
    targets = list(notice.targets.restrict(user, "view").order_by("path"))
    readers = set(NoticeRead.objects.filter(notice=notice).values_list("user_id", flat=True))
    by_org = defaultdict(set)
    for org_id, user_id in _org_users([t.pk for t in targets]):
        by_org[org_id].add(user_id)
    rows = []
    for t in targets:
        read = len(by_org[t.pk] & readers)
        rows.append({"organization": t, "recipients": len(by_org[t.pk]), "read": read,
                     "unread": len(by_org[t.pk]) - read})
    return rows


def unread_notice_ids(user, notices) -> set[int]:
    read = set(NoticeRead.objects.filter(user=user, notice__in=[n.pk for n in notices])
               .values_list("notice_id", flat=True))
    return {n.pk for n in notices} - read


def assignment_counts(assignments) -> dict[int, dict]:
    """Targets and done reports of each assignment: {id: {"total", "done"}}."""
    rows = (Assignment.objects.filter(pk__in=[a.pk for a in assignments])
            .annotate(total=Count("reports"), done=Count("reports", filter=Q(reports__status=ReportStatus.DONE)))
            .values("pk", "total", "done"))
    return {r["pk"]: {"total": r["total"], "done": r["done"]} for r in rows}


def reportable_orgs(assignment: Assignment, user):
    """Target organizations of the assignment the user may report for, still open."""
    return (Organization.objects.restrict(user, "change")
            .filter(assignment_reports__assignment=assignment, assignment_reports__status=ReportStatus.OPEN)
            .order_by("path"))
