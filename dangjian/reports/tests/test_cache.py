"""The statistics cache: an answer is kept until a record changes, then computed afresh."""
import datetime

import pytest
from django.core.cache import caches

from dangjian.members.models import Member
from dangjian.reports.figures import overview

DAY = datetime.date(2026, 6, 30)
LOCAL = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "stats-test"}


@pytest.fixture
def stats_cache(settings):
    settings.CACHES = {**settings.CACHES, "stats": LOCAL}
    caches["stats"].clear()
    yield caches["stats"]
    caches["stats"].clear()


def test_kept_answer_is_served_without_queries(org, stats_cache, django_assert_num_queries):
    first = overview(org["community"], DAY, ["members"])
    with django_assert_num_queries(0):
        assert overview(org["community"], DAY, ["members"]) == first


def test_a_saved_record_has_the_answers_computed_afresh(org, stats_cache, django_capture_on_commit_callbacks):
    """After a change the reader gets the latest answer at once (with the time it was computed) while
    one background refresh computes the new one; the next reader gets the new one."""
    first = overview(org["community"], DAY, ["members"])
    before = first["members"]["by_gender"]
    member = Member.objects.filter(organization__path__startswith=org["community"].path, gender="male",
                                   status="full").first()
    with django_capture_on_commit_callbacks(execute=True):
        Member.objects.filter(pk=member.pk).update(gender="female")  # bulk: no signal, the answer is kept
    assert overview(org["community"], DAY, ["members"])["members"]["by_gender"] == before
    with django_capture_on_commit_callbacks(execute=True):
        member.refresh_from_db()
        member.save()  # through the ORM: the generation moves on
    with django_capture_on_commit_callbacks(execute=True) as refreshes:
        stale = overview(org["community"], DAY, ["members"])
    assert stale == first and stale["computed_at"]
    assert len(refreshes) == 1  # the refresh task, queued once
    with django_capture_on_commit_callbacks(execute=True) as again:
        assert overview(org["community"], DAY, ["members"])["members"]["by_gender"] == {
            "male": before["male"] - 1, "female": before["female"] + 1}
    assert not again


def test_a_save_rolled_back_keeps_the_answers(org, stats_cache, django_capture_on_commit_callbacks):
    overview(org["community"], DAY, ["members"])
    generation = stats_cache.get("stats:generation")
    with django_capture_on_commit_callbacks(execute=False):
        Member.objects.filter(organization=org["branch"]).first().save()
    assert stats_cache.get("stats:generation") == generation
