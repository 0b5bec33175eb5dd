"""Arrears (flags at 3 and 5 months), reliefs that stop them, and paid-up-to with gaps."""
import datetime
from decimal import Decimal

import pytest

from dangjian.dues.choices import ReliefKind, ReliefStatus
from dangjian.dues.selectors import arrears, paid_up_to
from dangjian.dues.services import relief_approve, relief_request
from dangjian.members.choices import MemberStatus

from .conftest import declare, month, pay

NOV_22 = datetime.date(2026, 11, 22)


@pytest.fixture
def payer(members, branch):
    """A wage earner who paid January to July 2026."""
    member = members[0]
    declare(member)
    for n in range(1, 8):
        pay(branch, [member], month(n))
    return member


def test_flags_at_three_and_five_months(payer):
    # August, September, October ended unpaid; November is under way (due, not owed).
    standing = arrears(payer, NOV_22)
    assert (standing.last_paid, standing.months, standing.level) == (month(7), 3, "warn")
    assert standing.rule_version == "national-dues 2008.1"
    assert arrears(payer, datetime.date(2026, 10, 31)).months == 2
    assert arrears(payer, datetime.date(2026, 10, 31)).level == ""
    assert arrears(payer, datetime.date(2026, 12, 1)).level == "warn"  # 4 months
    standing = arrears(payer, datetime.date(2027, 1, 1))
    assert (standing.months, standing.level) == (5, "serious")


def test_arrears_count_from_the_platform_start_or_joining(members, branch):
    never = members[1]
    declare(never)
    assert arrears(never, NOV_22).months == 10  # January to October 2026 (collection_start)
    never.joined_on = datetime.date(2026, 9, 15)
    never.save(update_fields=["joined_on"])
    assert arrears(never, NOV_22).months == 2  # September and October


def test_a_payment_after_a_gap_resets_the_run(payer, branch):
    pay(branch, [payer], month(10))
    standing = arrears(payer, NOV_22)
    assert (standing.months, standing.level) == (0, "")
    assert paid_up_to(payer) == month(7)  # August and September are still a gap


def test_probationary_members_owe_too_and_those_off_the_roll_do_not(payer):
    payer.status = MemberStatus.PROBATIONARY
    payer.save(update_fields=["status"])
    assert arrears(payer, NOV_22).months == 3
    payer.status = MemberStatus.DIED
    payer.save(update_fields=["status"])
    assert arrears(payer, NOV_22).months == 0


def test_an_approved_exemption_stops_arrears_a_pending_one_does_not(payer, org):
    relief = relief_request(actor=None, member=payer, kind=ReliefKind.EXEMPTION, from_month=month(8),
                            to_month=month(12), reason="重病住院，家庭困难", decided_on=datetime.date(2026, 8, 5))
    assert relief.status == ReliefStatus.PENDING
    assert arrears(payer, NOV_22).months == 3
    relief_approve(actor=None, relief=relief, approving_organization=org["community"],
                   approved_on=datetime.date(2026, 8, 12))
    assert arrears(payer, NOV_22).months == 0
    assert paid_up_to(payer) == month(12)  # exempted months count as settled
    standing = arrears(payer, datetime.date(2027, 3, 5))  # January and February 2027 owed again
    assert standing.months == 2


def test_a_reduction_changes_the_amount_but_not_the_arrears(payer, org, branch):
    relief = relief_request(actor=None, member=payer, kind=ReliefKind.REDUCTION, reduced_amount=Decimal("5"),
                            from_month=month(8), to_month=month(9), reason="家庭困难",
                            decided_on=datetime.date(2026, 8, 5))
    relief_approve(actor=None, relief=relief, approving_organization=org["community"])
    assert arrears(payer, NOV_22).months == 3
    [payment] = pay(branch, [payer], month(8))
    assert payment.amount_due == Decimal("5.00") and payment.relief == relief
    [payment] = pay(branch, [payer], month(10))
    assert payment.amount_due == Decimal("40.00") and payment.relief is None


def test_paid_up_to_with_a_gap(members, branch):
    member = members[2]
    declare(member)
    assert paid_up_to(member) is None
    for n in (1, 2, 4, 5):
        pay(branch, [member], month(n))
    assert paid_up_to(member) == month(2)
    pay(branch, [member], month(3))
    assert paid_up_to(member) == month(5)


def test_paid_up_to_when_the_first_months_are_missing(members, branch):
    member = members[3]
    declare(member)
    pay(branch, [member], month(3))
    assert paid_up_to(member) is None  # January and February, owed since the platform's start, are unpaid


def test_subtree_arrears_lists_every_member_on_the_roll(payer, org):
    standings = arrears(org["community"], NOV_22)
    by_member = {s.member.pk: s for s in standings}
    assert by_member[payer.pk].level == "warn"
    assert all(s.member.status in ("full", "probationary", "lost_contact", "suspended") for s in standings)
    assert all(s.member.organization.path.startswith(org["community"].path) for s in standings)
