"""The dues, recruitment and transfer records the benchmarks add (``bench/records.py``), at a small
size on the test database's demo city."""
import datetime
import io

import pytest

from bench.records import fill_dues, fill_recruitment, fill_transfers
from dangjian.dues.models import DuesDeclaration, DuesPayment
from dangjian.dues.selectors import due_for, subtree_ledger
from dangjian.members.models import Member
from dangjian.recruitment.models import Applicant, RecruitmentStep
from dangjian.recruitment.selectors import timeline
from dangjian.transfers.choices import TransferStatus
from dangjian.transfers.models import Transfer

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def freeze_today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def test_dues_follow_the_rules(db, org):
    DuesPayment.objects.all().delete()
    out = io.StringIO()
    written = fill_dues(root=org["street"], seed=3, stdout=out, today=TODAY)
    assert written == DuesPayment.objects.count() > 0
    assert DuesDeclaration.objects.exists()
    for payment in DuesPayment.objects.select_related("member__organization").order_by("?")[:20]:
        member = Member.objects.select_related("organization").get(pk=payment.member_id)
        assert payment.amount_due == due_for(member, payment.month).amount
        assert payment.organization_id == member.organization_id and payment.paid_on <= TODAY
    ledger = subtree_ledger(org["street"], 2026, as_of=TODAY)
    assert ledger.total.paid > 0 and ledger.total.members > 0


def test_recruitment_files_are_in_order(db, freeze_today):
    before = Applicant.objects.count()
    added = fill_recruitment(seed=3, count=60, stdout=io.StringIO(), today=TODAY)
    assert Applicant.objects.count() == before + added > 0
    for applicant in Applicant.objects.order_by("-pk")[:added]:
        numbers = sorted(RecruitmentStep.objects.filter(applicant=applicant).values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
        rows = timeline(applicant, today=TODAY)
        recorded = [r for r in rows if r.record is not None]
        assert all(r.earliest is None or r.record.done_on >= r.earliest.date for r in recorded)


def test_transfers_in_every_status(db, org):
    added = fill_transfers(root=org["street"], seed=3, count=80, stdout=io.StringIO(), today=TODAY)
    transfers = Transfer.objects.order_by("-pk")[:added]
    assert {t.status for t in transfers} >= {TransferStatus.PENDING, TransferStatus.RECEIVED}
    for transfer in transfers:
        assert transfer.steps.exists()
        if transfer.status == TransferStatus.RECEIVED:
            assert transfer.member.organization_id == transfer.to_organization_id
