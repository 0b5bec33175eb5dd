"""The follow-up demo: tasks in every state (one overdue) and a review round with ratings; idempotent."""
import pytest
from django.utils import timezone

from dangjian.assessment import selectors_followup as selectors
from dangjian.assessment.demo_followup import build_demo
from dangjian.assessment.models import Rectification, ReviewRound

pytestmark = pytest.mark.django_db


def test_build_demo(org):
    created = build_demo(seed=1)
    assert created
    tasks = selectors.with_overdue(Rectification.objects.filter(organization__path__startswith=org["community"].path),
                                   timezone.localdate())
    assert {t.status for t in tasks} == {"open", "submitted", "closed"}
    assert sum(t.is_overdue for t in tasks) == 1
    round_ = ReviewRound.objects.get(organization=org["community"])
    rows = selectors.report_rows(round_)
    assert any(r.score is not None for r in rows) and any(r.report.submitted_at is None for r in rows)
    first = next(r for r in rows if r.report.organization == org["branch"])
    assert first.member_total == 1 and first.upper_total == 1
    assert build_demo(seed=1) == []
