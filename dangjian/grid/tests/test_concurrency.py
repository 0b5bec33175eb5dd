"""Two people acting on the same request at the same moment cannot both succeed (PostgreSQL only).

Each contender runs in its own thread, hence on its own database connection, and all are released
together by a barrier straight into ``workflow.request_transition``. The step that wins holds the
request's row lock a little longer than usual (``HOLD``), so the others are sure to arrive while
it is held and to wait on ``select_for_update``; when they get the row they see the new status and
fail with a ``ValidationError``. Exactly one step of each kind is in the log.

The contenders need committed rows that their connections can see, so every write happens in a
thread of its own, committed as in production, outside the test's transaction (which the main
thread only reads through); what the test filed is deleted at the end. (A ``transaction=True``
test would flush every table at the end, and with it the demo city the rest of the session's
tests run on.)
"""
from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from dangjian.core.testing import committed, race
from dangjian.grid import workflow
from dangjian.grid.choices import Channel, RequestAction, RequestStatus
from dangjian.grid.models import Building, RequestCategory, RequestTransition, ServiceRequest

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: row locks (SELECT … FOR UPDATE) across connections"),
    pytest.mark.django_db,
]

A, S = RequestAction, RequestStatus
HOLD = 0.3  # seconds the winning step keeps the row locked


@pytest.fixture
def created():
    """The ids of the requests the test filed; they and their traces are deleted at the end."""
    ids: list[int] = []
    yield ids
    committed(_delete_requests, ids)


def _delete_requests(ids):
    from django.contrib.contenttypes.models import ContentType

    from dangjian.core.models import AuditEntry

    if not ids:
        return
    ServiceRequest.objects.filter(pk__in=ids).update(merged_into=None)
    ServiceRequest.objects.filter(pk__in=ids).delete()  # transitions, ratings and supervisions cascade
    AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(ServiceRequest),
                              object_id__in=[str(pk) for pk in ids]).delete()


@pytest.fixture
def people(db):
    from dangjian.accounts.models import User

    return {u.username: u for u in User.objects.filter(username__in=["grid", "community", "organizer", "team"])}


@pytest.fixture
def held_lock(monkeypatch):
    """Make every step hold the request's row lock for ``HOLD`` seconds once it has it."""
    apply = workflow._apply

    def slow_apply(*args, **kwargs):
        time.sleep(HOLD)
        return apply(*args, **kwargs)

    monkeypatch.setattr(workflow, "_apply", slow_apply)


def file_request(created, people, *, to=None):
    """A request filed by the grid worker in their grid, taken through the workflow up to status
    ``to`` (committed)."""
    request = committed(_file_request, people, to)
    created.append(request.pk)
    return request


def _file_request(people, to):
    building = Building.objects.filter(grid__name="滨河社区第1网格").order_by("pk").first()
    request = workflow.request_file(actor=people["grid"], channel=Channel.GRID_WORKER,
                                    category=RequestCategory.objects.get(code="environment"),
                                    description="楼道堆放杂物，需要清理", building=building)
    path = {S.REPORTED: [], S.ACCEPTED: [A.ACCEPT], S.REGISTERED: [A.ACCEPT, A.REGISTER],
            S.DISPATCHED: [A.ACCEPT, A.REGISTER, A.DISPATCH]}[to or S.REPORTED]
    for action in path:
        workflow.request_transition(request=request, action=action, actor=people["community"])
    assert request.status == (to or S.REPORTED)
    return request


def one_winner(results):
    """Exactly one call succeeded; every other one failed with a ValidationError after waiting for
    the winner's lock (it started before the winner finished)."""
    winners = [r for r in results if not isinstance(r[0], Exception)]
    losers = [r for r in results if isinstance(r[0], Exception)]
    assert len(winners) == 1, [r[0] for r in results]
    for outcome, started, _finished in losers:
        assert isinstance(outcome, ValidationError), repr(outcome)
        assert started < winners[0][2], "the contenders did not overlap"
    return winners[0][0], [r[0] for r in losers]


def steps(request, action):
    return RequestTransition.objects.filter(request_id=request.pk, action=action).count()


