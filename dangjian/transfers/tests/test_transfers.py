"""Transfers through the services: a member is in exactly one branch at every moment, the state
machine, the sides that may act, validity from the rule pack, letters from elsewhere."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core.dates import add_months
from dangjian.core.models import AuditEntry, RulePack
from dangjian.members.choices import MemberStatus
from dangjian.members.models import Member, Membership
from dangjian.organizations.models import Organization
from dangjian.transfers import services
from dangjian.transfers.choices import TransferKind, TransferStatus
from dangjian.transfers.models import Transfer
from dangjian.transfers.selectors import organizations_on

from .conftest import days_around

ID_NUMBER = "110101199003071233"  # a valid GB 11643 number for a man born 1990-03-07


def send(member, personas, *, to=None, on, kind=TransferKind.WITHIN, destination="", actor="branch"):
    return services.transfer_send(actor=personas[actor], member=member, kind=kind, to_organization=to,
                                  destination=destination, reason="employer", dues_paid_until=on, sent_on=on)


def assert_one_branch(member, expected: dict):
    """``expected`` maps each day to the one organization holding the member (None: none, transferred out)."""
    for day, org in expected.items():
        held = organizations_on(member, day)
        if org is None:
            assert held == [], day
        else:
            assert held == [org.pk], day


def test_member_is_in_exactly_one_branch_through_every_kind_of_transfer(personas, org, branch_members, today):
    received, rejected, cancelled, outside = branch_members(4)
    branch, sibling = org["branch"], org["sibling"]
    sent_on, receive_on = today - datetime.timedelta(days=20), today - datetime.timedelta(days=10)

    # Received: the branch keeps the member until the sibling receives; from that day, the sibling.
    transfer = send(received, personas, to=sibling, on=sent_on)
    assert_one_branch(received, {d: branch for d in days_around(sent_on, today)})
    services.transfer_receive(actor=personas["sibling"], transfer=transfer, on=receive_on)
    assert_one_branch(received, {d: branch if d < receive_on else sibling for d in days_around(sent_on, today)})
    received.refresh_from_db()
    assert received.organization == sibling and transfer.status == TransferStatus.RECEIVED

    # Rejected and cancelled: the member never leaves the branch.
    refused = send(rejected, personas, to=sibling, on=sent_on)
    services.transfer_reject(actor=personas["sibling"], transfer=refused, reason="该同志不在本社区居住")
    withdrawn = send(cancelled, personas, to=sibling, on=sent_on)
    services.transfer_cancel(actor=personas["branch"], transfer=withdrawn, reason="单位调动取消")
    for member in (rejected, cancelled):
        assert_one_branch(member, {d: branch for d in days_around(sent_on, today)})
        assert Membership.objects.filter(member=member).count() == 1
    assert (refused.status, withdrawn.status) == (TransferStatus.REJECTED, TransferStatus.CANCELLED)

    # To elsewhere: in the branch until the return slip arrives, then in none and transferred out.
    letter = send(outside, personas, kind=TransferKind.OUTGOING, destination="中共北京市海淀区某街道工委", on=sent_on)
    assert_one_branch(outside, {d: branch for d in days_around(sent_on, today)})
    services.transfer_return_slip(actor=personas["branch"], transfer=letter, returned_on=receive_on)
    assert_one_branch(outside, {d: branch if d < receive_on else None for d in days_around(sent_on, today)})
    outside.refresh_from_db()
    assert outside.status == MemberStatus.TRANSFERRED_OUT and not outside.is_on_roll
    assert letter.status == TransferStatus.RETURNED and letter.returned_on == receive_on

    steps = [(s.from_status, s.to_status, s.side) for s in transfer.steps.all()]
    assert steps == [("", "pending", "sending"), ("pending", "received", "receiving")]
    assert AuditEntry.objects.filter(action="transfer.received", object_id=str(transfer.pk)).count() == 1


def test_each_side_acts_only_for_itself(personas, org, branch_members, today):
    member, = branch_members(1)
    transfer = send(member, personas, to=org["sibling"], on=today)
    with pytest.raises(PermissionDenied):  # the sender cannot receive its own letter
        services.transfer_receive(actor=personas["branch"], transfer=transfer)
    with pytest.raises(PermissionDenied):  # the receiver cannot cancel the sender's letter
        services.transfer_cancel(actor=personas["sibling"], transfer=transfer, reason="不需要")
    with pytest.raises(PermissionDenied):  # a sibling cannot issue letters for the branch's members
        send(member, personas, to=org["town"], on=today, actor="sibling")
    with pytest.raises(ValidationError):  # a letter within the platform has no return slip
        services.transfer_return_slip(actor=personas["branch"], transfer=transfer, returned_on=today)
    services.transfer_receive(actor=personas["sibling"], transfer=transfer)
    with pytest.raises(ValidationError):  # closed transfers stay closed
        services.transfer_cancel(actor=personas["branch"], transfer=transfer, reason="晚了")


def test_send_checks(personas, org, branch_members, today):
    member, other = branch_members(2)
    with pytest.raises(ValidationError) as error:
        send(member, personas, to=org["branch"], on=today)
    assert "to_organization" in error.value.message_dict
    group = Organization.objects.filter(org_type="party_group", path__startswith=org["branch"].path).first()
    with pytest.raises(ValidationError):
        send(member, personas, to=group, on=today)
    with pytest.raises(ValidationError) as error:
        send(member, personas, kind=TransferKind.OUTGOING, on=today)
    assert "destination" in error.value.message_dict
    with pytest.raises(ValidationError):
        send(member, personas, to=org["sibling"], on=today + datetime.timedelta(days=1))
    send(member, personas, to=org["sibling"], on=today)
    with pytest.raises(ValidationError):  # one pending transfer at a time
        send(member, personas, to=org["town"], on=today)
    Member.objects.filter(pk=other.pk).update(status=MemberStatus.LOST_CONTACT)
    other.refresh_from_db()
    with pytest.raises(ValidationError):
        send(other, personas, to=org["sibling"], on=today)


def test_validity_and_letter_numbers_come_from_the_pack(personas, org, branch_members, today):
    first, second, third = branch_members(3)
    sent_on = today - datetime.timedelta(days=5)
    a = send(first, personas, to=org["sibling"], on=sent_on)
    b = send(second, personas, kind=TransferKind.OUTGOING, destination="外省某支部", on=sent_on)
    assert a.valid_until == add_months(sent_on, 3) and a.rule_version == "national-transfers 2018.1"
    code = org["branch"].code
    assert (a.letter_number, b.letter_number) == (f"{code}-{sent_on.year}-001", f"{code}-{sent_on.year}-002")
    # A local pack of the community makes letters valid for 6 months in its subtree.
    RulePack.objects.create(code="test-local-transfers", version="1", title="t", effective_from=datetime.date(2020, 1, 1),
                            organization_code=org["community"].code, data={"transfers": {"validity_months": 6}})
    c = send(third, personas, to=org["town"], on=sent_on)
    assert c.valid_until == add_months(sent_on, 6) and c.rule_version == "test-local-transfers 1"


def test_expired_letter_is_reissued_before_receipt(personas, org, branch_members, today):
    member, = branch_members(1)
    sent_on = today - datetime.timedelta(days=120)
    transfer = send(member, personas, to=org["sibling"], on=sent_on)
    assert transfer.expired(today) and transfer.status == TransferStatus.PENDING  # derived, not stored
    with pytest.raises(ValidationError):
        services.transfer_receive(actor=personas["sibling"], transfer=transfer)
    old_number = transfer.letter_number
    services.transfer_reissue(actor=personas["branch"], transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.letter_number != old_number and transfer.valid_until == add_months(today, 3)
    assert not transfer.expired(today)
    assert old_number in transfer.steps.last().note
    with pytest.raises(ValidationError):  # a valid letter is not re-issued
        services.transfer_reissue(actor=personas["branch"], transfer=transfer)
    services.transfer_receive(actor=personas["sibling"], transfer=transfer)
    assert_one_branch(member, {today - datetime.timedelta(days=1): org["branch"], today: org["sibling"]})


def test_member_moved_meanwhile_cannot_be_received(personas, org, branch_members, today):
    from dangjian.members.services import member_move

    member, = branch_members(1)
    transfer = send(member, personas, to=org["sibling"], on=today - datetime.timedelta(days=3))
    member_move(actor=None, member=member, organization=org["town"], on=today - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.transfer_receive(actor=personas["sibling"], transfer=transfer)
    assert organizations_on(member, today) == [org["town"].pk]


def incoming_data(**extra):
    return {
        "name": "外来党员", "gender": "male", "ethnicity": "01", "birth_date": datetime.date(1990, 3, 7),
        "id_number": ID_NUMBER, "phone": "13800001111", "address": "临江市江滨街道滨河路1号", "education": "undergraduate",
        "joined_on": datetime.date(2015, 6, 1), "full_member_on": datetime.date(2016, 6, 1), "status": "full",
        "category": "employed", "work_unit": "临江某公司", "job": "工程师", **extra,
    }


def test_receive_from_outside_creates_the_member_all_or_nothing(personas, org, today):
    args = {"organization": org["branch"], "letter_number": "京海组转〔2026〕15号", "origin": "中共北京市海淀区某支部",
            "sent_on": today - datetime.timedelta(days=10), "dues_paid_until": datetime.date(2026, 10, 1),
            "received_on": today - datetime.timedelta(days=2)}
    members, transfers = Member.objects.count(), Transfer.objects.count()
    with pytest.raises(ValidationError) as error:
        services.transfer_receive_from_outside(actor=personas["branch"], member_data=incoming_data(
            id_number="110101199003071230"), **args)
    assert "id_number" in error.value.message_dict
    assert (Member.objects.count(), Transfer.objects.count()) == (members, transfers)
    with pytest.raises(PermissionDenied):
        services.transfer_receive_from_outside(actor=personas["sibling"], member_data=incoming_data(), **args)
    with pytest.raises(ValidationError):  # a letter past its validity is refused
        services.transfer_receive_from_outside(actor=personas["branch"], member_data=incoming_data(),
                                               **{**args, "sent_on": today - datetime.timedelta(days=200)})
    transfer = services.transfer_receive_from_outside(actor=personas["branch"], member_data=incoming_data(), **args)
    member = Member.objects.get(pk=transfer.member_id)
    assert member.organization == org["branch"] and member.id_number_masked.endswith("1233")
    assert (transfer.kind, transfer.status, transfer.origin) == ("incoming", "received", args["origin"])
    assert_one_branch(member, {args["received_on"] - datetime.timedelta(days=1): None,
                               args["received_on"]: org["branch"], today: org["branch"]})
    with pytest.raises(ValidationError):  # the same letter cannot be entered twice
        services.transfer_receive_from_outside(actor=personas["branch"], member_data=incoming_data(
            id_number="11010119900307133X", name="另一人"), **args)
