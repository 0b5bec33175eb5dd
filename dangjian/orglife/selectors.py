"""Reads of organizational life: compliance with the required meetings, and study hours.

Both are computed from the meeting records and the rule packs on every request; each verdict
names the rule version that produced it.
"""
from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from dangjian.core.rules import RuleBook, RuleMissing
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member
from dangjian.organizations.choices import BRANCH_TYPES, OrgStatus, OrgType
from dangjian.organizations.models import LeadershipPost, Organization

from .choices import MeetingKind, MeetingStatus
from .models import Meeting, StudyRecord

REQUIRED_KINDS = [
    MeetingKind.BRANCH_GENERAL_MEETING, MeetingKind.COMMITTEE_MEETING, MeetingKind.GROUP_MEETING,
    MeetingKind.PARTY_LECTURE, MeetingKind.THEME_DAY, MeetingKind.LIFE_MEETING,
]


@dataclass(frozen=True)
class PeriodSpan:
    """A month, quarter or year: its label and first and last days."""

    period: str
    index: int
    start: datetime.date
    end: datetime.date

    @property
    def label(self) -> str:
        if self.period == "month":
            return f"{self.start.month}月"
        if self.period == "quarter":
            return f"第{self.index}季度"
        return f"{self.start.year}年"


def periods(period: str, year: int) -> list[PeriodSpan]:
    if period == "year":
        return [PeriodSpan("year", 1, datetime.date(year, 1, 1), datetime.date(year, 12, 31))]
    size = 1 if period == "month" else 3
    spans = []
    for i, month in enumerate(range(1, 13, size), start=1):
        end_month = month + size - 1
        last = (datetime.date(year + (end_month == 12), end_month % 12 + 1, 1) - datetime.timedelta(days=1))
        spans.append(PeriodSpan(period, i, datetime.date(year, month, 1), last))
    return spans


@dataclass
class ComplianceRow:
    """One organization, one kind of meeting, one period: required, held, missing, verdict."""

    organization: Organization
    kind: str
    span: PeriodSpan
    required: int
    held: int
    rule_version: str
    status: str  # ok, due, overdue

    @property
    def missing(self) -> int:
        return max(self.required - self.held, 0)

    @property
    def kind_label(self):
        return MeetingKind(self.kind).label


