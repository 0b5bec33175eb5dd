"""The workbench lines of the work serving residents count what the user may act on."""
import pytest
from django.utils import timezone

from dangjian.wishes.workbench import items

pytestmark = pytest.mark.django_db


def test_community_secretary_sees_wishes_to_review_and_agreements_ending(personas):
    from dangjian.cobuilding.demo import build_demo as build_cobuilding
    from dangjian.wishes.demo import build_demo as build_wishes
    from dangjian.wishes.selectors import review_queue

    build_wishes(seed=1)
    build_cobuilding(seed=1)
    today = timezone.localdate()
    lines = {line["url"]: line["text"] for line in items(user=personas["community"], today=today)}
    waiting = review_queue(personas["community"]).count()
    assert waiting and str(waiting) in lines["/wishes/review/"]
    assert "/cobuilding/agreements/" in lines
    assert items(user=personas["resident"], today=today) == []
    assert items(user=personas["sibling"], today=today) == []
