"""Reads of the people assigned to firms and their contacts: the assignments in sight, the ones a
person holds (a leader's key firms with their last contact and whether one is due), contacts whose
problems are still open, and dual management (双重管理) of firms without their own organization.

"Due" is computed, never stored: a key firm is due a contact when its last one is older than
``coverage.contact_every_days`` of the rule pack (90 days nationally) as it applies to the
organization that appointed the contact leader, or there was none (:func:`mark_due`, the one
place every page and the workbench take it from).
"""
from __future__ import annotations

import datetime

from django.db.models import Count, Max, Prefetch, Q

from dangjian.core.rules import rule_value
from dangjian.organizations.models import Organization

from .choices import COUNTED_STATUSES, GUIDING_ROLES, AssignmentRole
from .models import Assignment, ContactLog, Firm
from .selectors import _current, existing_on, with_coverage

# A contact whose problems are still open.
UNSOLVED = Q(solved=False) & ~Q(problems="")


def in_term(on: datetime.date) -> Q:
    """Assignments in their term on ``on``."""
    return _current("", on, "started_on", "ended_on")


def contact_every_days(organization=None, on=None) -> int:
    """Days a contact leader may leave a key firm without a contact (``coverage.contact_every_days``)."""
    return rule_value("coverage.contact_every_days", organization=organization, on=on, default=90)


class ContactIntervals:
    """The contact interval of each appointing organization, read once per organization (one
    request's worth of assignments)."""

    def __init__(self, on: datetime.date):
        self.on = on
        self._days: dict = {}

    def of(self, organization) -> int:
        key = getattr(organization, "pk", None)
        if key not in self._days:
            self._days[key] = contact_every_days(organization=organization, on=self.on)
        return self._days[key]


def with_contacts(queryset):
    """Assignments annotated with ``last_contact`` (date or None), ``contact_count`` and ``unsolved``
    (contacts whose problems are still open), in the one grouped query."""
    return queryset.annotate(last_contact=Max("contacts__contacted_on"), contact_count=Count("contacts"),
                             unsolved=Count("contacts", filter=Q(contacts__solved=False) & ~Q(contacts__problems="")))


def assignments_for(user, action: str = "view"):
    """Assignments in the user's sight, with what the lists show."""
    return Assignment.objects.restrict(user, action).select_related(
        "firm__unit", "firm__area_organization", "appointed_by", "member")


def assignment_list(user, *, role: str = "", org: Organization | None = None, state: str = "current",
                    q: str = "", today: datetime.date):
    """The assignments a list shows: filtered by role, appointing or area organization (subtree),
    term state (``current``, ``ended`` or all) and text (person or firm)."""
    rows = with_contacts(assignments_for(user))
    if role in AssignmentRole.values:
        rows = rows.filter(role=role)
    if org is not None:
        rows = rows.filter(Q(appointed_by__path__startswith=org.path)
                           | Q(firm__area_organization__path__startswith=org.path))
    if state == "current":
        rows = rows.filter(in_term(today))
    elif state == "ended":
        rows = rows.exclude(in_term(today))
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(firm__unit__name__contains=q))
    return rows.order_by("firm__unit__name", "role", "-started_on", "id")


def is_due(assignment, today: datetime.date, every: int) -> bool:
    """Whether a contact leader's key firm is due a contact (none yet, or the last too long ago)."""
    if assignment.role != AssignmentRole.LEADER:
        return False
    last = assignment.last_contact or assignment.started_on
    return (today - last).days > every


def mark_due(assignments, today: datetime.date, intervals: ContactIntervals | None = None) -> list:
    """Set ``every`` (the appointing organization's interval), ``due`` (a leader in their term whose
    key firm is due a contact) and ``due_since`` on assignments annotated with ``last_contact``."""
    intervals = intervals or ContactIntervals(today)
    for row in assignments:
        row.every = intervals.of(row.appointed_by)
        current = row.started_on <= today and (row.ended_on is None or row.ended_on > today)
        row.due = current and is_due(row, today, row.every)
        row.due_since = (row.last_contact or row.started_on) + datetime.timedelta(days=row.every)
    return assignments


def mine(user, today: datetime.date) -> list:
    """The current assignments held through the user's member record, each with ``last_contact``,
    ``unsolved`` and ``due`` (a key firm not contacted within its appointing organization's
    interval), due ones first."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = mark_due(list(with_contacts(Assignment.objects.filter(in_term(today), member__user=user)
                                       .select_related("firm__unit", "firm__area_organization", "appointed_by",
                                                       "member"))
                         .order_by("firm__unit__name", "id")), today)
    rows.sort(key=lambda r: (not r.due, r.firm.name))
    return rows


def my_unsolved(user):
    """Contacts in assignments the user holds whose problems are still open, oldest first."""
    return (ContactLog.objects.filter(UNSOLVED, assignment__member__user=user)
            .select_related("assignment__firm__unit").order_by("contacted_on", "id"))


def dual(user, org: Organization, today: datetime.date) -> dict:
    """Dual management (双重管理) of firms without their own organization in ``org``'s area or sector
    line, in the user's sight: grouped by sector organization and by area organization, each firm
    with its coverage and current instructors and liaisons."""
    guides = Prefetch("assignments", to_attr="guides", queryset=Assignment.objects.filter(
        in_term(today), role__in=GUIDING_ROLES).order_by("role", "name"))
    firms = with_coverage(existing_on(Firm.objects.restrict(user, "view"), today), today).filter(
        has_own=False, status__in=COUNTED_STATUSES).filter(
        Q(area_organization__path__startswith=org.path) | Q(sector_organization__path__startswith=org.path))
    firms = list(firms.select_related("unit", "area_organization", "sector_organization").prefetch_related(guides)
                 .order_by("unit__name", "id"))
    by_sector: dict = {}
    by_area: dict = {}
    for firm in firms:
        by_area.setdefault(firm.area_organization, []).append(firm)
        by_sector.setdefault(firm.sector_organization, []).append(firm)

    def ordered(groups):
        return sorted(groups.items(), key=lambda item: (item[0] is None, item[0].path if item[0] else ""))

    return {"firms": firms, "by_sector": ordered(by_sector), "by_area": ordered(by_area),
            "without_guide": sum(1 for f in firms if not f.guides)}
