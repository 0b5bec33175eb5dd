"""Reads of membership dues: what is due, arrears, paid-up-to, and the ledgers (党费收缴台账).

Everything is computed from the declarations, payments and reliefs on each request, with the
rule packs read once per request (:class:`DuesRules`); queries do not grow with the number of
members or months.

Months: the month ``as_of`` falls in is *due* (it can still be paid); a month that has ended
unpaid is *owed*. Arrears are the owed months since the last paid month, not counting months
under an approved exemption, from the later of the month the member joined and the month the
platform began collecting (``dues.collection_start``; without it, the member's first
declaration).
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, F, Max, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.core.access import covers, user_scope
from dangjian.core.dates import add_months, month_start
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member
from dangjian.organizations.choices import BRANCH_TYPES, MEMBER_HOLDING_TYPES
from dangjian.organizations.models import Organization

from .calculation import ZERO, DuesRules, default_basis, month_index
from .choices import NO_BASE_NEEDED, CellState, ReliefKind, ReliefStatus
from .models import DuesDeclaration, DuesPayment, DuesRelief

# ---------------------------------------------------------------------------------------------
# Who may see whose dues (the same as the records' scope filters, without a query).


def _covers(scope, organization) -> bool:
    return covers(scope, organization)


def sees_dues_of(user, member: Member, action: str = "view") -> bool:
    """Whether ``user`` may see (or, with ``action``, change) ``member``'s dues: the member's own,
    or those of members in the user's subtrees; never a branch-mate's."""
    scope = user_scope(user, action)
    return _covers(scope, member.organization) or (action == "view" and scope.member_id == member.pk)


def oversees(user, organization, action: str = "view") -> bool:
    """Whether ``organization`` lies in one of the user's subtrees for ``action``."""
    return _covers(user_scope(user, action), organization)


# ---------------------------------------------------------------------------------------------
# What is due for one member and month.


@dataclass
class Due:
    """What one member owes for one month, and from what."""

    amount: Decimal | None  # None: cannot be computed (no base declared, or the rules refuse)
    basis: str
    base: Decimal
    rule_version: str = ""
    relief: DuesRelief | None = None
    declared: bool = True
    problem: str = ""

    @property
    def basis_label(self):
        from .choices import DuesBasis

        return DuesBasis(self.basis).label if self.basis in DuesBasis.values else ""


class MemberDues:
    """Declarations and approved reliefs of a set of members, read in two queries, to compute dues.

    ``members`` is a queryset (used as a subquery) or a list of members.
    """

    def __init__(self, members, *, rules: DuesRules | None = None):
        self.rules = rules or DuesRules()
        ids = members.values("pk") if hasattr(members, "values") else [m.pk for m in members]
        # Declarations as light named tuples (what ``due`` reads), not model instances.
        self.declarations: dict[int, list] = defaultdict(list)
        for d in (DuesDeclaration.objects.filter(member_id__in=ids).order_by("member_id", "effective_from", "id")
                  .values_list("pk", "member_id", "basis", "base", "effective_from", named=True)):
            self.declarations[d.member_id].append(d)
        self.reliefs: dict[int, list[DuesRelief]] = defaultdict(list)
        for r in DuesRelief.objects.filter(member_id__in=ids, status=ReliefStatus.APPROVED).order_by("created_at", "id"):
            self.reliefs[r.member_id].append(r)

    def declaration(self, member_id: int, month: datetime.date):
        """The declaration in force for ``month`` (``basis``, ``base``, ``effective_from``), or None."""
        found = None
        for d in self.declarations.get(member_id, ()):
            if d.effective_from <= month:
                found = d
            else:
                break
        return found

    def first_declared(self, member_id: int) -> datetime.date | None:
        rows = self.declarations.get(member_id)
        return rows[0].effective_from if rows else None

    def relief(self, member_id: int, month: datetime.date) -> DuesRelief | None:
        """The approved relief covering ``month`` (the latest approved, if several)."""
        found = None
        for r in self.reliefs.get(member_id, ()):
            if r.covers(month):
                found = r
        return found

    def exempt(self, member_id: int, month: datetime.date) -> bool:
        relief = self.relief(member_id, month)
        return relief is not None and relief.kind == ReliefKind.EXEMPTION

    def due(self, member: Member, month: datetime.date, path: str | None = None) -> Due:
        """What ``member`` owes for ``month``: from the declaration in force (or the default basis of
        the member's category), the rule pack, and an approved relief."""
        from django.core.exceptions import ValidationError

        declaration = self.declaration(member.pk, month)
        basis = declaration.basis if declaration else default_basis(member.category)
        base = declaration.base if declaration else ZERO
        relief = self.relief(member.pk, month)
        if relief is not None and relief.kind == ReliefKind.EXEMPTION:
            return Due(ZERO, basis, base, "", relief, declaration is not None)
        if declaration is None and basis not in NO_BASE_NEEDED:
            return Due(None, basis, base, "", None, False, _("No monthly base is declared."))
        try:
            amount, version = self.rules.amount(basis, base, month, path)
        except ValidationError as exc:
            return Due(None, basis, base, "", None, declaration is not None, " ".join(exc.messages))
        if relief is not None and relief.reduced_amount is not None:
            return Due(min(amount, relief.reduced_amount), basis, base, version, relief, declaration is not None)
        return Due(amount, basis, base, version, None, declaration is not None)

    def start(self, member: Member, on: datetime.date, path: str | None = None) -> datetime.date | None:
        """The first month ``member`` owes dues on this platform (see the module's note)."""
        return start_month(member, self.rules, on, path, self.first_declared(member.pk))


