"""Demo co-building records for 滨河社区 (江滨街道): units with resources and bookings, members
registered in their home community, joint projects, agreements (one expiring soon) and the
community's brand with activities. Deterministic for a seed; run once (skips if already built)."""
import datetime
import random

from django.db import transaction
from django.utils import timezone

from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .choices import ProjectArea, ProjectStatus, ResourceKind, UnitKind
from .models import PartnerUnit
from .services import (
    agreement_sign,
    booking_request,
    booking_transition,
    brand_activity_add,
    brand_save,
    member_register,
    project_create,
    resource_add,
    unit_register,
)

UNITS = [
    ("临江市第三中学", UnitKind.SCHOOL, "滨河路12号", "王老师", [(ResourceKind.GROUND, "塑胶操场", 200, "周末全天"),
                                                          (ResourceKind.ROOM, "多功能报告厅", 150, "工作日晚间")]),
    ("临江市人民医院江滨分院", UnitKind.HOSPITAL, "江滨大道88号", "李主任",
     [(ResourceKind.EXPERT, "全科医生义诊", 1, "每月第一个周六上午")]),
    ("江滨派出所", UnitKind.POLICE, "江滨大道20号", "张所长", [(ResourceKind.EXPERT, "反诈宣讲民警", 1, "提前一周预约")]),
    ("临江供电公司江滨营业所", UnitKind.ENTERPRISE, "滨河路5号", "陈经理",
     [(ResourceKind.EQUIPMENT, "应急照明设备", 10, "随时")]),
    ("江滨街道市场监管所", UnitKind.ORGAN, "滨河路30号", "赵科长", [(ResourceKind.ROOM, "会议室", 30, "工作日下午")]),
]
PROJECTS = [
    ("“红色课堂”进社区", ProjectArea.ACTIVITIES, [0, 4], ProjectStatus.ONGOING,
     "每月一次党课，已开展8期，参加党员群众600余人次。"),
    ("家门口义诊", ProjectArea.SERVICES, [1], ProjectStatus.ONGOING, "累计义诊老人420人次，建立健康档案96份。"),
    ("平安滨河共建", ProjectArea.PROBLEMS, [2, 3], ProjectStatus.COMPLETED,
     "老旧小区电线整治完成3个楼栋，电信诈骗案件同比下降。"),
]
INTENTIONS = ["周末辅导孩子作业", "法律咨询", "夜间平安巡逻", "陪伴独居老人", "垃圾分类宣传"]


def build_demo(*, seed: int = 1, community: str = "滨河社区党委"):
    rng = random.Random(seed)
    today = timezone.localdate()
    org = Organization.objects.filter(name=community).first()
    if org is None or PartnerUnit.objects.filter(organization=org).exists():
        return
    with transaction.atomic():
        units = []
        for i, (name, kind, address, contact, resources) in enumerate(UNITS):
            unit = unit_register(actor=None, organization=org, name=name, kind=kind, address=address,
                                 contact_name=contact, contact_phone=f"1380571{rng.randint(1000, 9999)}",
                                 registered_on=today - datetime.timedelta(days=400 - 30 * i))
            units.append(unit)
            for r_kind, r_name, capacity, availability in resources:
                resource_add(actor=None, unit=unit, kind=r_kind, name=r_name, capacity=capacity,
                             availability=availability, description="")
        resource = units[0].resources.order_by("pk").first()
        for offset, hour, step in ((3, 9, "approve"), (3, 14, None), (10, 9, "decline")):
            booking = booking_request(actor=None, resource=resource, day=today + datetime.timedelta(days=offset),
                                      starts_at=datetime.time(hour), ends_at=datetime.time(hour + 2),
                                      purpose="社区居民运动会" if hour == 9 else "青少年暑期活动")
            if step:
                booking_transition(actor=None, booking=booking, action=step,
                                   note="场地当天有考试安排" if step == "decline" else "")
        for i, (title, area, idx, status, outcomes) in enumerate(PROJECTS):
            project_create(actor=None, organization=org, title=title, area=area, units=[units[k] for k in idx],
                           starts_on=today - datetime.timedelta(days=300 - 60 * i), status=status, outcomes=outcomes)
        for i, unit in enumerate(units[:4]):
            start = today - datetime.timedelta(days=700 - 100 * i)
            end = today + datetime.timedelta(days=20) if i == 0 else start + datetime.timedelta(days=1095)
            agreement_sign(actor=None, unit=unit, signed_on=start, term_start=start, term_end=end,
                           terms="双方在组织联建、资源联享、服务联抓等方面开展共建，每季度召开一次联席会议。")
        members = Member.objects.on_roll().without_protected().filter(
            organization__path__startswith=org.path).order_by("pk")[:6]
        for i, member in enumerate(members):
            member_register(actor=None, member=member, organization=org,
                            registered_on=today - datetime.timedelta(days=200 - 20 * i),
                            intentions=INTENTIONS[i % len(INTENTIONS)])
        brand = brand_save(actor=None, organization=org, name="滨河“红管家”", slogan="有事找红管家，事事有回应",
                           description="滨河社区以党员“红管家”为纽带，联合驻区单位为居民提供家门口的服务。",
                           outcomes="获评市级“一居一品”示范社区。")
        project = org.joint_projects.order_by("pk").first()
        for i, (title, outcome) in enumerate((("红管家议事会", "解决楼道照明问题12处"),
                                               ("邻里节", "600余名居民参加"))):
            brand_activity_add(actor=None, brand=brand, held_on=today - datetime.timedelta(days=40 * (i + 1)),
                               title=title, outcome=outcome, project=project if i == 0 else None)
