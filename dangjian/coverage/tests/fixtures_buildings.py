"""Objects of the coverage work's buildings part for tests and for the authorization matrix."""
import datetime

from django.utils import timezone

from dangjian.organizations.models import Organization

from .. import services_buildings
from .fixtures import make_firm

TODAY = timezone.localdate()


def make_building(actor, area, name="滨江商务大厦", floors_above=18, floors_below=2, phone="13905712345", **attrs):
    return services_buildings.building_create(
        actor=actor, name=name, address="江滨大道100号", area_organization=area, floors_above=floors_above,
        floors_below=floors_below, property_company="临江物业", property_contact="周经理", property_phone=phone,
        association_name=f"{name}楼宇企业联谊会", **attrs)


def make_tenant(actor, building, n, floor, **attrs):
    return make_firm(actor, building.area_organization, n, name=attrs.pop("name", f"楼宇企业{n}"),
                     building=building, floor=floor, **attrs)


def make_desk(actor, building):
    return services_buildings.desk_open(actor=actor, building=building, name=f"{building.name}党建服务咨询站",
                                        opened_on=TODAY - datetime.timedelta(days=30), location="1F大堂")


def matrix_samples(personas):
    """For the authorization matrix: objects of 滨河社区党委's area, by the kind names the matrix uses."""
    actor = personas["admin"]
    community = Organization.objects.get(name="滨河社区党委")
    building = make_building(actor, community, name="矩阵商务楼")
    firm = make_tenant(actor, building, 9801, 3, name="矩阵楼宇企业")
    desk = make_desk(actor, building)
    service = services_buildings.desk_service_record(actor=actor, desk=desk, served_on=TODAY, kind="consultation",
                                                     subject="组织关系转接咨询", firm=firm)
    return {"office_building": building, "service_desk": desk, "desk_service": service}
