"""Demo firms of 江滨街道's communities: a register with surveys, people linked, one own branch."""
from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model

from dangjian.core.validators import credit_code_check_char
from dangjian.organizations.models import Organization

from . import services_firms, services_staff, services_surveys
from .models import Building, Firm

NAMES = [
    ("临江滨河网络科技有限公司", "I", "small"), ("江滨鑫源餐饮管理有限公司", "H", "micro"),
    ("临江恒通物流有限公司", "G", "medium"), ("滨江律师事务所", "L", "small"), ("临江启航教育培训中心", "P", "small"),
    ("江滨惠民超市有限公司", "F", "micro"), ("临江智联软件有限公司", "I", "medium"), ("江滨安居物业服务有限公司", "K", "small"),
    ("临江康泰医疗器械有限公司", "C", "small"), ("滨河会计师事务所", "L", "micro"), ("临江云帆电子商务有限公司", "I", "small"),
    ("江滨建工装饰工程有限公司", "E", "small"), ("临江市滨河社区养老服务中心", "Q", "micro"),
    ("江滨街道志愿者协会", "S", "micro"), ("临江新材料研究院有限公司", "M", "medium"), ("临江青禾文化传媒有限公司", "R", "micro"),
    ("江滨汇丰汽车维修有限公司", "O", "micro"), ("临江数智金融服务有限公司", "J", "small"), ("滨江印务有限公司", "C", "small"),
    ("临江市江滨商会", "S", "micro"), ("江滨速达快递服务部", "G", "micro"), ("临江优品设计有限公司", "L", "micro"),
    ("临江绿源环保科技有限公司", "N", "small"), ("江滨阳光幼儿园", "P", "micro"), ("临江信诚人力资源有限公司", "L", "small"),
]
# Small tenants of 滨江商务大厦 by floor (楼宇党建: joint branches are formed by floor and trade).
TENANTS = [
    ("滨江汇智管理咨询有限公司", "L", 8), ("临江博远知识产权代理有限公司", "L", 8), ("滨江鼎信财务咨询有限公司", "L", 9),
    ("临江众创空间运营有限公司", "L", 9), ("滨江嘉禾广告有限公司", "L", 10), ("临江蓝海跨境贸易有限公司", "F", 12),
    ("临江优选旅行社有限公司", "L", 3), ("滨江瑞丰保险代理有限公司", "J", 5), ("临江乐学教育科技有限公司", "P", 6),
]
SOCIAL = {"临江市滨河社区养老服务中心", "江滨街道志愿者协会", "临江市江滨商会", "江滨阳光幼儿园"}


def _code(n: int) -> str:
    first17 = f"91330102MA2D{n:05d}"[:17]
    return first17 + credit_code_check_char(first17)


def build(*, today: datetime.date) -> None:
    """Add about 25 firms to 江滨街道's communities (skipped if they are there already)."""
    if Firm.objects.filter(unit__credit_code=_code(1)).exists():
        return
    rng = random.Random(8)
    street = Organization.objects.get(name="中共临江市江滨街道工作委员会")
    actor = get_user_model().objects.filter(is_superuser=True).order_by("id").first()
    # The communities of the street (社区党委, at any depth below it) look after the firms by area.
    communities = list(Organization.objects.filter(path__startswith=street.path, unit_kind="community",
                                                   status="active")
                       .exclude(org_type__in=("branch", "joint_branch", "temporary_branch", "party_group"))
                       .order_by("path")) or [street]
    binhe = next((c for c in communities if c.name == "滨河社区党委"), communities[0])
    buildings = list(Building.objects.filter(name__in=["滨江商务大厦", "临江科创园A座"]))
    firms = []
    for n, (name, industry, size) in enumerate(NAMES, start=1):
        area = binhe if n % 2 else communities[n % len(communities)]
        attrs = {}
        if buildings and area == binhe and industry in "IJLM":
            building = buildings[n % len(buildings)]
            attrs = {"building": building, "floor": rng.randint(1, building.floors_above)}
        firms.append(services_firms.firm_create(
            actor=actor, name=name, kind="social_organization" if name in SOCIAL else "private_enterprise",
            credit_code=_code(n), area_organization=area, address=f"临江市江滨街道滨河路{100 + n}号", industry=industry,
            size=size, employees=rng.randint(5, 300), established_on=datetime.date(2008 + n % 15, 1 + n % 12, 1 + n),
            legal_representative=rng.choice(["王建国", "李慧敏", "张志强", "陈晓燕", "刘海涛"]), **attrs))
    tower = next((b for b in buildings if b.name == "滨江商务大厦"), None)
    for n, (name, industry, floor) in enumerate(TENANTS, start=len(NAMES) + 1):
        firms.append(services_firms.firm_create(
            actor=actor, name=name, kind="private_enterprise", credit_code=_code(n), area_organization=binhe,
            address=f"临江市江滨街道滨江路1号{floor}层", industry=industry, size="micro", employees=rng.randint(3, 30),
            established_on=datetime.date(2015 + n % 9, 1 + n % 12, 1 + n % 27), building=tower,
            floor=floor if tower else None, room=f"{floor}{n % 20:02d}" if tower else ""))
    for firm in firms[:20]:
        services_surveys.firm_survey_record(
            actor=actor, firm=firm, surveyed_on=today - datetime.timedelta(days=rng.randint(10, 400)),
            surveyor=rng.choice(["周网格", "吴社工", "郑专干"]), employees=firm.employees,
            members_reported=rng.randint(0, 5), has_union=rng.random() < 0.5, wants_organization=rng.random() < 0.3)
    _link_people(actor, binhe, firms, today)


def _link_people(actor, community, firms, today):
    from dangjian.members.models import Member
    from dangjian.recruitment.models import Applicant

    members = list(Member.objects.filter(organization__path__startswith=community.path, status="full",
                                         employer__isnull=True).order_by("id")[:14])
    groups = [members[0:4], members[4:7], members[7:10], members[10:12]]
    for firm, group in zip((firms[0], firms[6], firms[10], firms[14]), groups, strict=False):
        for member in group:
            services_staff.firm_staff_link(actor=actor, firm=firm, member=member)
    for firm, applicant in zip(firms[2:6], Applicant.objects.filter(
            organization__path__startswith=community.path, status="in_progress").order_by("id")[:4], strict=False):
        services_staff.firm_staff_link(actor=actor, firm=firm, applicant=applicant)
    if len(groups[0]) >= 3:
        code = "LJDEMOF01"
        if not Organization.objects.filter(code=code).exists():
            services_firms.firm_branch_form(actor=actor, firm=firms[0], parent=community,
                                            name=f"{firms[0].name}党支部", code=code,
                                            on=today - datetime.timedelta(days=120))
