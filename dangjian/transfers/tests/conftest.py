import datetime

import pytest
from django.utils import timezone

from dangjian.members.choices import MemberStatus


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def branch_members(org):
    """Full members of the branch without a user account or a post, in a stable order."""

    def pick(n=1):
        return list(org["branch"].members.filter(status=MemberStatus.FULL, user__isnull=True, posts__isnull=True)
                    .without_protected().select_related("organization").order_by("id")[:n])

    return pick


def days_around(*days, before=3, after=3):
    """Every day from ``before`` days ahead of the first event to ``after`` days past the last."""
    first, last = min(days) - datetime.timedelta(days=before), max(days) + datetime.timedelta(days=after)
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
