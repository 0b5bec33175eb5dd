"""The coverage demo builds on the demo city (what seed_demo calls), once."""
import pytest
from django.utils import timezone

from dangjian.coverage import demo, demo_firms, selectors
from dangjian.coverage.choices import Coverage
from dangjian.coverage.models import AffairAdmission, ContactLog, Firm, ThemeLog

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_part_and_builds_once(org):
    before = Firm.objects.count()
    demo.build_demo(today=timezone.localdate())
    added = len(demo_firms.NAMES) + len(demo_firms.TENANTS)
    assert Firm.objects.count() == before + added
    coverage = dict(selectors.with_coverage(Firm.objects.all()).values_list("unit__name", "coverage"))
    assert list(coverage.values()).count(Coverage.JOINT) == 3  # the tower's joint branch on floors 8–10
    assert Coverage.OWN in coverage.values() and Coverage.GUIDED in coverage.values()
    assert ContactLog.objects.exists() and ThemeLog.objects.exists()
    assert AffairAdmission.objects.count() == 6
    demo.build_demo(today=timezone.localdate())
    assert Firm.objects.count() == before + added
    assert AffairAdmission.objects.count() == 6
