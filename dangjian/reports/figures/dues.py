"""Figures of membership dues (党费): collected in the year to the day, members who paid the day's
month, members paid up and in arrears on the day, reliefs in force.

Everything is one grouped query or a count over the records, so that a whole city is counted in
seconds: payments recorded by the subtree's organizations and paid on or before the day; members on
the roll on the day (membership periods) with the last month they had paid by the day. A member's
ended months owed run from the latest of the month dues start (the joining month, not before the rule
pack's ``dues.collection_start``), the month after the last month paid and the month after an approved
exemption ended, to the month before the day's month; members exempted in the day's month owe
nothing. This reads an exemption in the middle of unpaid months more kindly than the dues ledger does
(which skips each exempted month); the dues pages show the ledger month by month. Money is in yuan, as
strings of Decimals.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext_lazy as _

from dangjian.core.dates import add_months, month_start
from dangjian.core.numbers import percent
from dangjian.dues.choices import ReliefKind, ReliefStatus
from dangjian.dues.models import DuesPayment, DuesRelief

from .base import Figure, Scope, Section, as_money, as_text
from .links import with_params
from .members import on_roll

ZERO = Decimal(0)




def collected(scope: Scope) -> dict:
    """Payments collected by the subtree's organizations for the months of the year, paid on or
    before the day, and the payments of the day's month among them (one query)."""
    by_then = Q(paid_on__lte=scope.on)
    return DuesPayment.objects.filter(scope.org_q(), month__year=scope.year).aggregate(
        paid=Sum("amount_paid", filter=by_then), extra=Sum("extra", filter=by_then),
        this_month=Count("id", filter=by_then & Q(month=month_start(scope.on))),
    )


def _reliefs_in_force(scope: Scope):
    this_month = month_start(scope.on)
    return DuesRelief.objects.filter(status=ReliefStatus.APPROVED, reviewed_on__lte=scope.on,
                                     from_month__lte=this_month, to_month__gte=this_month)


def reliefs(scope: Scope) -> dict:
    """Members on the roll on the day whose dues for the day's month were exempted or reduced by a
    relief approved on or before the day (one query)."""
    counts = dict(
        _reliefs_in_force(scope).filter(member__in=on_roll(scope).values("member"))
        .order_by().values_list("kind").annotate(n=Count("member", distinct=True))
    )
    return {code: counts.get(code, 0) for code in ReliefKind.values}


def owing(scope: Scope, *thresholds: int) -> list[int]:
    """For each number of months in ``thresholds``: the members on the roll on the day, not exempted
    in the day's month, who owe at least that many ended months (see the module's note). One grouped
    query: each member's joining day, last month paid and end of exemption, counted under each
    threshold."""
    this_month = month_start(scope.on)
    start = scope.rule_or("dues.collection_start", None)
    start = month_start(datetime.date.fromisoformat(str(start)[:10])) if start else None
    exempt_now = _reliefs_in_force(scope).filter(kind=ReliefKind.EXEMPTION).values("member")
    members = (
        on_roll(scope).exclude(member__in=exempt_now).values("member").annotate(
            joined=Max("member__joined_on"),
            last_paid=Max("member__dues_payments__month", filter=Q(member__dues_payments__paid_on__lte=scope.on)),
            exempt_to=Max("member__dues_reliefs__to_month", filter=Q(
                member__dues_reliefs__status=ReliefStatus.APPROVED, member__dues_reliefs__reviewed_on__lte=scope.on,
                member__dues_reliefs__kind=ReliefKind.EXEMPTION)),
        )
    )
    counts = {}
    for months in thresholds:
        latest_begin = add_months(this_month, -months)  # owing ``months`` ⟺ owing since this month or before
        if start and start > latest_begin:
            continue  # the collection had not begun so long ago
        before = add_months(latest_begin, -1)
        counts[f"m{months}"] = Count("member", filter=Q(joined__lt=add_months(latest_begin, 1))
                                     & (Q(last_paid__isnull=True) | Q(last_paid__lte=before))
                                     & (Q(exempt_to__isnull=True) | Q(exempt_to__lte=before)))
    answer = members.aggregate(**counts) if counts else {}
    return [answer.get(f"m{months}") or 0 for months in thresholds]


def compute(scope: Scope) -> dict:
    paid = collected(scope)
    by_relief = reliefs(scope)
    members = on_roll(scope).count()
    warn_from = int(scope.rule_or("dues.arrears_warn_months", 3))
    serious_from = int(scope.rule_or("dues.arrears_serious_months", 5))
    owing_one, warn, serious = owing(scope, 1, warn_from, serious_from)
    liable = members - by_relief[ReliefKind.EXEMPTION]
    paid_up = liable - owing_one
    return {
        "members": members,
        "collected": as_money(paid["paid"]),
        "extra": as_money(paid["extra"]),
        "paid_this_month": paid["this_month"],
        "paid_up": paid_up,
        "paid_up_rate": as_text(percent(paid_up, liable)),
        "in_arrears": warn,
        "arrears": {"warn": warn - serious, "serious": serious},
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
        Figure("members", _("Members on the roll"),
               _("Members on the roll of the subtree on the day: those the dues are counted for."),
               _("Membership periods."), records=_overview),
        Figure("collected", _("Dues collected this year"),
               _("Amounts paid for the months of the year to the subtree's organizations, paid on or before the "
                 "day (voluntary extra payments apart)."), _("Dues payments."), unit="yuan", records=_overview),
        Figure("extra", _("Voluntary extra payments"),
               _("Voluntary payments on top of the dues for the months of the year, paid on or before the day."),
               _("Dues payments."), unit="yuan", records=_overview),
        Figure("paid_this_month", _("Payments for this month"),
               _("Payments for the day's month recorded by the subtree's organizations and paid on or before the "
                 "day."), _("Dues payments."), records=_overview),
        Figure("paid_up", _("Members paid up"),
               _("Members on the roll, not exempted in the day's month, who owe no ended month on the day."),
               _("Dues payments, reliefs, membership periods."), records=_overview),
        Figure("paid_up_rate", _("Paid-up rate"),
               _("Members paid up as a share of the members on the roll not exempted in the day's month."),
               _("Dues payments, reliefs, membership periods."), unit="percent", records=_overview),
        Figure("in_arrears", _("Members in arrears"),
               _("Members on the roll who on the day owe dues for at least as many ended months as the rule pack's "
                 "warning threshold (3)."), _("Dues payments, reliefs, rule packs."), records=_overview),
        Figure("arrears", _("Arrears by severity"),
               _("The same members: owing from the warning threshold (3 months) up to the serious one, or the "
                 "serious threshold (5 months) and more."), _("Dues payments, reliefs, rule packs."),
               keys=lambda: {"warn": _("3 months or more"), "serious": _("5 months or more")}, records=_overview),
        Figure("exempt", _("Members exempted from dues"),
               _("Members on the roll on the day whose dues for the day's month are exempted by a relief approved "
                 "on or before the day."), _("Dues reliefs."), records=_reliefs),
        Figure("reliefs", _("Reliefs in force"),
               _("Members on the roll on the day with an approved exemption or reduction covering the day's month."),
               _("Dues reliefs."), keys=lambda: dict(ReliefKind.choices), records=_reliefs),
    ],
)
