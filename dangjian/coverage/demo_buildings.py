"""Demo office buildings of 江滨街道 (楼宇党建): 滨江商务大厦 with its service desk, service records and
association events, 临江科创园A座 in 滨河社区, and one building in another community. After the firms
part's demo has placed tenants, :func:`build_joint` forms a joint branch of three small tenants on
floors 8–10 of 滨江商务大厦. Run once after ``seed_demo`` built the city (skips what exists)."""
import datetime

from django.db import transaction

from dangjian.accounts.models import User
from dangjian.organizations.choices import OrgStatus
from dangjian.organizations.models import Organization

from . import selectors_buildings, services_buildings, services_firms
from .choices import NOT_AREA_TYPES, DeskServiceKind, FirmSize
from .models import Building

STREET = "中共临江市江滨街道工作委员会"
COMMUNITY = "滨河社区党委"
BUILDINGS = [
    # name, address, community, above, below, property company, contact, phone, association
    ("滨江商务大厦", "江滨大道188号", COMMUNITY, 18, 2, "临江物业", "周经理", "13957120188", "滨江商务大厦楼宇企业联谊会"),
    ("临江科创园A座", "滨河路66号", COMMUNITY, 12, 1, "临江科创园物业服务中心", "吴主管", "13857126601", ""),
]
OTHER_BUILDING = ("望江金融中心", "望江路8号", 22, 3, "望江物业", "郑经理", "13705718008", "望江金融中心企业联谊会")
SERVICES = [
    (DeskServiceKind.RELATION, "新入职党员组织关系转入咨询", True),
    (DeskServiceKind.ACTIVIST, "入党申请人了解入党程序", True),
    (DeskServiceKind.POLICY, "小微企业稳岗补贴政策解读", True),
    (DeskServiceKind.CONSULTATION, "流动党员参加组织生活咨询", True),
    (DeskServiceKind.DIFFICULTY, "企业员工子女入学协调", False),
    (DeskServiceKind.RELATION, "毕业生党员档案接转", True),
    (DeskServiceKind.POLICY, "高新技术企业认定政策咨询", True),
    (DeskServiceKind.ACTIVIST, "积极分子培训报名", True),
    (DeskServiceKind.DIFFICULTY, "楼宇停车难问题反映", False),
    (DeskServiceKind.OTHER, "党员志愿服务报名", True),
]
EVENTS = [
    ("楼宇企业联谊会年度座谈会", "大厦3楼会议室", 42, "收集企业诉求12条，协调解决停车、通勤班车等问题5项。"),
    ("“红色楼宇”主题党日联学活动", "大厦1楼党群服务站", 35, "8家企业党员共同学习，新增入党申请人2名。"),
    ("楼宇企业人才招聘与政策宣讲会", "大厦2楼多功能厅", 60, "人社部门现场解读政策，达成就业意向23人。"),
]


def _actor():
    return User.objects.filter(is_superuser=True).order_by("pk").first()


def build(*, today: datetime.date) -> None:
    """The buildings, the desk of 滨江商务大厦 with ~10 service records and 3 association events."""
    street = Organization.objects.filter(name=STREET).first()
    actor = _actor()
    if street is None or actor is None or Building.objects.filter(name=BUILDINGS[0][0]).exists():
        return
    with transaction.atomic():
        made = []
        for name, address, community, above, below, company, contact, phone, association in BUILDINGS:
            area = Organization.objects.get(name=community)
            made.append(services_buildings.building_create(
                actor=actor, name=name, address=address, area_organization=area, floors_above=above,
                floors_below=below, property_company=company, property_contact=contact, property_phone=phone,
                association_name=association))
        other = Organization.objects.filter(path__startswith=street.path, depth=street.depth + 1).exclude(
            name=COMMUNITY).exclude(org_type__in=NOT_AREA_TYPES).filter(status=OrgStatus.ACTIVE).order_by("path").first()
        if other is not None:
            name, address, above, below, company, contact, phone, association = OTHER_BUILDING
            services_buildings.building_create(
                actor=actor, name=name, address=address, area_organization=other, floors_above=above,
                floors_below=below, property_company=company, property_contact=contact, property_phone=phone,
                association_name=association)
        main = made[0]
        desk = services_buildings.desk_open(actor=actor, building=main, name="滨江商务大厦党建服务咨询站",
                                            opened_on=today - datetime.timedelta(days=400), location="1F大堂东侧",
                                            hosts="社区党委委员、楼宇党员志愿者", opening_hours="工作日 9:00–17:00")
        for i, (kind, subject, settled) in enumerate(SERVICES):
            services_buildings.desk_service_record(actor=actor, desk=desk, kind=kind, subject=subject,
                                                   resolved=settled,
                                                   served_on=today - datetime.timedelta(days=300 - 28 * i))
        for i, (title, place, attendance, outcomes) in enumerate(EVENTS):
            services_buildings.association_event_record(
                actor=actor, building=main, held_on=today - datetime.timedelta(days=330 - 110 * i), title=title,
                place=place, attendance=attendance, outcomes=outcomes)


def build_joint(*, today: datetime.date) -> None:
    """After the firms' demo: tie tenants to the desk's records and the events, and form one joint
    branch (LJJB-LY01) of three small tenants on floors 8–10 of 滨江商务大厦, if they are there."""
    building = Building.objects.filter(name=BUILDINGS[0][0]).first()
    actor = _actor()
    if building is None or actor is None or Organization.objects.filter(code="LJJB-LY01").exists():
        return
    tenants = list(selectors_buildings.tenants(building).select_related("unit").order_by("floor", "unit__name"))
    with transaction.atomic():
        for event in building.association_events.all():
            if tenants and not event.firms.exists():
                event.firms.set(tenants[:6])
        for i, service in enumerate(building.desks.first().services.filter(firm__isnull=True) if building.desks.exists()
                                    else []):
            if tenants:
                service.firm = tenants[i % len(tenants)]
                service.save(update_fields=["firm"])
        candidates = list(selectors_buildings.uncovered_tenants(building, today, floor_from=8, floor_to=10).filter(
            size__in=(FirmSize.SMALL, FirmSize.MICRO, ""))[:3])
        if len(candidates) < 3:
            candidates = list(selectors_buildings.uncovered_tenants(building, today, floor_from=8, floor_to=10)[:3])
        if len(candidates) >= 2:
            services_firms.joint_branch_form(actor=actor, parent=building.area_organization,
                                             name="滨江商务大厦第一联合党支部", code="LJJB-LY01", firms=candidates,
                                             on=today - datetime.timedelta(days=180))
