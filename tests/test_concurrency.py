"""Two people taking the same step on the same record at the same moment: exactly one succeeds,
the other gets the service's refusal (a ValidationError, shown to them in Chinese), and the log
holds exactly one step. PostgreSQL only: the services serialize on row locks
(``SELECT … FOR UPDATE``), which SQLite does not have (and its in-memory test database is not
shared between the threads' connections).

Covered here: two secretaries receiving the same transfer letter, receiving against cancelling
it, two claimants of one 微心愿, two collectors of the same month's dues. (Two dispatchers on
one resident's request: ``dangjian/grid/tests/test_concurrency.py``.)

As there, each contender runs in its own thread on its own connection, released together by a
barrier; the step that wins holds its lock a little longer (``HOLD``: its audit entry is written
slowly) so that the other surely arrives while it is held. What the contenders need is written
and committed in a thread of its own, and removed again at the end of each test, because a
``transaction=True`` test would flush the demo city the rest of the session relies on.
"""
from __future__ import annotations

import datetime
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from dangjian.core.testing import committed, race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: row locks (SELECT … FOR UPDATE) across connections"),
    pytest.mark.django_db,
]

HOLD = 0.3  # seconds the winner keeps its locks


def one_winner(results):
    """Exactly one call succeeded; the other failed with a ValidationError while the winner held its lock."""
    winners = [r for r in results if not isinstance(r[0], Exception)]
    losers = [r for r in results if isinstance(r[0], Exception)]
    assert len(winners) == 1, [r[0] for r in results]
    for outcome, started, _finished in losers:
        assert isinstance(outcome, ValidationError), repr(outcome)
        assert outcome.messages and all(outcome.messages)
        assert started < winners[0][2], "the contenders did not overlap"
    return winners[0][0]


@pytest.fixture
def slow_audit(monkeypatch):
    """Make the audit entry of each step (written last, inside the locked transaction) take ``HOLD``."""
    from dangjian.dues import services as dues
    from dangjian.transfers import services as transfers
    from dangjian.wishes import services as wishes

    for module in (dues, transfers, wishes):
        original = module.audit_log

        def slow(*args, _original=original, **kwargs):
            time.sleep(HOLD)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, "audit_log", slow)


@pytest.fixture
def people(db):
    from dangjian.accounts.models import User

    return {u.username: u for u in User.objects.filter(
        username__in=["branch", "sibling", "community", "organizer", "member", "resident"])}


@pytest.fixture
def audit_mark(db):
    """Audit entries written by the test are removed at its end (they are committed)."""
    from dangjian.core.models import AuditEntry

    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    committed(lambda: AuditEntry.objects.filter(pk__gt=last).delete())


# ----- transfers -----------------------------------------------------------------------------------

@pytest.fixture
def pending_transfer(org, people, audit_mark):
    """A letter from the branch to its sibling branch for a full member, committed; at the end the
    transfer is removed and the member put back as they were."""
    from dangjian.members.choices import MemberStatus
    from dangjian.members.models import Member, Membership
    from dangjian.transfers import services
    from dangjian.transfers.models import Transfer

    member = (Member.objects.filter(organization=org["branch"], status=MemberStatus.FULL, user__isnull=True,
                                    posts__isnull=True).without_protected().order_by("pk").first())
    before = {"organization_id": member.organization_id, "party_group_id": member.party_group_id}
    open_period = Membership.objects.get(member=member, ended_on__isnull=True)
    last_period = Membership.objects.order_by("-pk").values_list("pk", flat=True).first()
    today = datetime.date.today()
    transfer = committed(services.transfer_send, actor=people["branch"], member=member, to_organization=org["sibling"],
                         reason="employer", dues_paid_until=today, sent_on=today)

    def restore():
        Transfer.objects.filter(pk=transfer.pk).delete()  # its steps cascade
        Membership.objects.filter(member=member, pk__gt=last_period).delete()
        Membership.objects.filter(pk=open_period.pk).update(ended_on=None)
        Member.objects.filter(pk=member.pk).update(**before)

    yield transfer
    committed(restore)


def fresh_transfer(transfer):
    from dangjian.transfers.models import Transfer

    return Transfer.objects.get(pk=transfer.pk)


def test_two_secretaries_receive_the_same_transfer(pending_transfer, people, slow_audit):
    """The receiving branch's secretary and the community's organizer both confirm the letter."""
    from dangjian.members.models import Member, Membership
    from dangjian.transfers import services
    from dangjian.transfers.models import TransferStep

    results = race(
        lambda: services.transfer_receive(actor=people["sibling"], transfer=fresh_transfer(pending_transfer)),
        lambda: services.transfer_receive(actor=people["community"], transfer=fresh_transfer(pending_transfer)),
    )
    winner = one_winner(results)
    assert winner.status == "received"
    assert TransferStep.objects.filter(transfer_id=pending_transfer.pk, to_status="received").count() == 1
    member = Member.objects.without_protected().get(pk=pending_transfer.member_id)
    assert member.organization_id == pending_transfer.to_organization_id
    assert Membership.objects.filter(member=member, ended_on__isnull=True).count() == 1


