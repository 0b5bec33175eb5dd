"""Figures of organizational life: meeting compliance (三会一课), meetings held, study hours and the
yearly member appraisal (民主评议党员).

Flows (meetings held, study hours) count from the first of the year to the day inclusive, local
dates. Compliance follows the orglife rules (``orglife.required.*`` of the rule packs, local packs
for their subtree, the rule in force on a period's first day deciding that period): which
organizations must hold which meetings is read from the dated versions valid on the day (type,
status) and the committee seats held that day; a period counts against an organization once it has
ended before the day without the required number of recorded meetings.
"""
from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Case, Count, DecimalField, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.models import RulePack
from dangjian.core.numbers import percent
from dangjian.core.rules import RuleBook, RuleMissing, ancestor_codes
from dangjian.organizations.choices import BRANCH_TYPES, OrgStatus, OrgType
from dangjian.organizations.models import LeadershipPost
from dangjian.orglife.choices import Grade, MeetingKind, MeetingStatus
from dangjian.orglife.models import Appraisal, AppraisalEntry, Meeting, StudyRecord
from dangjian.orglife.selectors import REQUIRED_KINDS, _Schedule
from dangjian.recruitment.pipeline import codes_by_org

from .base import Figure, Scope, Section, as_text
from .links import with_params
from .members import on_roll

# A branch "has a committee" (and must hold committee meetings) with at least this many committee
# seats filled: the same test as ``orglife.selectors.holders``.
COMMITTEE_SEATS = 3




class _DaySchedule(_Schedule):
    """The orglife schedule of a year with the rule packs read in one query (the packs in force on
    each period's first day are picked from them here)."""

    def __init__(self, year: int):
        self._packs = list(RulePack.objects.filter(effective_from__lte=datetime.date(year, 12, 31)))
        super().__init__(year)

    def book(self, day):
        if day not in self.books:
            book = RuleBook.__new__(RuleBook)
            book.on, book.packs = day, [p for p in self._packs if p.effective_from <= day]
            self.books[day] = book
        return self.books[day]


def _recorded(scope: Scope):
    """Meetings recorded as held from the first of the year to the day (local dates)."""
    return Meeting.objects.filter(status=MeetingStatus.RECORDED, starts_at__date__gte=scope.year_start,
                                  starts_at__date__lte=scope.on).order_by()


def held_meetings(scope: Scope):
    """Meetings held in the year to the day by an organization of the subtree, or jointly with one."""
    joint = Meeting.objects.filter(scope.org_q("joint_organizations")).values("pk")
    return _recorded(scope).filter(scope.org_q() | Q(pk__in=joint))


def _holders(scope: Scope) -> dict[str, dict[int, SimpleNamespace]]:
    """The organizations that must hold meetings on the day, by role (branch, committee, group)."""
    rows = scope.versions().filter(status=OrgStatus.ACTIVE, org_type__in=[*BRANCH_TYPES, OrgType.PARTY_GROUP]) \
        .values_list("organization_id", "org_type", "organization__path", "organization__code")
    orgs = {pk: SimpleNamespace(pk=pk, org_type=t, path=path, code=code) for pk, t, path, code in rows}
    seats = Counter(dict(
        LeadershipPost.objects.current(scope.on).filter(scope.org_q(), kind__is_committee=True).order_by()
        .values_list("organization").annotate(n=Count("id")).values_list("organization", "n")
    ))
    branches = {pk: o for pk, o in orgs.items() if o.org_type in BRANCH_TYPES}
    return {
        "branch": branches,
        "committee": {pk: o for pk, o in branches.items() if seats[pk] >= COMMITTEE_SEATS},
        "group": {pk: o for pk, o in orgs.items() if o.org_type == OrgType.PARTY_GROUP},
    }


def _held_counts(scope: Scope) -> dict[tuple, int]:
    """Recorded meetings per (organization, kind, month) in the year to the day, a joint meeting
    counting for each organization holding it (two grouped queries)."""
    counts: dict[tuple, int] = defaultdict(int)
    recorded = _recorded(scope).annotate(month=ExtractMonth("starts_at"))
    own = recorded.filter(scope.org_q()).values_list("organization_id", "kind", "month").annotate(n=Count("id"))
    joint = (recorded.filter(scope.org_q("joint_organizations"))
             .values_list("joint_organizations", "kind", "month").annotate(n=Count("id")))
    for rows in (own, joint):
        for org_id, kind, month, n in rows:
            counts[(org_id, kind, month)] += n
    return counts