def start_month(member: Member, rules: DuesRules, on: datetime.date, path: str | None,
                first_declared: datetime.date | None) -> datetime.date | None:
    joined = month_start(member.joined_on)
    collection_start = rules.value("dues.collection_start", on, path)
    if collection_start:
        return max(joined, month_start(datetime.date.fromisoformat(str(collection_start)[:10])))
    return max(joined, first_declared) if first_declared else None


def due_for(member: Member, month: datetime.date) -> Due:
    """What ``member`` owes for ``month`` (the month's first day), read on its own."""
    return MemberDues([member]).due(member, month_start(month), member.organization.path)


# ---------------------------------------------------------------------------------------------
# Arrears and paid-up-to.


@dataclass
class Standing:
    """A member's arrears on a day: owed months since the last paid month, and the flag."""

    member: Member
    start: datetime.date | None
    last_paid: datetime.date | None
    months: int
    level: str  # "", "warn" (3+ months) or "serious" (5+ months)
    rule_version: str = ""

    @property
    def flagged(self) -> bool:
        return bool(self.level)


@dataclass(frozen=True)
class Thresholds:
    warn: int
    serious: int
    left: int
    rule_version: str


def thresholds(rules: DuesRules, on: datetime.date, path: str | None = None) -> Thresholds:
    from dangjian.core.rules import RuleMissing

    try:
        version = rules.book(on).get("dues.arrears_warn_months", rules.codes(path)).version
    except RuleMissing:
        version = ""
    return Thresholds(int(rules.value("dues.arrears_warn_months", on, path, 3)),
                      int(rules.value("dues.arrears_serious_months", on, path, 5)),
                      int(rules.value("dues.regarded_left_months", on, path, 6)), version)


def _owed_months(start, last_paid, as_of, exempt) -> int:
    """Ended months after the last paid one (from ``start``), not counting exempted months."""
    begin = start
    if last_paid is not None:
        after = add_months(last_paid, 1)
        begin = after if begin is None else max(begin, after)
    if begin is None:
        return 0
    last = month_index(month_start(as_of)) - 1
    return sum(1 for i in range(month_index(begin), last + 1) if not exempt(add_months(begin, i - month_index(begin))))


def _standing(member, data: MemberDues, last_paid, as_of, limits: Thresholds) -> Standing:
    path = member.organization.path
    start = data.start(member, as_of, path)
    if member.status not in ON_ROLL:
        return Standing(member, start, last_paid, 0, "", limits.rule_version)
    months = _owed_months(start, last_paid, as_of, lambda m: data.exempt(member.pk, m))
    level = "serious" if months >= limits.serious else ("warn" if months >= limits.warn else "")
    return Standing(member, start, last_paid, months, level, limits.rule_version)


def _members_with_last_paid(members, as_of):
    return list(members.without_protected().select_related("organization").annotate(
        last_paid=Max("dues_payments__month", filter=Q(dues_payments__paid_on__lte=as_of))))


