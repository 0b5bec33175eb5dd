"""Objects of the pairings app for tests and the authorization matrix, in 滨河社区党委's subtree."""
import datetime
from decimal import Decimal

from django.utils import timezone

from dangjian.grid.models import Household
from dangjian.organizations.models import Organization

from ..choices import EntryDirection, FundKind
from ..services import fund_create, fund_entry_add, pairing_create


def tagged_household():
    return (Household.objects.filter(building__grid__code="JB0101", active=True).exclude(tags="")
            .order_by("pk").first())


def branch_member(branch, *, with_user=False):
    return (branch.members.on_roll().without_protected().filter(user__isnull=not with_user)
            .order_by("pk").first())


def matrix_samples(personas, branch):
    """A pairing of a branch member (no account) with a tagged household, and a fund of the branch
    with one income."""
    pairing = pairing_create(actor=None, organization=branch, member=branch_member(branch),
                             household=tagged_household(), started_on=timezone.localdate() - datetime.timedelta(days=30),
                             goals="每周电话问候")
    fund = fund_create(actor=None, organization=branch, kind=FundKind.MUTUAL_AID, name="矩阵互助金")
    fund_entry_add(actor=None, fund=fund, direction=EntryDirection.INCOME, entry_date=timezone.localdate(),
                   amount=Decimal("100.00"), counterparty="捐款", approved_by="支部")
    return {"pairing": pairing, "fund": fund}


def community():
    return Organization.objects.get(name="滨河社区党委")
