"""Declaring bases, collecting a month (all or nothing, few queries), corrections and reliefs."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.models import AuditEntry
from dangjian.dues.choices import DuesBasis, ReliefKind, ReliefStatus
from dangjian.dues.models import DuesDeclaration, DuesPayment
from dangjian.dues.services import (
    declaration_create,
    payment_correct,
    payments_record,
    relief_approve,
    relief_reject,
    relief_request,
)
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member

from .conftest import JAN, declare, month, pay


def test_declaring_keeps_a_history_and_corrects_the_same_month(members, personas):
    member = members[0]
    declaration_create(actor=personas["branch"], member=member, basis=DuesBasis.WAGE, base=Decimal("4200"),
                       effective_from=datetime.date(2026, 3, 17))
    declaration_create(actor=personas["branch"], member=member, basis=DuesBasis.WAGE, base=Decimal("5200"),
                       effective_from=month(7))
    declaration_create(actor=personas["branch"], member=member, basis=DuesBasis.WAGE, base=Decimal("5300"),
                       effective_from=month(7), note="更正")
    rows = list(DuesDeclaration.objects.filter(member=member).order_by("effective_from").values_list(
        "effective_from", "base"))
    assert rows == [(month(3), Decimal("4200.00")), (month(7), Decimal("5300.00"))]
    entry = AuditEntry.objects.filter(action="dues.declared").latest("id")
    assert entry.changes["base"] == ["5200.00", "5300"] and entry.changes["amount"] == "79.50"


@pytest.mark.parametrize(("basis", "base", "field"), [
    (DuesBasis.FARMER, "1.50", "base"), (DuesBasis.WAGE, "-3", "base"), (DuesBasis.WAGE, "0", "base"),
])
def test_declaring_refuses_bad_bases(members, basis, base, field):
    with pytest.raises(ValidationError) as exc:
        declaration_create(actor=None, member=members[0], basis=basis, base=Decimal(base), effective_from=JAN)
    assert field in exc.value.message_dict
    assert not DuesDeclaration.objects.filter(member=members[0]).exists()


def test_fixed_and_farmer_declarations(members, branch):
    declaration_create(actor=None, member=members[0], basis=DuesBasis.FIXED, base=None, effective_from=JAN)
    declaration_create(actor=None, member=members[1], basis=DuesBasis.FARMER, base=Decimal("0.60"), effective_from=JAN)
    rows = pay(branch, members[:2], month(2))
    assert [r.amount_due for r in rows] == [Decimal("0.20"), Decimal("0.60")]
    assert all(r.rule_version == "national-dues 2008.1" for r in rows)


def test_collecting_computes_amounts_and_stores_what_was_used(members, branch, personas):
    declare(members[0], base="3000")
    declare(members[1], base="8000")
    declare(members[2], basis="retired", base="5200")
    rows = payments_record(actor=personas["branch"], organization=branch, month=month(11), entries=[
        {"member": members[0]}, {"member": members[1].pk, "extra": "100", "method": "wechat"},
        {"member": members[2], "amount_paid": "60"},
    ])
    assert [(r.amount_due, r.amount_paid, r.extra) for r in rows] == [
        (Decimal("15.00"), Decimal("15.00"), Decimal("0")), (Decimal("120.00"), Decimal("120.00"), Decimal("100")),
        (Decimal("52.00"), Decimal("60"), Decimal("0"))]
    stored = DuesPayment.objects.get(member=members[2], month=month(11))
    assert (stored.basis, stored.base, stored.organization, stored.recorded_by) == (
        "retired", Decimal("5200.00"), branch, personas["branch"])
    entry = AuditEntry.objects.get(action="dues.collected")
    assert entry.changes["count"] == 3 and entry.changes["extra"] == "100.00"


def test_collecting_is_all_or_nothing_and_lists_every_problem(members, branch, org):
    declare(members[0])
    declare(members[1])
    pay(branch, [members[1]], month(5))
    outsider = Member.objects.filter(organization=org["sibling"], status__in=ON_ROLL).first()
    with pytest.raises(ValidationError) as exc:
        payments_record(actor=None, organization=branch, month=month(5), entries=[
            {"member": members[0]},                          # fine
            {"member": members[1]},                          # already paid for May
            {"member": members[2]},                          # no base declared
            {"member": outsider},                            # another branch's member
            {"member": members[3], "amount_paid": "-1"},     # refused amount (and no base)
        ])
    problems = exc.value.message_dict["entries"]
    assert len(problems) == 4
    assert DuesPayment.objects.filter(month=month(5)).count() == 1  # only the earlier payment


def test_short_payments_and_duplicates_are_refused(members, branch):
    declare(members[0])
    with pytest.raises(ValidationError):
        pay(branch, [members[0]], month(6), amount_paid="39.99")
    with pytest.raises(ValidationError):
        payments_record(actor=None, organization=branch, month=month(6), entries=[{"member": members[0]}] * 2)
    with pytest.raises(ValidationError):
        pay(branch, [members[0]], month(6), paid_on=datetime.date(2099, 1, 1))
    assert not DuesPayment.objects.exists()


def test_collecting_many_members_costs_a_few_queries(branch, django_assert_max_num_queries):
    roll = list(Member.objects.filter(organization=branch, status__in=ON_ROLL).without_protected())
    for member in roll:
        declare(member, base="6000")
    with django_assert_max_num_queries(12):
        rows = pay(branch, roll, month(9))
    assert len(rows) == len(roll) >= 10


def test_correcting_a_payment(members, branch, personas):
    declare(members[0])
    [payment] = pay(branch, [members[0]], month(4))
    with pytest.raises(ValidationError) as exc:
        payment_correct(actor=personas["branch"], payment=payment, reason="录错", amount_paid=Decimal("10"))
    assert "amount_paid" in exc.value.message_dict
    with pytest.raises(ValidationError):
        payment_correct(actor=personas["branch"], payment=payment, reason="", extra=Decimal("10"))
    payment_correct(actor=personas["branch"], payment=payment, reason="七一补交自愿党费", extra=Decimal("100"),
                    method="alipay")
    payment.refresh_from_db()
    assert (payment.extra, payment.method, payment.amount_due) == (Decimal("100.00"), "alipay", Decimal("40.00"))
    entry = AuditEntry.objects.get(action="dues.corrected")
    assert entry.note == "七一补交自愿党费" and entry.changes["method"] == ["cash", "alipay"]


def test_relief_workflow(members, org, personas):
    member = members[0]
    relief = relief_request(actor=personas["branch"], member=member, kind=ReliefKind.REDUCTION,
                            reduced_amount=Decimal("2"), from_month=month(9), to_month=month(12), reason="下岗，家庭困难",
                            decided_on=datetime.date(2026, 9, 3))
    assert relief.organization == org["branch"] and relief.rule_version == "national-dues 2008.1"
    with pytest.raises(ValidationError):  # overlapping request
        relief_request(actor=None, member=member, kind=ReliefKind.EXEMPTION, from_month=month(12), to_month=month(12),
                       reason="x", decided_on=datetime.date(2026, 9, 3))
    with pytest.raises(ValidationError):  # the branch cannot approve its own
        relief_approve(actor=personas["branch"], relief=relief, approving_organization=org["branch"])
    with pytest.raises(ValidationError):  # nor the sibling branch
        relief_approve(actor=None, relief=relief, approving_organization=org["sibling"])
    with pytest.raises(ValidationError):  # rejecting needs a reason
        relief_reject(actor=None, relief=relief, approving_organization=org["community"], note="")
    relief_approve(actor=personas["community"], relief=relief, approving_organization=org["community"],
                   approved_on=datetime.date(2026, 9, 10), note="同意")
    assert relief.status == ReliefStatus.APPROVED and relief.approving_organization == org["community"]
    with pytest.raises(ValidationError):
        relief_reject(actor=None, relief=relief, approving_organization=org["community"], note="再议")
    actions = list(AuditEntry.objects.filter(action__startswith="dues_relief").values_list("action", flat=True))
    assert sorted(actions) == ["dues_relief.approved", "dues_relief.requested"]


def test_relief_request_checks(members):
    base = {"actor": None, "member": members[0], "decided_on": datetime.date(2026, 9, 1), "reason": "困难"}
    with pytest.raises(ValidationError) as exc:
        relief_request(**base, kind=ReliefKind.REDUCTION, from_month=month(9), to_month=month(10))
    assert "reduced_amount" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        relief_request(**base, kind=ReliefKind.EXEMPTION, from_month=month(10), to_month=month(9))
    assert "to_month" in exc.value.message_dict