def _codes_by_path(orgs, root: Organization) -> dict[str, dict[str, int]]:
    """For each organization, its own and its ancestors' codes (for local rule packs)."""
    step = Organization.steplen
    above = [root.path[:end] for end in range(step, len(root.path), step)]
    code_of = dict(Organization.objects.filter(path__in=above).values_list("path", "code"))
    code_of.update({o.path: o.code for o in orgs})
    return {
        o.path: {code_of[o.path[:end]]: end // step for end in range(step, len(o.path) + 1, step) if o.path[:end] in code_of}
        for o in orgs
    }


def holders(root: Organization) -> dict[str, list[Organization]]:
    """Which organizations of the subtree hold which meetings: branches, branches with a committee,
    Party groups."""
    orgs = list(root.subtree().filter(status=OrgStatus.ACTIVE, org_type__in=[*BRANCH_TYPES, OrgType.PARTY_GROUP]))
    branch_ids = [o.pk for o in orgs if o.org_type in BRANCH_TYPES]
    seats = Counter(dict(
        LeadershipPost.objects.current().filter(organization_id__in=branch_ids, kind__is_committee=True)
        .values_list("organization").annotate(n=Count("id")).values_list("organization", "n")
    ))
    return {
        "branch": [o for o in orgs if o.org_type in BRANCH_TYPES],
        "committee": [o for o in orgs if o.org_type in BRANCH_TYPES and seats[o.pk] >= 3],
        "group": [o for o in orgs if o.org_type == OrgType.PARTY_GROUP],
    }


def compliance(root: Organization, year: int, *, today: datetime.date | None = None) -> list[ComplianceRow]:
    """For every organization in ``root``'s subtree that must hold meetings: each required kind
    and each period of ``year`` that has begun, how many were required and how many held.

    The rule in force on the first day of a period decides that period, so a rule change in
    the middle of a year applies from the next period on; local packs apply to their subtree.
    """
    today = today or timezone.localdate()
    holding = holders(root)
    by_role = {role: {o.pk for o in orgs} for role, orgs in holding.items()}
    orgs = sorted({o.pk: o for o in holding["branch"] + holding["group"]}.values(), key=lambda o: o.path)
    codes = _codes_by_path(orgs, root)
    held = _held_counts(root, year)
    schedule = _Schedule(year)
    rows = []
    for org in orgs:
        for kind in REQUIRED_KINDS:
            for span, required, version, role in schedule.spans(kind, codes[org.path]):
                if span.start > today or org.pk not in by_role.get(role, ()):
                    continue
                n = sum(held.get((org.pk, kind, (span.start.year, m)), 0)
                        for m in range(span.start.month, span.end.month + 1))
                status = "ok" if n >= required else ("overdue" if span.end < today else "due")
                rows.append(ComplianceRow(org, kind, span, required, n, version, status))
    return rows


class _Schedule:
    """The required periods of each kind in one year, for each set of local rule packs.

    Organizations under the same local packs share their schedule, so a city of thousands of
    branches costs a handful of rule look-ups.
    """

    def __init__(self, year: int):
        self.year = year
        self.books: dict[datetime.date, RuleBook] = {}
        self.cache: dict[tuple, list] = {}
        local = {p.organization_code for p in self.book(datetime.date(year, 12, 31)).packs if p.organization_code}
        self.local_codes = local

    def book(self, day):
        if day not in self.books:
            self.books[day] = RuleBook(day)
        return self.books[day]

    def spans(self, kind: str, codes: dict[str, int]):
        key = (kind, tuple(sorted((c, d) for c, d in codes.items() if c in self.local_codes)))
        if key not in self.cache:
            self.cache[key] = self._compute(kind, codes)
        return self.cache[key]

    def _compute(self, kind, codes):
        out = []
        for period in ("month", "quarter", "year"):
            for span in periods(period, self.year):
                try:
                    value = self.book(span.start).get(f"orglife.required.{kind}", codes)
                except RuleMissing:
                    continue
                if value.value["period"] == period:
                    out.append((span, int(value.value["count"]), value.version, value.value["holders"]))
        return out


def _held_counts(root: Organization, year: int) -> dict[tuple, int]:
    """Recorded meetings per (organization, kind, (year, local month)) in ``root``'s subtree,
    joint meetings counting for each organization holding them; counted in SQL."""
    counts: dict[tuple, int] = defaultdict(int)
    subtree = root.subtree().values("pk")
    recorded = Meeting.objects.filter(status=MeetingStatus.RECORDED, starts_at__year=year).order_by()
    own = (recorded.filter(organization__in=subtree).annotate(month=ExtractMonth("starts_at"))
           .values_list("organization_id", "kind", "month").annotate(n=Count("id")))
    joint = (recorded.filter(joint_organizations__in=subtree).annotate(month=ExtractMonth("starts_at"))
             .values_list("joint_organizations", "kind", "month").annotate(n=Count("id")))
    for rows in (own, joint):
        for org_id, kind, month, n in rows:
            counts[(org_id, kind, (year, month))] += n
    return counts


@dataclass
class StudyStanding:
    """A member's study hours for a year against the target of the rule pack."""

    member: Member
    hours: Decimal
    target: int
    leader: bool
    rule_version: str

    @property
    def short(self) -> Decimal:
        return max(Decimal(self.target) - self.hours, Decimal(0))


def study_standings(members, year: int, *, organization: Organization) -> list[StudyStanding]:
    """Study hours of each member in ``year`` and their target: 56 for secretaries and committee
    members, 32 for others (rule pack)."""
    members = list(members)
    ids = [m.pk for m in members]
    totals = dict(StudyRecord.objects.filter(member_id__in=ids, on__year=year).values_list("member")
                  .annotate(h=Sum("hours")).values_list("member", "h"))
    leaders = set(LeadershipPost.objects.current(datetime.date(year, 12, 31) if year < timezone.localdate().year
                                                 else None)
                  .filter(member_id__in=ids, kind__is_committee=True).values_list("member_id", flat=True))
    book = RuleBook(datetime.date(year, 1, 1))
    codes = _codes_by_path([organization], organization)[organization.path]
    target = book.get("study.target_hours", codes)
    target_leaders = book.get("study.target_hours_leaders", codes)
    return [
        StudyStanding(m, totals.get(m.pk) or Decimal(0),
                      int((target_leaders if m.pk in leaders else target).value), m.pk in leaders, target.version)
        for m in members
    ]


def short_of_hours_flagged(year: int, *, organization: Organization, today: datetime.date | None = None) -> bool:
    """Whether members short of hours are flagged now: from the quarter the rule pack names on."""
    today = today or timezone.localdate()
    if year < today.year:
        return True
    quarter = (today.month - 1) // 3 + 1
    book = RuleBook(datetime.date(year, 1, 1))
    return quarter >= int(book.get("study.flag_from_quarter", _codes_by_path([organization], organization)[
        organization.path]).value)


def members_for_study(root: Organization):
    return Member.objects.filter(status__in=ON_ROLL, organization__in=root.subtree().values("pk")).without_protected()

