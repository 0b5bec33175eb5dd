"""Reads of pairings and funds: lists in scope, the ledger of a fund's year with running balance."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum

from .choices import EntryDirection
from .models import Fund, FundEntry, Pairing, signed_total


def pairings_for(user):
    """Pairings the user may see, with what lists show (the household without its protected data)."""
    return (Pairing.objects.restrict(user, "view")
            .select_related("organization", "member", "household__building__grid__organization")
            .defer("member__id_number", "member__phone", "member__address", "household__contact_phone")
            .annotate(visit_count=Count("visits"), last_visit=Max("visits__visited_on")))


def funds_for(user):
    """Funds the user may see, with their balance (incomes minus payments)."""
    funds = list(Fund.objects.restrict(user, "view").select_related("organization"))
    totals = {}
    rows = (FundEntry.objects.filter(fund__in=[f.pk for f in funds]).order_by()
            .values_list("fund_id", "direction").annotate(total=Sum("amount")))
    for fund_id, direction, total in rows:
        totals[fund_id] = totals.get(fund_id, Decimal("0")) + (total if direction == EntryDirection.INCOME else -total)
    for fund in funds:
        fund.current_balance = totals.get(fund.pk, Decimal("0"))
    return funds


@dataclass
class LedgerRow:
    entry: FundEntry
    balance: Decimal


@dataclass
class Ledger:
    fund: Fund
    year: int
    opening: Decimal
    rows: list[LedgerRow]
    income: Decimal
    payment: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.income - self.payment


def ledger(fund: Fund, year: int) -> Ledger:
    """The entries of one year in date order, each with the balance after it; the opening balance is
    what the fund held at the end of the year before."""
    opening = signed_total(fund.entries.filter(entry_date__lt=datetime.date(year, 1, 1)))
    entries = (fund.entries.filter(entry_date__year=year).order_by("entry_date", "id")
               .select_related("pairing__member", "household__building"))
    balance, income, payment, rows = opening, Decimal("0"), Decimal("0"), []
    for entry in entries:
        if entry.direction == EntryDirection.INCOME:
            income += entry.amount
        else:
            payment += entry.amount
        balance += entry.signed_amount
        rows.append(LedgerRow(entry, balance))
    return Ledger(fund=fund, year=year, opening=opening, rows=rows, income=income, payment=payment)


def entry_years(fund: Fund, today: datetime.date) -> list[int]:
    years = {d.year for d in fund.entries.dates("entry_date", "year")} | {today.year}
    return sorted(years, reverse=True)


def search(pairings, q: str):
    return pairings.filter(Q(member__name__contains=q) | Q(unit_name__contains=q)
                           | Q(household__building__name__contains=q)) if q else pairings