def arrears(target: Member | Organization, as_of: datetime.date | None = None):
    """Arrears on ``as_of`` (default today): a :class:`Standing` for a member, or a list of them
    for every member on the roll in an organization's subtree."""
    as_of = as_of or timezone.localdate()
    if isinstance(target, Member):
        members = Member.objects.filter(pk=target.pk)
    else:
        members = Member.objects.filter(status__in=ON_ROLL, organization__in=target.subtree().values("pk"))
    rows = _members_with_last_paid(members, as_of)
    rules = DuesRules()
    data = MemberDues(members, rules=rules)
    limits = thresholds(rules, as_of, rows[0].organization.path if rows else None)
    standings = [_standing(m, data, m.last_paid, as_of, limits) for m in rows]
    if isinstance(target, Member):
        return standings[0] if standings else Standing(target, None, None, 0, "")
    return standings


def paid_up_to(member: Member) -> datetime.date | None:
    """The last month paid without a gap (the first day of that month), or None if none is.

    Months under an approved exemption count as settled. Used by transfer letters (党费交至).
    """
    paid = set(DuesPayment.objects.filter(member=member).values_list("month", flat=True))
    data = MemberDues([member])
    if not paid and not data.reliefs.get(member.pk):
        return None
    organization = Organization.objects.only("path").get(pk=member.organization_id)
    start = data.start(member, timezone.localdate(), organization.path)
    candidates = [m for m in (start, min(paid) if paid else None) if m is not None]
    if not candidates:
        return None
    month, last = min(candidates), None
    end = max([*paid, *(r.to_month for r in data.reliefs.get(member.pk, ()))])
    while month <= end and (month in paid or data.exempt(member.pk, month)):
        last = month
        month = add_months(month, 1)
    return last


# ---------------------------------------------------------------------------------------------
# Ledgers.


@dataclass
class Cell:
    """One member, one month of the ledger."""

    month: datetime.date
    state: str
    due: Decimal | None = None
    paid: Decimal | None = None
    extra: Decimal = ZERO
    paid_on: datetime.date | None = None
    payment_id: int | None = None
    elsewhere: str = ""  # the organization that collected it, when not this one
    relief: bool = False
    problem: str = ""
    counted: bool = True  # counts in this organization's totals

    @property
    def reduced(self) -> bool:
        return self.relief and self.state != CellState.EXEMPT


@dataclass
class LedgerRow:
    member: Member
    cells: list[Cell]
    standing: Standing | None
    current: bool  # the member is on this organization's roll now
    basis: str = ""
    base: Decimal = ZERO
    due: Decimal = ZERO
    paid: Decimal = ZERO
    extra: Decimal = ZERO
    undeclared: int = 0

    @property
    def basis_label(self):
        from .choices import DuesBasis

        return DuesBasis(self.basis).label if self.basis in DuesBasis.values else ""


def _rate(paid: Decimal, due: Decimal) -> Decimal | None:
    if not due:
        return None
    return (paid / due * 100).quantize(Decimal("0.1"))


@dataclass
class Ledger:
    """A branch's dues ledger for a year (党费收缴台账): members × months, with totals."""

    organization: Organization
    year: int
    as_of: datetime.date
    rows: list[LedgerRow]
    months: list[datetime.date]
    month_totals: list[dict]
    due: Decimal = ZERO
    paid: Decimal = ZERO
    extra: Decimal = ZERO
    limits: Thresholds | None = None
    rule_versions: list[str] = field(default_factory=list)

    @property
    def rate(self):
        return _rate(self.paid, self.due)

    @property
    def warn_count(self) -> int:
        return sum(1 for r in self.rows if r.standing and r.standing.level == "warn")

    @property
    def serious_count(self) -> int:
        return sum(1 for r in self.rows if r.standing and r.standing.level == "serious")


