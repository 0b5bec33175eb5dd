"""Objects of co-building for tests: a unit of 滨河社区党委 with a resource, and one of 青山镇."""
import datetime

from django.utils import timezone

from dangjian.cobuilding import services


def make_unit(org_obj, name="临江三中", phone="13805711234"):
    return services.unit_register(actor=None, organization=org_obj, name=name, kind="school",
                                  registered_on=timezone.localdate(), address="滨河路12号", contact_name="王老师",
                                  contact_phone=phone)


def make_resource(unit, name="操场"):
    return services.resource_add(actor=None, unit=unit, kind="ground", name=name, capacity=100,
                                 availability="周末")


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def matrix_samples():
    """For the authorization matrix: a unit of 滨河社区党委 with a resource and a booking, and the brand."""
    import datetime as dt

    from dangjian.organizations.models import Organization

    community = Organization.objects.get(name="滨河社区党委")
    unit = make_unit(community, name="矩阵共建单位")
    resource = make_resource(unit)
    booking = services.booking_request(actor=None, resource=resource, day=tomorrow(), starts_at=dt.time(9),
                                       ends_at=dt.time(10), purpose="矩阵")
    services.brand_save(actor=None, organization=community, name="矩阵品牌")
    return {"partner_unit": unit, "unit_resource": resource, "resource_booking": booking, "community_org": community}