def compliance(scope: Scope) -> dict:
    """For each required kind: the organizations that must hold it on the day and those with no
    period of the year ended before the day short of meetings; the same over all kinds."""
    holding = _holders(scope)
    role_of = {role: set(orgs) for role, orgs in holding.items()}
    orgs = {**holding["branch"], **holding["group"]}
    codes = codes_by_org(orgs.values()) if orgs else {}
    held = _held_counts(scope)
    schedule = _DaySchedule(scope.year)
    holders, compliant = Counter(), Counter()
    behind_orgs, required_orgs = set(), set()
    for pk in orgs:
        for kind in REQUIRED_KINDS:
            spans = [s for s in schedule.spans(kind, codes[pk]) if pk in role_of.get(s[3], ())]
            if not spans:
                continue
            holders[kind] += 1
            required_orgs.add(pk)
            behind = any(
                sum(held.get((pk, kind, m), 0) for m in range(span.start.month, span.end.month + 1)) < required
                for span, required, _version, _role in spans if span.end < scope.on
            )
            if behind:
                behind_orgs.add(pk)
            else:
                compliant[kind] += 1
    kinds = [str(k) for k in REQUIRED_KINDS]
    total, ok = len(required_orgs), len(required_orgs - behind_orgs)
    return {
        "holders": {k: holders[k] for k in kinds},
        "compliant": {k: compliant[k] for k in kinds},
        "rate": {k: as_text(percent(compliant[k], holders[k])) for k in kinds},
        "organizations": total,
        "organizations_compliant": ok,
        "organizations_rate": as_text(percent(ok, total)),
    }


def meetings(scope: Scope) -> dict:
    by_kind = Counter(dict(held_meetings(scope).values_list("kind").annotate(n=Count("id"))))
    return {
        "meetings_total": sum(by_kind.values()),
        "meetings_by_kind": {code: by_kind[code] for code in MeetingKind.values},
        "theme_days": by_kind[MeetingKind.THEME_DAY],
        "life_meetings": by_kind[MeetingKind.LIFE_MEETING] + by_kind[MeetingKind.SPECIAL_LIFE_MEETING],
    }


def study_targets(scope: Scope) -> tuple[int, int]:
    """The yearly study targets (members, secretaries and committee members) of the root's rule
    packs in force on the first of the year, as ``orglife.selectors.study_standings`` reads them."""
    book, codes = RuleBook(scope.year_start), ancestor_codes(scope.root)
    try:
        return int(book.get("study.target_hours", codes).value), int(book.get("study.target_hours_leaders", codes).value)
    except RuleMissing:
        return 32, 56


def study_roll(scope: Scope, targets: tuple[int, int] | None = None):
    """The members on the roll on the day (membership periods), each with ``hours``: study hours
    credited from the first of the year to the day, and ``target`` for the year."""
    target, target_leaders = targets or study_targets(scope)
    hours = (StudyRecord.objects.filter(member=OuterRef("member"), on__gte=scope.year_start, on__lte=scope.on)
             .order_by().values("member").annotate(h=Sum("hours")).values("h"))
    leader = LeadershipPost.objects.current(scope.on).filter(member=OuterRef("member"), kind__is_committee=True)
    money = DecimalField(max_digits=7, decimal_places=1)
    return on_roll(scope).annotate(
        hours=Coalesce(Subquery(hours, output_field=money), Value(0), output_field=money),
        target=Case(When(Exists(leader), then=Value(target_leaders)), default=Value(target),
                    output_field=IntegerField()),
    )


