"""The coverage section against hand-computed values, on 15 October 2026 and on 1 March 2026.

A fresh community's area (测试覆盖社区) holds three firms with no Party organization, instructor or
liaison: a private firm established in 2020, a social organization established on 1 May 2026 and a
private firm established in 2020 that closed on 1 June 2026; one office building recorded on 1 May 2026.
"""
import datetime

import pytest
from django.utils import timezone

from dangjian.coverage.models import Building, Firm
from dangjian.coverage.tests.fixtures import make_firm
from dangjian.organizations.choices import OrgType, UnitKind
from dangjian.organizations.services import organization_create
from dangjian.reports.figures import Scope, coverage

DAY = datetime.date(2026, 10, 15)
EARLY = datetime.date(2026, 3, 1)


@pytest.fixture
def area(org, personas):
    comm = organization_create(actor=None, parent=org["street"], name="测试覆盖社区党委", code="RPT-COV",
                               org_type=OrgType.COMMITTEE, unit_kind=UnitKind.COMMUNITY, on=datetime.date(2020, 1, 1))
    actor = personas["organizer"]
    make_firm(actor, comm, 8801, established_on=datetime.date(2020, 3, 1))
    make_firm(actor, comm, 8802, kind="social_organization", established_on=datetime.date(2026, 5, 1))
    closed = make_firm(actor, comm, 8803, established_on=datetime.date(2020, 3, 1))
    Firm.objects.filter(pk=closed.pk).update(closed_on=datetime.date(2026, 6, 1))
    building = Building.objects.create(name="测试大厦", address="测试路1号", area_organization=comm)
    Building.objects.filter(pk=building.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 5, 1, 9)))
    return comm


def test_coverage_figures_on_the_day(area):
    assert coverage.compute(Scope(area, DAY)) == {
        "firms": 2, "by_coverage": {"own": 0, "joint": 0, "guided": 0, "none": 2},
        "by_kind": {"private_enterprise": 1, "social_organization": 1},
        "organized_rate": "0.00", "worked_rate": "0.00",
        "buildings": 1, "firms_in_buildings": 0, "ready_to_form": 0,
    }


def test_coverage_figures_earlier(area):
    answer = coverage.compute(Scope(area, EARLY))
    assert answer["firms"] == 2 and answer["by_kind"] == {"private_enterprise": 2, "social_organization": 0}
    assert answer["buildings"] == 0


def test_records_are_the_firm_list_of_the_day(area):
    figure = coverage.SECTION.figure("by_coverage")
    assert figure.records(Scope(area, DAY), "none") == f"/coverage/firms/?org={area.pk}&on=2026-10-15&coverage=none"


def test_city_in_a_constant_number_of_queries(org, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        coverage.compute(Scope(org["city"], datetime.date(2026, 11, 20)))