def test_receiving_against_cancelling(pending_transfer, people, slow_audit):
    """The receiving side confirms while the sending side withdraws the letter: one of them is refused."""
    from dangjian.transfers import services
    from dangjian.transfers.models import TransferStep

    results = race(
        lambda: services.transfer_receive(actor=people["sibling"], transfer=fresh_transfer(pending_transfer)),
        lambda: services.transfer_cancel(actor=people["branch"], transfer=fresh_transfer(pending_transfer),
                                         reason="本人不再调动"),
    )
    winner = one_winner(results)
    assert fresh_transfer(pending_transfer).status == winner.status
    assert TransferStep.objects.filter(transfer_id=pending_transfer.pk).exclude(to_status="pending").count() == 1


# ----- 微心愿 -------------------------------------------------------------------------------------

@pytest.fixture
def published_wish(people, audit_mark):
    from dangjian.grid.models import Building, Grid
    from dangjian.organizations.models import Organization
    from dangjian.wishes.models import Wish
    from dangjian.wishes.services import wish_submit, wish_transition

    def make():
        wish = wish_submit(actor=people["resident"], organization=Organization.objects.get(name="滨河社区党委"),
                           building=Building.objects.filter(grid=Grid.objects.get(code="JB0101")).order_by("pk").first(),
                           text="想要一套课外读物", category="study",
                           expires_on=datetime.date.today() + datetime.timedelta(days=30), surname="王",
                           honorific="ms", contact_phone="13912345678")
        return wish_transition(actor=people["community"], wish=wish, action="publish")

    wish = committed(make)
    yield wish
    committed(lambda: Wish.objects.filter(pk=wish.pk).delete())


def test_two_claimants_of_one_wish(published_wish, people, slow_audit):
    """A Party member claims the wish in person while the secretary records a partner unit's claim."""
    from dangjian.wishes.models import Wish, WishLog
    from dangjian.wishes.services import wish_transition

    results = race(
        lambda: wish_transition(actor=people["member"], wish=Wish.objects.get(pk=published_wish.pk), action="claim"),
        lambda: wish_transition(actor=people["community"], wish=Wish.objects.get(pk=published_wish.pk), action="claim",
                                unit="临江供电所"),
    )
    winner = one_winner(results)
    assert winner.status == "claimed"
    assert WishLog.objects.filter(wish_id=published_wish.pk, action="claim").count() == 1
    wish = Wish.objects.get(pk=published_wish.pk)
    assert (wish.claimed_by_id is None) == bool(wish.claimed_unit)


# ----- dues --------------------------------------------------------------------------------------

@pytest.fixture
def unpaid(org, audit_mark):
    """A member of the branch with a declared base and no payment for this month; the declaration
    and the payments the test records are removed at its end."""
    from decimal import Decimal

    from dangjian.core.dates import month_start
    from dangjian.dues.models import DuesDeclaration, DuesPayment
    from dangjian.members.choices import ON_ROLL
    from dangjian.members.models import Member

    month = month_start(datetime.date.today())
    member = (Member.objects.filter(organization=org["branch"], status__in=ON_ROLL, user__isnull=True,
                                    joined_on__lt=month).without_protected()
              .exclude(dues_payments__month=month).exclude(dues_declarations__effective_from=month).order_by("pk").first())
    declaration = committed(DuesDeclaration.objects.create, member=member, basis="wage", base=Decimal("4000"),
                            effective_from=month)
    yield member, month

    def remove():
        DuesPayment.objects.filter(member=member, month=month).delete()
        DuesDeclaration.objects.filter(pk=declaration.pk).delete()

    committed(remove)


def test_two_collectors_of_the_same_month(unpaid, org, people, slow_audit):
    """The branch secretary and the community's organizer record the same member's dues at once."""
    from dangjian.dues.models import DuesPayment
    from dangjian.dues.services import payments_record

    member, month = unpaid
    entry = {"member": member.pk, "paid_on": datetime.date.today()}
    results = race(
        lambda: payments_record(actor=people["branch"], organization=org["branch"], month=month, entries=[dict(entry)]),
        lambda: payments_record(actor=people["community"], organization=org["branch"], month=month,
                                entries=[dict(entry)]),
    )
    one_winner(results)
    assert DuesPayment.objects.filter(member=member, month=month).count() == 1