def study(scope: Scope) -> dict:
    """Study hours of the members on the roll on the day, against their yearly targets: grouped
    queries only (hours per member summed from the ledger, compared with the target in the query;
    those holding a committee seat are counted against the leaders' target)."""
    target, target_leaders = study_targets(scope)
    roll = on_roll(scope).values("member")
    leaders = (LeadershipPost.objects.current(scope.on).filter(kind__is_committee=True, member__in=roll)
               .values("member"))
    credited = StudyRecord.objects.filter(member__in=roll, on__gte=scope.year_start, on__lte=scope.on).order_by()
    per_member = credited.values("member").annotate(h=Sum("hours"))
    members = on_roll(scope).count()
    reached = (per_member.filter(h__gte=target).exclude(member__in=leaders).count()
               + per_member.filter(h__gte=target_leaders, member__in=leaders).count())
    total = Decimal(credited.aggregate(h=Sum("hours"))["h"] or 0).quantize(Decimal("0.1"))
    average = (total / members).quantize(Decimal("0.01")) if members else None
    return {
        "members": members,
        "leaders": leaders.distinct().count(),
        "reached": reached,
        "short": members - reached,
        "rate": as_text(percent(reached, members)),
        "hours_total": str(total),
        "average_hours": as_text(average),
    }


def appraisal(scope: Scope) -> dict:
    """The member appraisal of the day's year in the subtree's branches: concluded appraisals and
    the grades they gave (as recorded now: appraisals keep no dates)."""
    appraisals = Counter(dict(
        Appraisal.objects.filter(scope.org_q(), year=scope.year).order_by().values_list("status")
        .annotate(n=Count("id"))
    ))
    grades = Counter(dict(
        AppraisalEntry.objects.filter(scope.org_q("appraisal__organization"), appraisal__year=scope.year,
                                      appraisal__status=Appraisal.Status.CLOSED)
        .order_by().values_list("grade").annotate(n=Count("id"))
    ))
    return {
        "concluded": appraisals[Appraisal.Status.CLOSED],
        "open": appraisals[Appraisal.Status.OPEN],
        "by_grade": {code: grades[code] for code in Grade.values},
        "appraised": sum(grades[code] for code in Grade.values),
    }


def compute(scope: Scope) -> dict:
    return {
        "compliance": compliance(scope),
        **meetings(scope),
        "study": study(scope),
        "appraisal": appraisal(scope),
    }


# Records: the module's own pages for the root and the year (they show the year as it stands now).

def _compliance_page(scope: Scope, key: str = "") -> str:
    return with_params("orglife:compliance", org=scope.root.pk, year=scope.year)


def _meetings_page(scope: Scope, key: str = "") -> str:
    """The meeting list of the root's subtree: meetings recorded as held in the year to the day, joint
    ones included (``key``: one kind or several, comma-separated)."""
    return with_params("orglife:list", org=scope.root.pk, kind=key, status=MeetingStatus.RECORDED, joint=1,
                       **{"from": scope.year_start.isoformat(), "to": scope.on.isoformat()})


def _kind_page(kind):
    def link(scope: Scope, key: str = "") -> str:
        return _meetings_page(scope, kind)
    return link


def _study_page(scope: Scope, key: str = "") -> str:
    return with_params("orglife:study", org=scope.root.pk, year=scope.year)


def _appraisals_page(scope: Scope, key: str = "") -> str:
    return with_params("orglife:appraisals", org=scope.root.pk)


def _required_kinds():
    return {str(k): MeetingKind(k).label for k in REQUIRED_KINDS}


