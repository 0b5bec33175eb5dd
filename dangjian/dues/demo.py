"""Demo dues for the branches of the demo city's first communities: declared bases, this year's
collections, a few members falling behind (3+ and 5+ months), reliefs approved and waiting.

Loaded by ``seed_demo`` after organizational life. Deterministic for a seed; today is the real
date, so the months collected run from the platform's start month to the last month.
"""
import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dangjian.core.dates import add_months, month_start
from dangjian.members.choices import ON_ROLL, Category
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .calculation import default_basis
from .choices import DuesBasis, PaymentMethod, ReliefKind
from .models import DuesDeclaration, DuesPayment
from .selectors import MemberDues
from .services import approver_for, payments_record, relief_approve, relief_request

# Typical regular after-tax monthly pay in the demo city (yuan), by dues basis.
BASES = {
    DuesBasis.WAGE: (2600, 14000),
    DuesBasis.RETIRED: (2200, 7200),
    DuesBasis.ANNUAL_SALARY: (15000, 30000),
    DuesBasis.SELF_EMPLOYED: (2500, 9000),
}
HARDSHIP_REASONS = ["身患重病，长期治疗，家庭收入微薄", "家中遭受火灾，生活困难", "下岗后靠低保维持生活"]
NOTES = ["", "", "", "托人代交", "补交"]


def _base(rng, basis) -> Decimal:
    if basis == DuesBasis.FARMER:
        return rng.choice([Decimal("0.50"), Decimal("1.00")])
    if basis == DuesBasis.FIXED:
        return Decimal("0.00")
    low, high = BASES[basis]
    return Decimal(rng.randrange(low, high, 50))


def build_demo(*, seed: int = 1, communities=("滨河社区党委", "望江社区党委")):
    """Declarations, this year's collections, arrears and reliefs for the named communities' branches."""
    rng = random.Random(seed)
    today = timezone.localdate()
    this_month = month_start(today)
    start = datetime.date(today.year, 1, 1)
    branches = [b for name in communities for b in Organization.objects.get(name=name).subtree()
                .filter(org_type="branch").order_by("path")]
    with transaction.atomic():
        declarations, plans = [], {}
        for branch in branches:
            members = list(Member.objects.filter(organization=branch, status__in=ON_ROLL).without_protected()
                           .order_by("pk"))
            for member in members:
                basis = default_basis(member.category)
                if member.category == Category.EMPLOYED and rng.random() < 0.08:
                    basis = DuesBasis.ANNUAL_SALARY
                first = max(start, month_start(member.joined_on))
                base = _base(rng, basis)
                declarations.append(DuesDeclaration(member=member, basis=basis, base=base, effective_from=first,
                                                    note="年初申报"))
                if basis in BASES and rng.random() < 0.25 and first < datetime.date(today.year, 7, 1):
                    declarations.append(DuesDeclaration(member=member, basis=basis,
                                                        base=(base * Decimal("1.06")).quantize(Decimal("1.00")),
                                                        effective_from=datetime.date(today.year, 7, 1),
                                                        note="调资后重新申报"))
                # How far this member has paid: most up to last month, some behind, some ahead.
                roll = rng.random()
                last = add_months(this_month, -1)
                if roll < 0.06:
                    last = add_months(this_month, -rng.randint(6, 7))  # 5+ months owed
                elif roll < 0.14:
                    last = add_months(this_month, -rng.randint(4, 5))  # 3–4 months owed
                elif roll < 0.45:
                    last = this_month  # already paid this month
                plans[member.pk] = (branch, first, last)
        DuesDeclaration.objects.bulk_create(declarations)
        _reliefs(rng, branches, today)
        _collect(rng, branches, plans, this_month, today)


def _reliefs(rng, branches, today):
    """One approved exemption and one pending reduction in each community's first branch."""
    seen = set()
    for branch in branches:
        parent = branch.path[:-Organization.steplen]
        if parent in seen:
            continue
        seen.add(parent)
        members = list(Member.objects.filter(organization=branch, status__in=ON_ROLL).without_protected()
                       .order_by("-in_hardship", "pk")[:2])
        if len(members) < 2:
            continue
        start = month_start(today.replace(month=max(1, today.month - 4)))
        exempt = relief_request(actor=None, member=members[0], kind=ReliefKind.EXEMPTION, from_month=start,
                                to_month=datetime.date(today.year, 12, 1), reason=rng.choice(HARDSHIP_REASONS),
                                decided_on=start)
        relief_approve(actor=None, relief=exempt, approving_organization=approver_for(exempt),
                       approved_on=start + datetime.timedelta(days=6), note="同意免交")
        relief_request(actor=None, member=members[1], kind=ReliefKind.REDUCTION, reduced_amount=Decimal("2.00"),
                       from_month=month_start(today), to_month=datetime.date(today.year, 12, 1),
                       reason=rng.choice(HARDSHIP_REASONS), decided_on=today)


def _collect(rng, branches, plans, this_month, today):
    """Each branch collects month by month (one bulk record per branch and month)."""
    for branch in branches:
        members = [m for m in Member.objects.filter(organization=branch, status__in=ON_ROLL).without_protected()
                   .order_by("pk")]
        data = MemberDues(members)
        month = datetime.date(today.year, 1, 1)
        while month <= this_month:
            entries = []
            for member in members:
                _branch, first, last = plans[member.pk]
                if not first <= month <= last or data.exempt(member.pk, month):
                    continue
                paid_on = min(today, month + datetime.timedelta(days=rng.randint(4, 24)))
                entry = {"member": member, "paid_on": paid_on,
                         "method": rng.choices(list(PaymentMethod.values), weights=[30, 10, 35, 10, 15])[0],
                         "note": rng.choice(NOTES)}
                if month.month == 7 and rng.random() < 0.1:  # 七一 voluntary extra payments
                    entry["extra"] = Decimal(rng.choice([50, 100, 200]))
                entries.append(entry)
            if entries:
                payments_record(actor=None, organization=branch, month=month, entries=entries)
            month = add_months(month, 1)
    return DuesPayment.objects.count()
