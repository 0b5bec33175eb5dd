"""A cycle over many organizations is measured by the background worker, not in the request."""
import datetime
from decimal import Decimal

from dangjian.assessment.models import CriterionResult
from dangjian.assessment.services_cycles import MEASURE_INLINE, cycle_measure_later, cycle_open
from dangjian.reports.cache import bump

from .fixtures_cycles import FakeIndicator, fake_indicator, judged_scheme, villages_under

__all__ = ["fake_indicator"]


def test_a_large_cycle_is_measured_after_the_commit(personas, org, fake_indicator, django_capture_on_commit_callbacks):
    villages = villages_under(org["town"], MEASURE_INLINE + 1, prefix="后台村")
    for i, village in enumerate(villages):
        fake_indicator.values[village.pk] = Decimal("5") if i % 2 else Decimal("0.5")
    scheme = judged_scheme("village-stars", indicator_code=FakeIndicator.code)
    with django_capture_on_commit_callbacks() as callbacks:
        cycle = cycle_open(actor=personas["city"], scheme=scheme, organization=org["city"], name="后台测算",
                           year=2026, period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31),
                           organizations=villages)
    measured = CriterionResult.objects.filter(assessment__cycle=cycle, criterion__indicator=FakeIndicator.code)
    assert fake_indicator.calls == 0 and not measured.filter(measured_at__isnull=False).exists()
    callbacks = [c for c in callbacks if c is not bump]  # the statistics cache's move is not the measuring
    assert len(callbacks) == 1
    callbacks[0]()  # the worker runs the task (the test settings run tasks at once)
    per_village = scheme.criteria.filter(indicator=FakeIndicator.code).count()
    assert measured.filter(measured_at__isnull=False).count() == len(villages) * per_village
    assert measured.filter(met=True).count() == (len(villages) // 2) * per_village
    stars = dict(cycle.assessments.values_list("organization_id", "stars"))
    assert stars[villages[1].pk] == per_village and stars[villages[0].pk] == 0

    # Measuring again later goes through the worker too.
    fake_indicator.values[villages[0].pk] = Decimal("5")
    with django_capture_on_commit_callbacks(execute=True):
        cycle_measure_later(actor=personas["city"], cycle=cycle)
    assert cycle.assessments.get(organization=villages[0]).stars == per_village