SECTION = Section(
    code="orglife",
    label=_("Organizational life"),
    compute=compute,
    figures=[
        Figure("compliance.holders", _("Organizations required to meet"),
               _("For each kind of meeting of 三会一课 and the theme day, the organizations of the subtree that must "
                 "hold it on the day: active branches (committee meetings: branches with at least three committee "
                 "seats filled that day; group meetings: Party groups), by the rule packs in force."),
               _("Dated versions of the organizations, leadership posts, rule packs."), keys=_required_kinds,
               records=_compliance_page),
        Figure("compliance.compliant", _("Organizations meeting the required frequency"),
               _("Of those organizations, the ones that held at least the required number of meetings in every "
                 "period (month, quarter or year, by the rule in force on its first day) of the year that ended "
                 "before the day; a period still under way does not count against them."),
               _("Recorded meetings (joint meetings count for each organization holding them), rule packs."),
               keys=_required_kinds, records=_compliance_page),
        Figure("compliance.rate", _("Meeting compliance rate"),
               _("Compliant organizations as a share of the organizations required to hold that kind."),
               _("Recorded meetings, rule packs."), unit="percent", keys=_required_kinds, records=_compliance_page),
        Figure("compliance.organizations", _("Organizations holding 三会一课"),
               _("Organizations of the subtree required to hold at least one kind of meeting on the day."),
               _("Dated versions of the organizations, rule packs."), records=_compliance_page),
        Figure("compliance.organizations_compliant", _("Organizations up to date with every meeting"),
               _("Of those, the organizations with no period ended before the day short of any required meeting."),
               _("Recorded meetings, rule packs."), records=_compliance_page),
        Figure("compliance.organizations_rate", _("Overall meeting compliance rate"),
               _("Organizations up to date with every meeting as a share of those required to hold meetings."),
               _("Recorded meetings, rule packs."), unit="percent", records=_compliance_page),
        Figure("meetings_total", _("Meetings held"),
               _("Meetings recorded as held from the first of the year to the day by an organization of the subtree "
                 "or jointly with one (each meeting counted once)."),
               _("Meeting records."), records=_meetings_page),
        Figure("meetings_by_kind", _("Meetings held by kind"), _("The same meetings by kind."),
               _("Meeting records."), keys=lambda: dict(MeetingKind.choices), records=_meetings_page),
        Figure("theme_days", _("Theme days held"),
               _("Theme days (主题党日) recorded as held from the first of the year to the day."),
               _("Meeting records."), records=_kind_page(MeetingKind.THEME_DAY)),
        Figure("life_meetings", _("Organizational life meetings held"),
               _("Organizational life meetings and special organizational life meetings (组织生活会) recorded as "
                 "held from the first of the year to the day."), _("Meeting records."),
               records=_kind_page(f"{MeetingKind.LIFE_MEETING},{MeetingKind.SPECIAL_LIFE_MEETING}")),
        Figure("study.members", _("Members counted for study hours"),
               _("Members on the roll of the subtree on the day (membership periods)."), _("Membership periods."),
               records=_study_page),
        Figure("study.leaders", _("Secretaries and committee members"),
               _("Of those, members holding a committee seat on the day, whose yearly target is the higher one."),
               _("Leadership posts."), records=_study_page),
        Figure("study.reached", _("Members who reached the study target"),
               _("Members on the roll whose study hours credited from the first of the year to the day reach their "
                 "yearly target (rule pack: 32 hours; 56 for secretaries and committee members)."),
               _("Study hour ledger, rule packs."), records=_study_page),
        Figure("study.short", _("Members short of study hours"),
               _("Members on the roll whose hours so far are below their yearly target."),
               _("Study hour ledger, rule packs."), records=_study_page),
        Figure("study.rate", _("Study hour completion rate"),
               _("Members who reached their target as a share of the members on the roll."),
               _("Study hour ledger, rule packs."), unit="percent", records=_study_page),
        Figure("study.hours_total", _("Study hours credited"),
               _("Study hours credited to the members on the roll from the first of the year to the day, from "
                 "meetings, courses, self-study and study brought home."), _("Study hour ledger."), unit="hours",
               records=_study_page),
        Figure("study.average_hours", _("Average study hours"),
               _("Study hours credited so far divided by the members on the roll."), _("Study hour ledger."),
               unit="hours", records=_study_page),
        Figure("appraisal.concluded", _("Member appraisals concluded"),
               _("Branches of the subtree whose member appraisal (民主评议党员) of the day's year is concluded, as "
                 "recorded now."), _("Member appraisals."), records=_appraisals_page),
        Figure("appraisal.open", _("Member appraisals in progress"),
               _("Branches whose appraisal of the day's year is still in progress, as recorded now."),
               _("Member appraisals."), records=_appraisals_page),
        Figure("appraisal.by_grade", pgettext_lazy("appraisal", "Appraisal results by grade"),
               _("Members graded in the concluded appraisals of the day's year, by grade."),
               _("Member appraisal entries."), keys=lambda: dict(Grade.choices), records=_appraisals_page),
        Figure("appraisal.appraised", _("Members appraised"),
               _("Members graded in the concluded appraisals of the day's year."), _("Member appraisal entries."),
               records=_appraisals_page),
    ],
)
