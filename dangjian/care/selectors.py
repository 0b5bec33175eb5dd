"""Reads of hardship and care: the register and its counts, the festival care list, workbench alerts.

Every count comes from the records; the thresholds (age, years in the Party, follow-up days)
and the festivals' dates come from the rule pack ``care``.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.core.dates import add_years
from dangjian.core.rules import RuleBook, RuleMissing, ancestor_codes
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .choices import FESTIVALS, CareReason, CaseStatus, HardshipKind, Occasion, SupportKind
from .models import CareVisit, HardshipCase, SupportRecord, care_scope, in_care_scope, kind_filter

DEFAULT_RULES = {"aged_from": 80, "standing_years": 50, "follow_up_days": 90, "festival_warning_days": 30}


@dataclass(frozen=True)
class CareRules:
    aged_from: int
    standing_years: int
    follow_up_days: int
    festival_warning_days: int
    festival_dates: dict
    version: str


def care_rules(organization: Organization | None, on: datetime.date, book: RuleBook | None = None) -> CareRules:
    """The care rules in force for ``organization`` on ``on`` (two queries, or none with a book)."""
    book = book or RuleBook(on)
    codes = ancestor_codes(organization) if organization is not None else None
    values, version = {}, ""
    for key, default in DEFAULT_RULES.items():
        try:
            found = book.get(f"care.{key}", codes)
        except RuleMissing:
            values[key] = default
        else:
            values[key], version = int(found.value), version or found.version
    try:
        dates = book.get("care.festival_dates", codes).value
    except RuleMissing:
        dates = {}
    return CareRules(**values, festival_dates=dates, version=version)


def festival_date(rules: CareRules, occasion: str, year: int) -> datetime.date | None:
    """The day of a festival in a year, or None when the rule pack does not list it."""
    if occasion == Occasion.JULY_FIRST:
        return datetime.date(year, 7, 1)
    text = rules.festival_dates.get(occasion, {}).get(str(year))
    return datetime.date.fromisoformat(text) if text else None


def next_festival(rules: CareRules, today: datetime.date) -> tuple[str, int, datetime.date | None]:
    """The next festival on or after today whose date is known, as (occasion, year, date)."""
    candidates = []
    for year in (today.year, today.year + 1):
        for occasion in FESTIVALS:
            day = festival_date(rules, occasion, year)
            if day and day >= today:
                candidates.append((day, occasion, year))
    if not candidates:
        return Occasion.JULY_FIRST, today.year + (today >= datetime.date(today.year, 7, 1)), None
    day, occasion, year = min(candidates)
    return occasion, year, day


# ---------------------------------------------------------------------------------------------
# The hardship register


def cases_in(user, org: Organization):
    """Hardship cases the user may see in ``org``'s subtree."""
    return HardshipCase.objects.restrict(user, "view").filter(member__organization__path__startswith=org.path)


def with_figures(cases):
    """Cases with the member and their organization, the number and money of their support, and
    the days of the last support and of the member's last care visit (no query per row)."""
    supports = SupportRecord.objects.filter(case=OuterRef("pk"))
    money = (supports.filter(kind=SupportKind.MONEY).order_by().values("case")
             .annotate(total=Sum("amount")).values("total"))
    count = supports.order_by().values("case").annotate(n=Count("pk")).values("n")
    return cases.select_related("member", "member__organization").annotate(
        support_count=Coalesce(Subquery(count), 0),
        money_total=Subquery(money),
        last_support=Subquery(supports.order_by("-given_on").values("given_on")[:1]),
        last_visit=Subquery(CareVisit.objects.filter(member=OuterRef("member")).order_by("-visited_on")
                            .values("visited_on")[:1]),
    )


def stale_filter(cutoff: datetime.date) -> Q:
    """Open cases registered before ``cutoff`` with no support or visit since (needs ``with_figures``)."""
    return (Q(status=CaseStatus.OPEN, opened_on__lt=cutoff)
            & (Q(last_support__isnull=True) | Q(last_support__lt=cutoff))
            & (Q(last_visit__isnull=True) | Q(last_visit__lt=cutoff)))


def last_contact(case) -> datetime.date | None:
    days = [d for d in (case.last_support, case.last_visit) if d]
    return max(days) if days else None


def register_counts(user, org: Organization, year: int) -> dict:
    """The count cards of the register: open cases and members, by kind, closed, support this year."""
    kinds = {kind: Count("pk", filter=Q(status=CaseStatus.OPEN) & kind_filter(kind)) for kind in HardshipKind.values}
    figures = cases_in(user, org).aggregate(
        open=Count("pk", filter=Q(status=CaseStatus.OPEN)),
        members=Count("member", distinct=True, filter=Q(status=CaseStatus.OPEN)),
        closed=Count("pk", filter=Q(status=CaseStatus.CLOSED, closed_on__year=year)),
        **kinds,
    )
    support = SupportRecord.objects.restrict(user, "view").filter(
        case__member__organization__path__startswith=org.path, given_on__year=year,
    ).aggregate(count=Count("pk"), money=Sum("amount", filter=Q(kind=SupportKind.MONEY)))
    return {
        "open": figures["open"], "members": figures["members"], "closed": figures["closed"],
        "by_kind": [(kind, label, figures[kind]) for kind, label in HardshipKind.choices],
        "support_count": support["count"], "support_money": support["money"] or Decimal(0),
    }


