"""The services section against hand-computed values, on 15 October 2026 and on 1 March 2026.

A fresh community (测试服务社区) with: wishes filed 10 Jan (fulfilled 5 Mar), 20 Feb and 1 Nov; a
pairing from 1 Feb 2025 to 1 Apr 2026 and one from 1 Jun 2026 (visits 10 Feb with 200 yuan and
10 Jun); a station set up 1 Jan 2026 with records served 5 Feb and 5 Jul and bookings on 5 Jul
(attended), 6 Jul (cancelled), 20 Nov; two members moved into it with hardship cases (open since
1 Jan 2025; 1 Feb–1 May 2026), support of 300 yuan on 10 Feb, care visits 20 Jan (year 2026) and
20 Dec 2025 (for 2026's Spring Festival); a partner unit registered 1 Mar 2025, an inactive one,
a member registration of 1 Jul 2026 and projects 1 Jan–30 Jun and from 1 Jul 2026.
"""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.care.models import CareVisit, HardshipCase, SupportRecord
from dangjian.centres.models import Booking, ServiceCentre, ServiceItem, ServiceRecord
from dangjian.cobuilding.models import JointProject, MemberRegistration, PartnerUnit
from dangjian.grid.models import Building, Grid, Household
from dangjian.members.models import Member
from dangjian.organizations.choices import OrgType, UnitKind
from dangjian.organizations.services import organization_create
from dangjian.pairings.models import Pairing, PairingVisit
from dangjian.reports.figures import Scope, services
from dangjian.wishes.models import Wish

DAY = datetime.date(2026, 10, 15)
EARLY = datetime.date(2026, 3, 1)
D = datetime.date


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def community(org):
    comm = organization_create(actor=None, parent=org["street"], name="测试服务社区党委", code="RPT-SRV",
                               org_type=OrgType.COMMITTEE, unit_kind=UnitKind.COMMUNITY, on=D(2020, 1, 1))
    for filed, fulfilled in ((D(2026, 1, 10), D(2026, 3, 5)), (D(2026, 2, 20), None), (D(2026, 11, 1), None)):
        wish = Wish.objects.create(organization=comm, text="一个心愿", category="daily", expires_on=D(2026, 12, 31))
        Wish.objects.filter(pk=wish.pk).update(created_at=_at(filed), fulfilled_at=_at(fulfilled) if fulfilled else None)
    grid = Grid.objects.create(organization=comm, name="测试网格", code="RPT-SRV-G")
    home = Household.objects.create(building=Building.objects.create(grid=grid, name="1号楼"), room="1-101")
    ended = Pairing.objects.create(organization=comm, unit_name="测试单位", household=home, started_on=D(2025, 2, 1),
                                   ended_on=D(2026, 4, 1), status="ended")
    current = Pairing.objects.create(organization=comm, unit_name="测试单位", household=home, started_on=D(2026, 6, 1))
    PairingVisit.objects.create(pairing=ended, visited_on=D(2026, 2, 10), visitor_name="甲", help_kind="money",
                                amount=Decimal("200"))
    PairingVisit.objects.create(pairing=current, visited_on=D(2026, 6, 10), visitor_name="甲", help_kind="visit")
    centre = ServiceCentre.objects.create(name="测试服务站", kind="station", organization=comm, address="测试路")
    ServiceCentre.objects.filter(pk=centre.pk).update(created_at=_at(D(2026, 1, 1)))
    item = ServiceItem.objects.create(centre=centre, name="咨询")
    for day in (D(2026, 2, 5), D(2026, 7, 5)):
        ServiceRecord.objects.create(centre=centre, item=item, served_on=day, handled_by="乙", summary="咨询")
    resident = User.objects.create(username="rpt-srv-resident")
    for day, status in ((D(2026, 7, 5), "attended"), (D(2026, 7, 6), "cancelled"), (D(2026, 11, 20), "booked")):
        Booking.objects.create(item=item, user=resident, day=day, start=datetime.time(9), status=status)
    first, second = Member.objects.order_by("pk")[:2]
    Member.objects.filter(pk__in=[first.pk, second.pk]).update(organization=comm)
    case = HardshipCase.objects.create(member=first, kinds=",illness,", situation="病", since=D(2025, 1, 1),
                                       opened_on=D(2025, 1, 1))
    HardshipCase.objects.create(member=second, kinds=",other,", situation="难", since=D(2026, 2, 1),
                                opened_on=D(2026, 2, 1), closed_on=D(2026, 5, 1), status="closed")
    SupportRecord.objects.create(case=case, given_on=D(2026, 2, 10), kind="money", amount=Decimal("300"))
    CareVisit.objects.create(member=first, occasion="spring_festival", year=2026, visited_on=D(2026, 1, 20),
                             visitors="丙")
    CareVisit.objects.create(member=second, occasion="spring_festival", year=2026, visited_on=D(2025, 12, 20),
                             visitors="丙")
    PartnerUnit.objects.create(name="驻区医院", kind="hospital", organization=comm, registered_on=D(2025, 3, 1))
    PartnerUnit.objects.create(name="已退出单位", kind="school", organization=comm, registered_on=D(2025, 3, 1),
                               active=False)
    MemberRegistration.objects.create(member=first, organization=comm, registered_on=D(2026, 7, 1))
    JointProject.objects.create(organization=comm, title="上半年项目", area="services", starts_on=D(2026, 1, 1),
                                ends_on=D(2026, 6, 30))
    JointProject.objects.create(organization=comm, title="下半年项目", area="civility", starts_on=D(2026, 7, 1))
    return comm


def test_service_figures_on_the_day(community):
    answer = services.compute(Scope(community, DAY))
    assert answer["wishes"] == {"submitted": 2, "fulfilled": 1}
    assert answer["pairings"] == {"active": 1, "visits": 2, "money_given": "200.00"}
    assert answer["centres"] == {"total": 1, "by_kind": {"centre": 0, "station": 1}, "service_records": 2,
                                 "bookings": 1, "bookings_attended": 1}
    assert answer["care"] == {"hardship_open": 1, "hardship_opened": 1, "hardship_closed": 1, "support_given": 1,
                              "support_money": "300.00", "visits": 2}
    assert answer["cobuilding"]["partner_units"] == 1
    assert answer["cobuilding"]["member_registrations"] == 1
    assert answer["cobuilding"]["projects"] == 1
    assert answer["cobuilding"]["projects_by_area"]["civility"] == 1


def test_service_figures_earlier_in_the_year(community):
    answer = services.compute(Scope(community, EARLY))
    assert answer["wishes"] == {"submitted": 2, "fulfilled": 0}
    assert answer["pairings"] == {"active": 1, "visits": 1, "money_given": "200.00"}
    assert (answer["centres"]["service_records"], answer["centres"]["bookings"]) == (1, 0)
    assert answer["care"] == {"hardship_open": 2, "hardship_opened": 1, "hardship_closed": 0, "support_given": 1,
                              "support_money": "300.00", "visits": 2}
    assert answer["cobuilding"]["member_registrations"] == 0
    assert answer["cobuilding"]["projects_by_area"]["services"] == 1


def test_care_records_link(community):
    link = services.SECTION.figure("care.visits").records(Scope(community, DAY), "")
    assert link == f"/care/visits/?org={community.pk}&year=2026"


def test_city_in_a_constant_number_of_queries(org, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        services.compute(Scope(org["city"], datetime.date(2026, 11, 20)))
