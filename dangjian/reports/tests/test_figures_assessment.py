"""The assessment section against hand-computed values, on 15 October 2026 and on 1 March 2026.

Under a fresh community (测试考评社区): branches A and B tiered in a 2025 cycle (model, standard,
approved 20 Dec 2025) and in a 2026 cycle (A improved, approved 10 Oct 2026; B still in review);
branches C and D rated with stars in 2026 (C advanced with 8 stars, D vetoed to lagging with 3 stars,
approved 1 Sep 2026). Rectification tasks: one created 1 Feb (deadline 30 Jun, open), one created 1 Apr
and closed 1 Sep, one created 1 Nov.
"""
import datetime

import pytest
from django.utils import timezone

from dangjian.assessment.choices import AssessmentStatus
from dangjian.assessment.models import Assessment, Cycle, Rectification, Scheme
from dangjian.organizations.choices import OrgType, UnitKind
from dangjian.organizations.services import organization_create
from dangjian.reports.figures import Scope, assessment

DAY = datetime.date(2026, 10, 15)
EARLY = datetime.date(2026, 3, 1)


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def tree(org):
    root = organization_create(actor=None, parent=org["street"], name="测试考评社区党委", code="RPT-ASM",
                               org_type=OrgType.COMMITTEE, unit_kind=UnitKind.COMMUNITY, on=datetime.date(2020, 1, 1))
    a, b, c, d = (organization_create(actor=None, parent=root, name=f"测试考评{n}支部", code=f"RPT-ASM-{n}",
                                      org_type=OrgType.BRANCH, unit_kind=UnitKind.COMMUNITY,
                                      on=datetime.date(2020, 1, 1)) for n in "ABCD")
    tiers = Scheme.objects.get(code="community-tiers", version=1)
    stars = Scheme.objects.get(code="village-stars", version=1)

    def cycle(scheme, year):
        return Cycle.objects.create(scheme=scheme, organization=org["street"], name=f"{scheme.code}{year}", year=year,
                                    period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31))

    def rate(cyc, organization, grade, approved=None, stars=0, vetoed=False):
        Assessment.objects.create(
            cycle=cyc, organization=organization, grade=grade, stars=stars, vetoed=vetoed,
            status=AssessmentStatus.APPROVED if approved else AssessmentStatus.IN_REVIEW,
            approved_at=_at(approved) if approved else None)

    old, new, starred = cycle(tiers, 2025), cycle(tiers, 2026), cycle(stars, 2026)
    rate(old, a, "model", datetime.date(2025, 12, 20))
    rate(old, b, "standard", datetime.date(2025, 12, 20))
    rate(new, a, "improved", datetime.date(2026, 10, 10))
    rate(new, b, "")
    rate(starred, c, "advanced", datetime.date(2026, 9, 1), stars=8)
    rate(starred, d, "lagging", datetime.date(2026, 9, 1), stars=3, vetoed=True)

    def task(created, deadline, closed=None):
        t = Rectification.objects.create(organization=a, title="整改", deadline=deadline,
                                         status="closed" if closed else "open", closed_at=_at(closed) if closed else None)
        Rectification.objects.filter(pk=t.pk).update(created_at=_at(created))

    task(datetime.date(2026, 2, 1), datetime.date(2026, 6, 30))
    task(datetime.date(2026, 4, 1), datetime.date(2026, 8, 31), closed=datetime.date(2026, 9, 1))
    task(datetime.date(2026, 11, 1), datetime.date(2026, 12, 31))
    return {"root": root, "old": old, "new": new, "starred": starred}


def test_latest_cycle_of_each_scheme_on_the_day(tree):
    answer = assessment.compute(Scope(tree["root"], DAY))
    assert answer["rated"] == 3
    assert answer["by_scheme"] == {"community-tiers": 1, "village-stars": 2}
    assert answer["cycles"]["community-tiers"] == {"cycle": tree["new"].pk, "year": 2026}
    assert answer["tier"] == {"rated": 1, "vetoed": 0,
                              "by_grade": {"model": 0, "improved": 1, "standard": 0, "basic": 0}}
    star = answer["star"]
    assert (star["rated"], star["vetoed"]) == (2, 1)
    assert star["by_grade"] == {"advanced": 1, "average": 0, "lagging": 1}
    assert list(star["by_stars"]) == [str(n) for n in range(11)]
    assert {k: v for k, v in star["by_stars"].items() if v} == {"3": 1, "8": 1}
    assert answer["checklist"]["rated"] == 0
    assert answer["rectification"] == {"open": 1, "overdue": 1, "closed": 1}


def test_an_earlier_day_reads_the_cycle_decided_by_then(tree):
    answer = assessment.compute(Scope(tree["root"], EARLY))
    assert answer["by_scheme"] == {"community-tiers": 2}
    assert answer["tier"]["by_grade"] == {"model": 1, "improved": 0, "standard": 1, "basic": 0}
    assert answer["star"]["rated"] == 0
    assert answer["rectification"] == {"open": 1, "overdue": 0, "closed": 0}


def test_city_in_a_constant_number_of_queries(org, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        assessment.compute(Scope(org["city"], datetime.date(2026, 12, 31)))
