"""The branch and subtree ledgers: their totals equal the records; the xlsx exports; query counts."""
import datetime
import io
from decimal import Decimal

import pytest
from django.db.models import Sum
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry
from dangjian.dues.choices import CellState, ReliefKind
from dangjian.dues.models import DuesPayment
from dangjian.dues.selectors import branch_ledger, subtree_ledger
from dangjian.dues.services import relief_approve, relief_request
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member
from dangjian.members.services import member_move

from .conftest import declare, month, pay

NOV_22 = datetime.date(2026, 11, 22)


@pytest.fixture
def collected(branch, org):
    """The branch's roll declared (various bases); most paid January to September, a few behind,
    one with an extra; the sibling branch paid too (it must not leak into the branch's figures)."""
    roll = list(Member.objects.filter(organization=branch, status__in=ON_ROLL).without_protected()
                .order_by("-joined_on", "pk"))  # the three who fall behind joined before 2026
    for i, member in enumerate(roll):
        declare(member, base=str(2500 + 900 * i), month=max(month(1), member.joined_on.replace(day=1)))
    for n in range(1, 10):
        payers = [m for m in (roll[:-3] if n > 6 else roll) if m.joined_on.replace(day=1) <= month(n)]
        pay(branch, payers, month(n), extra="50" if n == 7 else "0")
    sibling = list(Member.objects.filter(organization=org["sibling"], status__in=ON_ROLL).without_protected()[:3])
    for member in sibling:
        declare(member)
    pay(org["sibling"], sibling, month(1))
    return roll


def test_branch_ledger_totals_equal_the_records(collected, branch):
    ledger = branch_ledger(branch, 2026, as_of=NOV_22)
    records = DuesPayment.objects.filter(organization=branch, month__year=2026)
    sums = records.aggregate(paid=Sum("amount_paid"), extra=Sum("extra"), due=Sum("amount_due"))
    assert ledger.paid == sums["paid"] and ledger.extra == sums["extra"]
    owed = sum(c.due for r in ledger.rows for c in r.cells if c.state in (CellState.OWED, CellState.DUE))
    assert ledger.due == sums["due"] + owed
    assert sum(t["paid"] for t in ledger.month_totals) == ledger.paid
    assert [t["paid_count"] for t in ledger.month_totals[:9]] == [records.filter(month=month(n)).count()
                                                                  for n in range(1, 10)]
    assert {r.member.pk for r in ledger.rows} == {m.pk for m in collected}
    behind = {r.member.pk: r for r in ledger.rows}
    assert [c.state for c in behind[collected[-1].pk].cells[5:12]] == ["paid", "owed", "owed", "owed", "owed",
                                                                        "due", "future"]
    assert behind[collected[-1].pk].standing.months == 4  # July to October
    assert ledger.warn_count == 3 and ledger.serious_count == 0
    assert ledger.rule_versions == ["national-dues 2008.1"]


def test_subtree_ledger_agrees_with_the_branch_ledgers(collected, branch, org):
    data = subtree_ledger(org["community"], 2026, as_of=NOV_22)
    lines = {r.organization.pk: r for r in data.rows}
    ledger = branch_ledger(branch, 2026, as_of=NOV_22)
    line = lines[branch.pk]
    assert (line.members, line.due, line.paid, line.extra) == (len(collected), ledger.due, ledger.paid, ledger.extra)
    assert line.serious == ledger.serious_count and line.warn == ledger.warn_count
    sibling = branch_ledger(org["sibling"], 2026, as_of=NOV_22)
    assert lines[org["sibling"].pk].paid == sibling.paid == Decimal("120.00")
    assert data.total.paid == DuesPayment.objects.aggregate(s=Sum("amount_paid"))["s"]
    assert line.rate == (ledger.paid / ledger.due * 100).quantize(Decimal("0.1"))


def test_a_member_who_moved_keeps_the_payments_where_they_were_made(collected, branch, org):
    mover = collected[0]
    member_move(actor=None, member=mover, organization=org["sibling"], on=datetime.date(2026, 10, 1))
    ledger = branch_ledger(branch, 2026, as_of=NOV_22)
    row = next(r for r in ledger.rows if r.member.pk == mover.pk)
    assert not row.current and row.paid == sum(p.amount_paid for p in mover.dues_payments.all())
    assert ledger.paid == DuesPayment.objects.filter(organization=branch).aggregate(s=Sum("amount_paid"))["s"]
    there = branch_ledger(org["sibling"], 2026, as_of=NOV_22)
    row = next(r for r in there.rows if r.member.pk == mover.pk)
    paid_there = [c for c in row.cells if c.state == CellState.PAID]
    assert row.current and row.paid == 0 and paid_there
    assert all(c.elsewhere == branch.name and not c.counted for c in paid_there)


def test_exempted_months_are_not_owed(collected, branch, org):
    member = collected[-1]
    relief = relief_request(actor=None, member=member, kind=ReliefKind.EXEMPTION, from_month=month(7),
                            to_month=month(12), reason="重病", decided_on=datetime.date(2026, 7, 2))
    relief_approve(actor=None, relief=relief, approving_organization=org["community"],
                   approved_on=datetime.date(2026, 7, 9))
    row = next(r for r in branch_ledger(branch, 2026, as_of=NOV_22).rows if r.member.pk == member.pk)
    assert [c.state for c in row.cells[6:11]] == ["exempt"] * 5 and row.standing.months == 0


def test_ledger_xlsx_export(collected, branch, client_for):
    client = client_for("branch")
    response = client.get("/dues/ledger/export/", {"org": branch.pk, "year": 2026})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + len(collected) + 1
    names = {r[0] for r in rows[1:-1]}
    assert {m.name for m in collected} <= names
    total = rows[-1]
    ledger = branch_ledger(branch, 2026)
    assert Decimal(str(total[-3])) == ledger.paid  # paid column of the total line
    assert AuditEntry.objects.filter(action="dues.exported", organization=branch).count() == 1


def test_subtree_xlsx_export(collected, org, client_for):
    response = client_for("community").get("/dues/export/", {"org": org["community"].pk, "year": 2026})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert org["branch"].name in {r[0] for r in rows}
    assert AuditEntry.objects.filter(action="dues.exported").exists()
    assert client_for("member").get("/dues/export/").status_code == 403


def test_ledger_pages_have_bounded_query_counts(collected, branch, org, client_for, django_assert_max_num_queries):
    client = client_for("branch")
    with django_assert_max_num_queries(25):
        response = client.get("/dues/ledger/", {"org": branch.pk, "year": 2026})
    assert response.status_code == 200 and collected[0].name in response.content.decode()
    client = client_for("community")
    with django_assert_max_num_queries(25):
        response = client.get("/dues/", {"org": org["community"].pk, "year": 2026})
    assert response.status_code == 200 and branch.display_name in response.content.decode()
    with django_assert_max_num_queries(25):
        assert client.get("/dues/collect/", {"org": branch.pk}).status_code == 200
