"""Helpers of the dues tests: members of the ``branch`` persona's branch, declarations, payments."""
import datetime
from decimal import Decimal

import pytest

from dangjian.dues.models import DuesDeclaration
from dangjian.dues.services import payments_record
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member

JAN = datetime.date(2026, 1, 1)


@pytest.fixture
def branch(org):
    return org["branch"]


@pytest.fixture
def members(branch, personas):
    """Four members on the branch's roll who joined before 2026, none of them a persona."""
    rows = list(Member.objects.filter(organization=branch, status__in=ON_ROLL, joined_on__lt=JAN, user__isnull=True)
                .without_protected().select_related("organization").order_by("pk")[:4])
    assert len(rows) == 4
    return rows


def declare(member, basis="wage", base="4000", month=JAN):
    return DuesDeclaration.objects.create(member=member, basis=basis, base=Decimal(base), effective_from=month)


def pay(organization, members, month, *, paid_on=None, **extra):
    """Record ``month`` for ``members`` (paid on the 10th of the month unless said)."""
    paid_on = paid_on or month.replace(day=10)
    return payments_record(actor=None, organization=organization, month=month,
                           entries=[{"member": m, "paid_on": paid_on, **extra} for m in members])


def month(n, year=2026):
    return datetime.date(year, n, 1)
