"""Building services: records and their refusals, the floors view and the organizations of a building."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core.models import AuditEntry
from dangjian.coverage import selectors_buildings as sel
from dangjian.coverage import services_buildings as services
from dangjian.coverage import services_firms
from dangjian.coverage.choices import Coverage
from dangjian.coverage.models import Building

from .fixtures_buildings import TODAY, make_building, make_desk, make_tenant

pytestmark = pytest.mark.django_db


def test_create_keeps_the_phone_encrypted_and_masked(personas, org):
    building = make_building(personas["community"], org["community"])
    assert building.property_phone_masked == "139****2345"
    assert Building.objects.values_list("property_phone", flat=True).get(pk=building.pk) == "13905712345"
    assert AuditEntry.objects.filter(action="office_building.created").count() == 1
    assert building.floors()[:2] == [18, 17] and building.floors()[-1] == -2


def test_create_refusals(personas, org):
    with pytest.raises(ValidationError) as floors:
        make_building(personas["community"], org["community"], floors_above=0)
    assert "floors_above" in floors.value.message_dict
    with pytest.raises(ValidationError) as phone:
        make_building(personas["community"], org["community"], phone="12ab")
    assert "property_phone" in phone.value.message_dict
    with pytest.raises(PermissionDenied):
        make_building(personas["sibling"], org["community"])
    make_building(personas["community"], org["community"])
    with pytest.raises(ValidationError) as twice:
        make_building(personas["community"], org["community"])
    assert "name" in twice.value.message_dict
    with pytest.raises(ValidationError) as branch:  # a branch looks after no building
        make_building(personas["community"], org["branch"], name="支部大楼")
    assert "area_organization" in branch.value.message_dict


def test_fewer_floors_refused_while_tenants_sit_there(personas, org):
    actor = personas["organizer"]
    building = make_building(actor, org["community"])
    make_tenant(actor, building, 1, 16)
    with pytest.raises(ValidationError) as refused:
        services.building_update(actor=actor, building=building, floors_above=12)
    assert "楼宇企业1" in str(refused.value.message_dict["floors_above"])
    services.building_update(actor=actor, building=building, floors_above=16, property_phone="")
    building.refresh_from_db()
    assert building.floors_above == 16 and building.property_phone_masked == "139****2345"  # blank keeps it
    services.building_update(actor=actor, building=building, property_phone="0571-8888 6666")
    entry = AuditEntry.objects.filter(action="office_building.updated").order_by("-id").first()
    assert "057188886666" not in str(entry.changes) and "6666" in str(entry.changes)


def test_reveal_needs_a_purpose_and_is_audited(personas, org):
    building = make_building(personas["community"], org["community"])
    with pytest.raises(ValidationError):
        services.building_phone_reveal(actor=personas["community"], building=building, purpose="")
    assert services.building_phone_reveal(actor=personas["community"], building=building,
                                          purpose="联系物业") == "13905712345"
    assert AuditEntry.objects.filter(action="office_building.phone_revealed", note="联系物业").count() == 1
    with pytest.raises(PermissionDenied):
        services.building_phone_reveal(actor=personas["auditor"], building=building, purpose="查看")


def test_desk_services_only_for_tenants_and_while_open(personas, org):
    actor = personas["community"]
    building = make_building(actor, org["community"])
    other = make_building(actor, org["community"], name="临江科创园A座", floors_above=12)
    tenant, elsewhere = make_tenant(actor, building, 1, 5), make_tenant(actor, other, 2, 3)
    desk = make_desk(actor, building)
    record = services.desk_service_record(actor=actor, desk=desk, served_on=TODAY, kind="relation",
                                          subject="组织关系转入", firm=tenant)
    with pytest.raises(ValidationError) as not_tenant:
        services.desk_service_record(actor=actor, desk=desk, served_on=TODAY, kind="policy", subject="政策",
                                     firm=elsewhere)
    assert "firm" in not_tenant.value.message_dict
    with pytest.raises(ValidationError):
        services.desk_service_record(actor=actor, desk=desk, served_on=TODAY, kind="nonsense", subject="x")
    services.desk_service_settle(actor=actor, service=record, note="已开具介绍信")
    record.refresh_from_db()
    assert record.resolved and "介绍信" in record.note
    with pytest.raises(ValidationError):
        services.desk_service_settle(actor=actor, service=record)
    counts = sel.desk_counts(desk)
    assert counts["total"] == 1 and counts["settled"] == 1
    services.desk_close(actor=actor, desk=desk, closed_on=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as closed:
        services.desk_service_record(actor=actor, desk=desk, served_on=TODAY, kind="policy", subject="政策")
    assert "served_on" in closed.value.message_dict
    with pytest.raises(ValidationError):
        services.desk_close(actor=actor, desk=desk, closed_on=TODAY)
    assert AuditEntry.objects.filter(action__in=["service_desk.opened", "desk_service.recorded",
                                                 "desk_service.settled", "service_desk.closed"]).count() == 4


def test_association_event_takes_tenants_only(personas, org):
    actor = personas["community"]
    building = make_building(actor, org["community"])
    other = make_building(actor, org["community"], name="临江科创园A座", floors_above=12)
    a, b = make_tenant(actor, building, 1, 5), make_tenant(actor, other, 2, 3)
    with pytest.raises(ValidationError) as outside:
        services.association_event_record(actor=actor, building=building, held_on=TODAY, title="联谊会", firms=[a, b])
    assert "firms" in outside.value.message_dict
    with pytest.raises(ValidationError) as negative:
        services.association_event_record(actor=actor, building=building, held_on=TODAY, title="联谊会", attendance=-1)
    assert "attendance" in negative.value.message_dict
    event = services.association_event_record(actor=actor, building=building, held_on=TODAY, title="联谊会",
                                              firms=[a], attendance=30)
    assert list(event.firms.all()) == [a]


def test_floors_top_down_with_coverage_and_organizations(personas, org):
    actor = personas["organizer"]
    building = make_building(actor, org["community"])
    f8, f9, f10 = (make_tenant(actor, building, n, n, industry="I") for n in (8, 9, 10))
    top = make_tenant(actor, building, 18, 18, industry="J")
    joint = services_firms.joint_branch_form(actor=actor, parent=org["community"], name="滨江商务大厦联合党支部",
                                             code="LJTESTB8", firms=[f8, f9, f10])
    floors = sel.building_floors(building)
    assert [row["label"] for row in floors[:2]] == ["18F", "17F"] and floors[-1]["label"] == "B2"
    by_floor = {row["floor"]: row["firms"] for row in floors}
    assert by_floor[18][0].coverage == Coverage.NONE and by_floor[9][0].coverage == Coverage.JOINT
    assert by_floor[9][0].full_members == 0
    rows = sel.building_organizations(building)
    assert len(rows) == 1 and rows[0]["organization"] == joint and rows[0]["floors"] == [10, 9, 8]
    assert {f.pk for f in rows[0]["firms"]} == {f8.pk, f9.pk, f10.pk}
    summary = sel.building_summary(Building.objects.filter(pk=building.pk))[building.pk]
    assert summary["tenants"] == 4 and summary["joint"] == 3 and summary["none"] == 1 and str(summary["rate"]) == "75.00"
    assert [f.pk for f in sel.uncovered_tenants(building)] == [top.pk]
    assert list(sel.uncovered_tenants(building, floor_from=8, floor_to=10)) == []
