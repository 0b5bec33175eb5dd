"""A step taken on a letter that someone else has just moved on is refused, even when the page
(or thread) still holds the letter as it was: the service reads the status again under a row
lock. Two people acting at the very same moment: tests/test_concurrency.py (PostgreSQL)."""
import pytest
from django.core.exceptions import ValidationError

from dangjian.transfers import services
from dangjian.transfers.models import Transfer, TransferStep


@pytest.fixture
def letter(org, personas, branch_members, today):
    member = branch_members(1)[0]
    return services.transfer_send(actor=personas["branch"], member=member, to_organization=org["sibling"],
                                  reason="employer", dues_paid_until=today, sent_on=today)


@pytest.mark.parametrize("step", ["cancel", "reject"])
def test_a_stale_letter_cannot_be_closed_twice(letter, personas, step):
    stale = Transfer.objects.get(pk=letter.pk)
    services.transfer_receive(actor=personas["sibling"], transfer=Transfer.objects.get(pk=letter.pk))
    with pytest.raises(ValidationError):
        if step == "cancel":
            services.transfer_cancel(actor=personas["branch"], transfer=stale, reason="本人不再调动")
        else:
            services.transfer_reject(actor=personas["sibling"], transfer=stale, reason="材料不全")
    assert Transfer.objects.get(pk=letter.pk).status == "received"
    assert TransferStep.objects.filter(transfer=letter).exclude(to_status="pending").count() == 1