def open_by_organization(user, org: Organization) -> list[dict]:
    """Open cases under each child of ``org`` that has any (two queries)."""
    children = list(Organization.objects.get_children(org).only("pk", "path", "name", "short_name", "org_type"))
    if not children:
        return []
    rows = (cases_in(user, org).filter(status=CaseStatus.OPEN).values_list("member__organization__path")
            .annotate(n=Count("pk")).order_by())
    counts: dict[int, int] = {}
    for path, n in rows:
        for child in children:
            if path.startswith(child.path):
                counts[child.pk] = counts.get(child.pk, 0) + n
                break
    return [{"org": c, "count": counts[c.pk]} for c in children if counts.get(c.pk)]


# ---------------------------------------------------------------------------------------------
# The festival care list


@dataclass
class CareRow:
    member: Member
    reasons: list[tuple[str, str]]
    age: int
    standing: int
    visits: list[CareVisit] = field(default_factory=list)

    @property
    def visited(self) -> bool:
        return bool(self.visits)


def _alone_cases():
    return HardshipCase.objects.filter(member=OuterRef("pk"), status=CaseStatus.OPEN).filter(
        kind_filter(HardshipKind.ELDERLY_ALONE))


def care_candidates(org: Organization, rules: CareRules, on: datetime.date):
    """On-roll members of ``org``'s subtree whom the branch should visit at a festival on ``on``:
    in hardship, aged 80 or more, 50 years in the Party, or living alone (the thresholds are the
    rule pack's). Annotated with ``alone``."""
    born_by = add_years(on, -rules.aged_from)
    full_by = add_years(on, -rules.standing_years)
    return (Member.objects.on_roll().without_protected().filter(organization__path__startswith=org.path)
            .annotate(alone=Exists(_alone_cases()))
            .filter(Q(in_hardship=True) | Q(birth_date__lte=born_by) | Q(full_member_on__lte=full_by) | Q(alone=True)))


def care_list(org: Organization, *, year: int, occasion: str, rules: CareRules) -> list[CareRow]:
    """The festival care list (节日慰问名单) with each member's reasons and this occasion's visits;
    those not yet visited first (two queries)."""
    on = festival_date(rules, occasion, year) or datetime.date(year, 7, 1)
    members = list(care_candidates(org, rules, on).select_related("organization").order_by(
        "organization__path", "name_pinyin", "pk"))
    visits: dict[int, list[CareVisit]] = {}
    if members:
        for visit in CareVisit.objects.filter(member__in=[m.pk for m in members], year=year, occasion=occasion) \
                .order_by("visited_on", "pk"):
            visits.setdefault(visit.member_id, []).append(visit)
    rows = []
    for m in members:
        age, standing = m.age(on), m.party_standing(on)
        reasons = []
        if m.in_hardship:
            reasons.append((CareReason.HARDSHIP, CareReason.HARDSHIP.label))
        if age >= rules.aged_from:
            reasons.append((CareReason.AGED, CareReason.AGED.label))
        if m.full_member_on and standing >= rules.standing_years:
            reasons.append((CareReason.FIFTY_YEARS, CareReason.FIFTY_YEARS.label))
        if m.alone:
            reasons.append((CareReason.ALONE, CareReason.ALONE.label))
        rows.append(CareRow(member=m, reasons=reasons, age=age, standing=standing, visits=visits.get(m.pk, [])))
    rows.sort(key=lambda r: r.visited)
    return rows


def visit_counts(user, org: Organization, year: int) -> dict:
    """Visits of a year in ``org``'s subtree: by occasion, members visited and money given (one query)."""
    visits = CareVisit.objects.restrict(user, "view").filter(member__organization__path__startswith=org.path, year=year)
    by_occasion = {code: Count("pk", filter=Q(occasion=code)) for code in Occasion.values}
    figures = visits.aggregate(total=Count("pk"), members=Count("member", distinct=True), money=Sum("amount"),
                               **by_occasion)
    return {"total": figures["total"], "members": figures["members"], "money": figures["money"] or Decimal(0),
            "by_occasion": [(code, label, figures[code]) for code, label in Occasion.choices]}


# ---------------------------------------------------------------------------------------------
# The workbench


def workbench_items(*, root: Organization, user, today: datetime.date) -> list[dict]:
    """Alerts for those who keep the care records of ``root``'s subtree: members in hardship not
    helped or visited for the rule pack's follow-up period, and members still to visit before the
    next festival."""
    if not in_care_scope(care_scope(user, "change"), root):
        return []
    rules = care_rules(root, today)
    items = []
    cutoff = today - datetime.timedelta(days=rules.follow_up_days)
    stale = with_figures(cases_in(user, root)).filter(stale_filter(cutoff)).count()
    if stale:
        items.append({
            "kind": "alert", "label": _("Follow up"), "when": None, "overdue": True,
            "text": ngettext("%(n)d member in hardship has had no support or visit for %(days)d days",
                             "%(n)d members in hardship have had no support or visit for %(days)d days", stale)
            % {"n": stale, "days": rules.follow_up_days},
            "url": f"{reverse('care:register')}?org={root.pk}&stale=1",
        })
    occasion, year, day = next_festival(rules, today)
    if day and (day - today).days <= rules.festival_warning_days:
        waiting = (care_candidates(root, rules, day)
                   .exclude(pk__in=CareVisit.objects.filter(year=year, occasion=occasion).values("member")).count())
        if waiting:
            items.append({
                "kind": "alert", "label": _("Festival visits"), "when": day, "overdue": False,
                "text": ngettext("%(festival)s: %(n)d member on the care list is not yet visited",
                                 "%(festival)s: %(n)d members on the care list are not yet visited", waiting)
                % {"festival": Occasion(occasion).label, "n": waiting},
                "url": f"{reverse('care:care_list')}?org={root.pk}&year={year}&occasion={occasion}",
            })
    return items