def _cells(member, year, as_of, data: MemberDues, payments: dict, *, current: bool, own_org_id: int | None,
           org_names: dict[int, str]) -> tuple[list[Cell], set[str]]:
    """The twelve cells of one member's year. ``own_org_id`` is the organization whose totals the
    cells count for (None: each cell counts for the organization it belongs to)."""
    path = member.organization.path
    start = data.start(member, as_of, path) if current else None
    this_month = month_start(as_of)
    versions: set[str] = set()
    cells = []
    for number in range(1, 13):
        month = datetime.date(year, number, 1)
        payment = payments.get(month)
        if payment is not None:
            counted = own_org_id is None or payment.organization_id == own_org_id
            elsewhere = "" if payment.organization_id == (own_org_id or payment.organization_id) else \
                org_names.get(payment.organization_id, "")
            cells.append(Cell(month, CellState.PAID, payment.amount_due, payment.amount_paid, payment.extra,
                              payment.paid_on, payment.pk, elsewhere, payment.relief_id is not None,
                              counted=counted))
            if payment.rule_version:
                versions.add(payment.rule_version)
            continue
        if not current or start is None or month < start:
            cells.append(Cell(month, CellState.NONE, counted=False))
            continue
        if month > this_month:
            cells.append(Cell(month, CellState.FUTURE, counted=False))
            continue
        due = data.due(member, month, path)
        if due.rule_version:
            versions.add(due.rule_version)
        if due.relief is not None and due.relief.kind == ReliefKind.EXEMPTION:
            cells.append(Cell(month, CellState.EXEMPT, ZERO, relief=True))
            continue
        state = CellState.DUE if month == this_month else CellState.OWED
        cells.append(Cell(month, state, due.amount, relief=due.relief is not None, problem=due.problem))
    return cells, versions


# What the ledgers read of each payment (as light named tuples, not model instances).
PAYMENT_FIELDS = ("pk", "member_id", "organization_id", "month", "amount_due", "amount_paid", "extra", "paid_on",
                  "relief_id", "rule_version")


def _payments_by_member(payments) -> dict[int, dict[datetime.date, DuesPayment]]:
    by_member: dict[int, dict] = defaultdict(dict)
    for p in payments:
        by_member[p.member_id][p.month] = p
    return by_member


def _total_row(row: LedgerRow) -> LedgerRow:
    for cell in row.cells:
        if not cell.counted:
            continue
        if cell.due is not None and cell.state in (CellState.PAID, CellState.OWED, CellState.DUE):
            row.due += cell.due
        elif cell.due is None and cell.state in (CellState.OWED, CellState.DUE):
            row.undeclared += 1
        if cell.state == CellState.PAID:
            row.paid += cell.paid
            row.extra += cell.extra
    return row


def branch_ledger(organization: Organization, year: int, *, as_of: datetime.date | None = None) -> Ledger:
    """The dues ledger of one organization's own members for ``year``: every member on its roll,
    and those who have left but paid here that year; each month due, paid, date; totals.

    Totals count what this organization collected and what its current members owe; a month a
    member paid elsewhere (before moving here) is shown but counted where it was paid.
    """
    as_of = as_of or timezone.localdate()
    rules = DuesRules()
    members = Member.objects.filter(organization=organization, status__in=ON_ROLL)
    rows_members = _members_with_last_paid(members, as_of)
    year_payments = DuesPayment.objects.filter(month__year=year).order_by().values_list(*PAYMENT_FIELDS, named=True)
    current_ids = {m.pk for m in rows_members}
    # The ids as a list, not a subquery: PostgreSQL then combines two index scans for the OR.
    payments = list(year_payments.filter(Q(member__in=sorted(current_ids)) | Q(organization=organization)))
    former_ids = {p.member_id for p in payments} - current_ids
    former = list(Member.objects.filter(pk__in=former_ids).without_protected().select_related("organization")) \
        if former_ids else []
    data = MemberDues(members, rules=rules)
    limits = thresholds(rules, as_of, organization.path)
    by_member = _payments_by_member(payments)
    other_orgs = {p.organization_id for p in payments} - {organization.pk}
    names = dict(Organization.objects.filter(pk__in=other_orgs).values_list("pk", "name")) if other_orgs else {}
    versions: set[str] = set()
    rows = []
    for member in rows_members:
        cells, used = _cells(member, year, as_of, data, by_member.get(member.pk, {}), current=True,
                             own_org_id=organization.pk, org_names=names)
        versions |= used
        declaration = data.declaration(member.pk, month_start(min(as_of, datetime.date(year, 12, 31))))
        rows.append(_total_row(LedgerRow(
            member, cells, _standing(member, data, member.last_paid, as_of, limits), True,
            declaration.basis if declaration else default_basis(member.category),
            declaration.base if declaration else ZERO)))
    for member in former:
        mine = {m: p for m, p in by_member.get(member.pk, {}).items() if p.organization_id == organization.pk}
        cells, used = _cells(member, year, as_of, data, mine, current=False, own_org_id=organization.pk,
                             org_names=names)
        versions |= used
        rows.append(_total_row(LedgerRow(member, cells, None, False)))
    months = [datetime.date(year, n, 1) for n in range(1, 13)]
    month_totals = []
    for index, month in enumerate(months):
        cells = [r.cells[index] for r in rows if r.cells[index].counted]
        month_totals.append({
            "month": month,
            "due": sum((c.due for c in cells if c.due is not None and c.state != CellState.EXEMPT), ZERO),
            "paid": sum((c.paid for c in cells if c.state == CellState.PAID), ZERO),
            "extra": sum((c.extra for c in cells if c.state == CellState.PAID), ZERO),
            "paid_count": sum(1 for c in cells if c.state == CellState.PAID),
            "owed_count": sum(1 for c in cells if c.state in (CellState.OWED, CellState.DUE)),
        })
    return Ledger(organization, year, as_of, rows, months, month_totals,
                  due=sum((r.due for r in rows), ZERO), paid=sum((r.paid for r in rows), ZERO),
                  extra=sum((r.extra for r in rows), ZERO), limits=limits, rule_versions=sorted(versions))


