"""Figures of membership dues (党费): due and collected in the year to the day, the collection rate,
members who paid the day's month, members in arrears, reliefs in force.

What is due and the arrears come from the dues app's subtree ledger as of the day (the same figures
as the dues overview: members on the roll of the subtree's organizations as recorded now, amounts
from the declarations, rule packs and approved reliefs). What was collected is summed here from the
payments recorded by the subtree's organizations for the months of the year and paid on or before
the day, so that a past day does not count later payments. Money is in yuan, as strings of Decimals.
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from dangjian.core.dates import month_start
from dangjian.core.numbers import CENT, percent
from dangjian.dues.choices import ReliefKind, ReliefStatus
from dangjian.dues.models import DuesPayment, DuesRelief
from dangjian.dues.selectors import subtree_ledger

from .base import Figure, Scope, Section
from .links import with_params
from .members import on_roll

ZERO = Decimal(0)


def _money(value) -> str:
    return str((value or ZERO).quantize(CENT))


def _str(value):
    return None if value is None else str(value)


def collected(scope: Scope) -> dict:
    """Payments collected by the subtree's organizations for the months of the year, paid on or
    before the day; the members who had paid the day's month by the day; and what was due for the
    months after the day's month paid only after the day (which the ledger counts as due, having
    been paid since). One query."""
    this_month = month_start(scope.on)
    by_then = Q(paid_on__lte=scope.on)
    return DuesPayment.objects.filter(scope.org_q(), month__year=scope.year).aggregate(
        paid=Sum("amount_paid", filter=by_then), extra=Sum("extra", filter=by_then),
        this_month=Count("id", filter=by_then & Q(month=this_month)),
        ahead_due=Sum("amount_due", filter=Q(month__gt=this_month, paid_on__gt=scope.on)),
    )


def reliefs(scope: Scope) -> dict:
    """Members on the roll on the day whose dues for the day's month were exempted or reduced by a
    relief approved on or before the day (one query)."""
    this_month = month_start(scope.on)
    counts = dict(
        DuesRelief.objects.filter(status=ReliefStatus.APPROVED, reviewed_on__lte=scope.on, from_month__lte=this_month,
                                  to_month__gte=this_month, member__in=on_roll(scope).values("member"))
        .order_by().values_list("kind").annotate(n=Count("member", distinct=True))
    )
    return {code: counts.get(code, 0) for code in ReliefKind.values}


def compute(scope: Scope) -> dict:
    ledger = subtree_ledger(scope.root, scope.year, as_of=scope.on).total
    paid = collected(scope)
    by_relief = reliefs(scope)
    due = ledger.due - (paid["ahead_due"] or ZERO)
    return {
        "members": ledger.members,
        "due": _money(due),
        "collected": _money(paid["paid"]),
        "extra": _money(paid["extra"]),
        "collection_rate": _str(percent(paid["paid"] or 0, due)),
        "paid_this_month": paid["this_month"],
        "in_arrears": ledger.warn + ledger.serious,
        "arrears": {"warn": ledger.warn, "serious": ledger.serious},
        "undeclared_months": ledger.undeclared,
        "exempt": by_relief[ReliefKind.EXEMPTION],
        "reliefs": by_relief,
    }


def _overview(scope: Scope, key: str = "") -> str:
    return with_params("dues:overview", org=scope.root.pk, year=scope.year)


def _reliefs(scope: Scope, key: str = "") -> str:
    return with_params("dues:reliefs", org=scope.root.pk, status=ReliefStatus.APPROVED)


SECTION = Section(
    code="dues",
    label=_("Membership dues"),
    compute=compute,
    figures=[
        Figure("members", _("Members paying dues"),
               _("Members on the roll of the subtree's organizations that hold members, as recorded now (the dues "
                 "overview's roll)."), _("Member records."), records=_overview),
        Figure("due", _("Dues due this year"),
               _("What was due for the months of the year up to the day's month: the amounts of the payments "
                 "recorded for them, and for the months not paid the amount computed from the declared base, the "
                 "rule pack and approved reliefs (exempted months count nothing)."),
               _("Dues payments, declarations, reliefs, rule packs."), unit="yuan", records=_overview),
        Figure("collected", _("Dues collected this year"),
               _("Amounts paid for the months of the year to the subtree's organizations, paid on or before the "
                 "day (voluntary extra payments apart)."), _("Dues payments."), unit="yuan", records=_overview),
        Figure("extra", _("Voluntary extra payments"),
               _("Voluntary payments on top of the dues for the months of the year, paid on or before the day."),
               _("Dues payments."), unit="yuan", records=_overview),
        Figure("collection_rate", _("Dues collection rate"),
               _("Dues collected as a share of the dues due."), _("Dues payments, declarations."), unit="percent",
               records=_overview),
        Figure("paid_this_month", _("Members who paid this month"),
               _("Payments for the day's month recorded by the subtree's organizations and paid on or before the "
                 "day."), _("Dues payments."), records=_overview),
        Figure("in_arrears", _("Members in arrears"),
               _("Members on the roll who on the day owed dues for at least as many ended months as the rule pack's "
                 "warning threshold (3), not counting exempted months."), _("Dues payments, reliefs, rule packs."),
               records=_overview),
        Figure("arrears", _("Arrears by severity"),
               _("The same members: owing from the warning threshold (3 months) up to the serious one, or the "
                 "serious threshold (5 months) and more."), _("Dues payments, reliefs, rule packs."),
               keys=lambda: {"warn": _("3 months or more"), "serious": _("5 months or more")}, records=_overview),
        Figure("undeclared_months", _("Months without a declared base"),
               _("Member-months of the year up to the day's month, not paid, whose dues cannot be computed because "
                 "no monthly base is declared."), _("Declarations."), records=_overview),
        Figure("exempt", _("Members exempted from dues"),
               _("Members on the roll on the day whose dues for the day's month are exempted by a relief approved "
                 "on or before the day."), _("Dues reliefs."), records=_reliefs),
        Figure("reliefs", _("Reliefs in force"),
               _("Members on the roll on the day with an approved exemption or reduction covering the day's month."),
               _("Dues reliefs."), keys=lambda: dict(ReliefKind.choices), records=_reliefs),
    ],
)