def fresh(request):
    """A separate instance for each contender (request_transition refreshes the one it is given)."""
    return ServiceRequest.objects.get(pk=request.pk)


def test_two_people_handle_the_same_request(created, people, held_lock):
    """The team member and the community dispatcher both mark a dispatched request handled."""
    request = file_request(created, people, to=S.DISPATCHED)
    results = race(
        lambda: workflow.request_transition(request=fresh(request), action=A.HANDLE, actor=people["team"],
                                            note="已现场清理"),
        lambda: workflow.request_transition(request=fresh(request), action=A.HANDLE, actor=people["community"],
                                            note="已通知物业清理"),
    )
    winner, _ = one_winner(results)
    assert winner.status == S.HANDLED
    assert steps(request, A.HANDLE) == 1
    request.refresh_from_db()
    assert request.status == S.HANDLED and request.handled_at is not None


def test_two_dispatchers_accept_the_same_request(created, people, held_lock):
    """The community's dispatcher and the sub-district's organizer both accept a new request."""
    request = file_request(created, people)
    results = race(
        lambda: workflow.request_transition(request=fresh(request), action=A.ACCEPT, actor=people["community"]),
        lambda: workflow.request_transition(request=fresh(request), action=A.ACCEPT, actor=people["organizer"]),
    )
    one_winner(results)
    assert steps(request, A.ACCEPT) == 1
    assert fresh(request).status == S.ACCEPTED


def test_dispatch_with_expected_status_against_a_merge(created, people, held_lock):
    """The dispatcher dispatches a registered request (as the page showed it: expected_status) while
    the organizer merges it into an earlier one: whichever comes second is refused."""
    original = file_request(created, people, to=S.REGISTERED)
    duplicate = file_request(created, people, to=S.REGISTERED)
    results = race(
        lambda: workflow.request_transition(request=fresh(duplicate), action=A.DISPATCH, actor=people["community"],
                                            expected_status=S.REGISTERED),
        lambda: workflow.request_transition(request=fresh(duplicate), action=A.MERGE, actor=people["organizer"],
                                            into=fresh(original)),
    )
    winner, _ = one_winner(results)
    duplicate.refresh_from_db()
    assert duplicate.status == winner.status
    assert steps(duplicate, A.DISPATCH) + steps(duplicate, A.MERGE) == 1
    if duplicate.status == S.MERGED:
        assert duplicate.merged_into_id == original.pk and duplicate.team_id is None
        assert steps(original, A.MERGE) == 1  # the note on the request merged into
    else:
        assert duplicate.status == S.DISPATCHED and duplicate.merged_into_id is None
        assert steps(original, A.MERGE) == 0


def test_two_requests_merged_into_each_other(created, people, held_lock):
    """Two dispatchers see the same pair of duplicates and merge each into the other at once: only
    one merge may happen, or both requests would be closed as duplicates of each other."""
    first = file_request(created, people)
    second = file_request(created, people)
    results = race(
        lambda: workflow.request_transition(request=fresh(first), action=A.MERGE, actor=people["community"],
                                            into=fresh(second)),
        lambda: workflow.request_transition(request=fresh(second), action=A.MERGE, actor=people["organizer"],
                                            into=fresh(first)),
    )
    one_winner(results)
    statuses = sorted(ServiceRequest.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True))
    assert statuses == sorted([S.MERGED, S.REPORTED])
    merged = ServiceRequest.objects.get(pk__in=[first.pk, second.pk], status=S.MERGED)
    assert merged.merged_into_id in (first.pk, second.pk) and merged.merged_into_id != merged.pk
    assert RequestTransition.objects.filter(request_id__in=[first.pk, second.pk], action=A.MERGE).count() == 2


def test_sequential_steps_are_not_blocked(created, people):
    """Without contention the lock costs nothing visible: two requests move side by side."""
    first = file_request(created, people)
    second = file_request(created, people)
    results = race(
        lambda: workflow.request_transition(request=fresh(first), action=A.ACCEPT, actor=people["community"]),
        lambda: workflow.request_transition(request=fresh(second), action=A.ACCEPT, actor=people["organizer"]),
    )
    assert [r[0].status for r in results] == [S.ACCEPTED, S.ACCEPTED]