@dataclass
class OrgDues:
    """One organization's line in the subtree ledger."""

    organization: Organization
    members: int = 0
    due: Decimal = ZERO
    paid: Decimal = ZERO
    extra: Decimal = ZERO
    paid_this_month: int = 0
    warn: int = 0
    serious: int = 0
    undeclared: int = 0

    @property
    def rate(self):
        return _rate(self.paid, self.due)

    @property
    def three_plus(self) -> int:
        return self.warn + self.serious

    @property
    def month_rate(self):
        return _rate(Decimal(self.paid_this_month), Decimal(self.members)) if self.members else None

    def add(self, other: OrgDues) -> None:
        for name in ("members", "due", "paid", "extra", "paid_this_month", "warn", "serious", "undeclared"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class SubtreeLedger:
    root: Organization
    year: int
    as_of: datetime.date
    rows: list[OrgDues]
    total: OrgDues
    limits: Thresholds


@dataclass
class _OnRoll:
    """What the subtree ledger reads of a member on the roll (not a model instance)."""

    pk: int
    organization: Organization
    status: str
    category: str
    joined_on: datetime.date


def _month_bits(year: int) -> Sum:
    """The months of ``year`` a member paid for, as a bit mask (bit 0: January); a member pays
    for a month at most once."""
    return Sum(Case(*[When(dues_payments__month=datetime.date(year, n, 1), then=Value(1 << (n - 1)))
                      for n in range(1, 13)], default=Value(0)))


def subtree_ledger(root: Organization, year: int, *, as_of: datetime.date | None = None) -> SubtreeLedger:
    """Dues of every organization holding members in ``root``'s subtree for ``year``: members on
    the roll, due, paid, collection rate, members who paid this month, members in arrears 3+ / 5+.

    Each organization's figures are those its own branch ledger shows, so the two always agree.
    Paid months are summed in SQL, by the organization that collected them; members on the roll
    come back one row each (with their last paid month and a bit mask of the months paid this
    year), and only the months they have not paid are computed here (amount due, exemptions).
    """
    as_of = as_of or timezone.localdate()
    rules = DuesRules()
    subtree = root.subtree()
    orgs = {o.pk: o for o in subtree.filter(org_type__in=MEMBER_HOLDING_TYPES).only(
        "pk", "name", "short_name", "path", "depth", "org_type", "status")}
    members = Member.objects.filter(organization__in=subtree.values("pk"), status__in=ON_ROLL)
    this_month = month_start(as_of)
    rows_members = members.order_by().values_list("pk", "organization_id", "status", "category", "joined_on").annotate(
        last_paid=Max("dues_payments__month", filter=Q(dues_payments__paid_on__lte=as_of)),
        paid_mask=_month_bits(year),
        paid_now=Count("dues_payments", filter=Q(dues_payments__month=this_month,
                                                 dues_payments__organization_id=F("organization_id"))),
    )
    data = MemberDues(members, rules=rules)
    limits = thresholds(rules, as_of, root.path)
    lines: dict[int, OrgDues] = {}

    def line(org_id):
        if org_id not in lines:
            lines[org_id] = OrgDues(orgs[org_id])
        return lines[org_id]

    months = [datetime.date(year, n, 1) for n in range(1, 13)]
    outside = []  # members on the roll whose organization holds no members: their payments are not counted
    for pk, org_id, status, category, joined_on, last_paid, paid_mask, paid_now in rows_members:
        if org_id not in orgs:
            outside.append(pk)
            continue
        member = _OnRoll(pk, orgs[org_id], status, category, joined_on)
        entry = line(org_id)
        entry.members += 1
        entry.paid_this_month += bool(paid_now) and this_month.year == year
        start = data.start(member, as_of, member.organization.path)
        owed = _owed_months(start, last_paid, as_of, lambda m, pk=pk: data.exempt(pk, m))  # as _standing
        entry.warn += limits.warn <= owed < limits.serious
        entry.serious += owed >= limits.serious
        if start is None:
            continue
        for number, month in enumerate(months):  # the months not paid, as the ledger's cells
            if paid_mask and paid_mask >> number & 1 or month < start:
                continue
            if month > this_month:
                break
            due = data.due(member, month, member.organization.path)
            if due.relief is not None and due.relief.kind == ReliefKind.EXEMPTION:
                continue
            if due.amount is None:
                entry.undeclared += 1
            else:
                entry.due += due.amount
    paid = DuesPayment.objects.filter(month__year=year, organization__in=list(orgs))
    if outside:
        paid = paid.exclude(member__in=outside)
    for org_id, due, amount, extra in (paid.order_by().values("organization_id")
                                       .annotate(due=Sum("amount_due"), paid=Sum("amount_paid"), extra=Sum("extra"))
                                       .values_list("organization_id", "due", "paid", "extra")):
        target = line(org_id)
        target.due += due
        target.paid += amount
        target.extra += extra
    rows = sorted(lines.values(), key=lambda r: r.organization.path)
    total = OrgDues(root)
    for row in rows:
        total.add(row)
    return SubtreeLedger(root, year, as_of, rows, total, limits)


# ---------------------------------------------------------------------------------------------
# The workbench.


def workbench_items(*, root: Organization, user, today: datetime.date) -> list[dict]:
    """Dues alerts for ``root``'s subtree: members in arrears 3+ and 5+ months, members yet to pay
    this month, reliefs waiting for the user's approval; for an ordinary member, their own arrears.
    A few aggregated lines, in three or four queries."""
    from django.urls import reverse

    view = user_scope(user, "view")
    if not _covers(view, root):
        return _own_items(view, root, today)
    members = Member.objects.filter(status__in=ON_ROLL, organization__path__startswith=root.path)
    rules = DuesRules()
    limits = thresholds(rules, today, root.path)
    warn, serious, unpaid = _arrears_counts(members, rules, limits, today, root.path)
    this_month = month_start(today)
    url = reverse("dues:ledger") + f"?org={root.pk}&year={today.year}"
    overview = url if root.org_type in BRANCH_TYPES else reverse("dues:overview") + f"?org={root.pk}&year={today.year}"
    items = []
    name = root.display_name
    if serious:
        items.append({"kind": "alert", "label": _("Dues arrears"), "overdue": True, "when": None, "url": overview,
                      "text": ngettext(
                          "%(org)s: %(n)d member has not paid dues for %(m)d months or more (%(left)d months counts "
                          "as leaving the Party)",
                          "%(org)s: %(n)d members have not paid dues for %(m)d months or more (%(left)d months count "
                          "as leaving the Party)", serious)
                      % {"org": name, "n": serious, "m": limits.serious, "left": limits.left}})
    if warn:
        items.append({"kind": "alert", "label": _("Dues arrears"), "overdue": False, "when": None, "url": overview,
                      "text": ngettext("%(org)s: %(n)d member has not paid dues for %(m)d months or more",
                                       "%(org)s: %(n)d members have not paid dues for %(m)d months or more", warn)
                      % {"org": name, "n": warn, "m": limits.warn}})
    if unpaid:
        end = add_months(this_month, 1) - datetime.timedelta(days=1)
        collect = reverse("dues:collect") + f"?org={root.pk}&month={this_month:%Y-%m}"
        items.append({"kind": "alert", "label": _("Dues this month"), "overdue": False, "when": end,
                      "url": collect if root.org_type in MEMBER_HOLDING_TYPES else url,
                      "text": ngettext("%(org)s: %(n)d member has not paid this month's dues yet",
                                       "%(org)s: %(n)d members have not paid this month's dues yet", unpaid)
                      % {"org": name, "n": unpaid}})
    items += _relief_items(user, root, rules.value("dues.relief.approver_types", today, root.path, ()))
    return items


def _arrears_counts(members, rules: DuesRules, limits: Thresholds, today: datetime.date, path: str):
    """How many of ``members`` owe ``limits.warn``–``limits.serious - 1`` months, ``limits.serious`` or
    more, and have not paid the month under way: counted in SQL (one row back whatever the number
    of members); members with an approved exemption are counted one by one (they are few)."""
    from django.db.models import Exists, OuterRef

    this_month = month_start(today)
    last = add_months(this_month, -1)  # the last month that has ended
    start = rules.value("dues.collection_start", today, path)
    start = month_start(datetime.date.fromisoformat(str(start)[:10])) if start else None
    exempt = defaultdict(list)
    for member_id, begin, end in DuesRelief.objects.filter(
            status=ReliefStatus.APPROVED, kind=ReliefKind.EXEMPTION, member__in=members.values("pk"),
            to_month__gte=add_months(last, -24)).values_list("member_id", "from_month", "to_month"):
        exempt[member_id].append((begin, end))
    payments = DuesPayment.objects.filter(member=OuterRef("pk"))

    def owing(n):
        """Owing at least ``n`` ended months: started owing by then, and nothing paid since."""
        cutoff = add_months(last, -n)  # the last paid month must be on or before it
        if start is None or start > add_months(cutoff, 1):
            return Q(pk__in=[])
        return Q(joined_on__lt=add_months(cutoff, 2)) & ~Exists(payments.filter(month__gt=cutoff, paid_on__lte=today))

    counts = members.exclude(pk__in=list(exempt)).aggregate(
        three=Count("pk", filter=owing(limits.warn)), five=Count("pk", filter=owing(limits.serious)),
        unpaid=Count("pk", filter=Q(joined_on__lt=add_months(this_month, 1)) & ~Exists(payments.filter(month=this_month)))
        if start is not None and start <= this_month else Count("pk", filter=Q(pk__in=[])),
    )
    warn, serious, unpaid = counts["three"] - counts["five"], counts["five"], counts["unpaid"]
    if exempt:
        for member_id, joined_on, last_paid, paid_now in members.filter(pk__in=list(exempt)).annotate(
                last_paid=Max("dues_payments__month", filter=Q(dues_payments__paid_on__lte=today)),
                paid_now=Count("dues_payments", filter=Q(dues_payments__month=this_month)),
        ).values_list("pk", "joined_on", "last_paid", "paid_now"):
            spans = exempt[member_id]
            first = max(month_start(joined_on), start) if start else None
            months = _owed_months(first, last_paid, today, lambda m, spans=spans: any(a <= m <= b for a, b in spans))
            serious += months >= limits.serious
            warn += limits.warn <= months < limits.serious
            unpaid += (not paid_now and first is not None and first <= this_month
                       and not any(a <= this_month <= b for a, b in spans))
    return warn, serious, unpaid


def _relief_items(user, root, approver_types) -> list[dict]:
    """Relief requests below ``root`` waiting for approval, if the user may approve them there."""
    from django.urls import reverse

    if root.org_type not in approver_types or not oversees(user, root, "change"):
        return []
    pending = DuesRelief.objects.filter(status=ReliefStatus.PENDING, organization__path__startswith=root.path,
                                        organization__depth__gt=root.depth).count()
    if not pending:
        return []
    return [{"kind": "alert", "label": _("To approve"), "overdue": False, "when": None,
             "url": reverse("dues:reliefs") + f"?org={root.pk}",
             "text": ngettext("%(n)d dues relief request waits for approval",
                              "%(n)d dues relief requests wait for approval", pending) % {"n": pending}}]


def _own_items(view, root, today) -> list[dict]:
    """An ordinary member's own line: months of dues owed."""
    from django.urls import reverse

    if not view.member_id or root.pk not in view.own_org_ids:
        return []
    member = Member.objects.without_protected().select_related("organization").filter(pk=view.member_id).first()
    if member is None or member.status not in ON_ROLL:
        return []
    standing = arrears(member, today)
    if not standing.months:
        return []
    return [{"kind": "alert", "label": _("Dues"), "overdue": bool(standing.level), "when": None,
             "url": reverse("dues:member", args=[member.pk]),
             "text": ngettext("You have not paid dues for %(n)d month", "You have not paid dues for %(n)d months",
                              standing.months) % {"n": standing.months}}]
