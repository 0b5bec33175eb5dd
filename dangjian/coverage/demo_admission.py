"""Demo affair admission records (社区事务准入) of 江滨街道工作委员会: six requests from city departments in
different states — three admitted (one expired, one ending soon), one refused with reasons, one in
review at link 4 (consulting the communities) and one returned. Run once after ``seed_demo`` built the
city (skips if already built)."""
import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from dangjian.organizations.choices import UnitKind
from dangjian.organizations.models import Organization

from . import services_admission as services
from .choices import LinkKind
from .models import AffairAdmission

STREET = "中共临江市江滨街道工作委员会"
D = datetime.timedelta

# (task, department, what communities do, legal basis, resources, funding, start offset, length days, outcome)
REQUESTS = [
    ("低保年审入户核查", "临江市民政局", "协助入户核查低保家庭收入、财产变化，收集核查表。",
     "《社会救助暂行办法》第十一条", "民政局派专员2名驻街道指导，提供核查终端3台", 36000, -200, 365, "admit"),
    ("老年人健康随访", "临江市卫生健康委员会", "每季度随访65岁以上独居老人，记录健康状况并转介社区卫生服务站。",
     "《基本公共卫生服务规范（第三版）》老年人健康管理服务规范", "社区卫生服务站医生每周驻点半天", 24000, -390, 370, "admit"),
    ("食品安全宣传进社区", "临江市市场监督管理局", "每半年组织一次食品安全宣传，张贴宣传材料。",
     "《中华人民共和国食品安全法》第十条", "市场监管所提供宣传物料和讲师", 8000, -320, 340, "admit"),
    ("社区代收水电费", "临江市住房和城乡建设局", "在社区服务站代收居民水电燃气费。",
     "无明确法律依据（部门内部通知）", "", 0, 0, 365, "refuse"),
    ("第五次全国经济普查入户登记", "临江市统计局", "配合普查员入户登记个体经营户，核对名录。",
     "《全国经济普查条例》第九条", "统计局选聘普查员12名，按户支付补助", 60000, 30, 120, "link4"),
    ("城镇燃气安全入户排查", "临江市住房和城乡建设局", "组织网格员入户检查燃气软管和报警器。",
     "《城镇燃气管理条例》第四十一条", "燃气公司派技术人员随行", 15000, 15, 180, "return"),
]


def _actor():
    users = get_user_model().objects
    return users.filter(username="organizer").first() or users.filter(is_superuser=True).first()


def _walk(actor, admission, outcome, today):
    move = lambda action, comment="": services.admission_transition(  # noqa: E731
        actor=actor, admission=admission, action=action, comment=comment, today=today)
    admission = move("submit")
    if outcome == "link4":  # in review at the 4th link (征求街道和社区意见)
        while admission.current_link.position < 4:
            admission = move("pass")
        return admission
    if outcome == "return":
        admission = move("pass")
        return move("return", "请补充燃气公司的人员安排和入户时间表，并说明经费测算依据。")
    while admission.current_link.kind != LinkKind.DECIDE:
        admission = move("pass")
    if outcome == "refuse":
        return move("refuse", "代收费用属于公用事业企业的经营服务，没有法律依据转由社区承担；建议企业设立自助缴费点。")
    admission = move("admit", "有法律依据，人员和经费随事转移，社区有条件承担。")
    while admission.current_link is not None:
        admission = move("pass")
    return admission


def build(*, today) -> None:
    street = Organization.objects.filter(name=STREET).first()
    actor = _actor()
    if street is None or actor is None or AffairAdmission.objects.filter(organization=street).exists():
        return
    communities = list(Organization.objects.filter(path__startswith=street.path, unit_kind=UnitKind.COMMUNITY,
                                                   name__endswith="社区党委").order_by("path")[:3])
    with transaction.atomic():
        for title, dept, what, basis, resources, funding, start, length, outcome in REQUESTS:
            starts = today + D(days=start)
            # "ending soon": the health follow-up ends within the re-review period; the food one has expired.
            ends = starts + D(days=length)
            if title == "老年人健康随访":
                ends = today + D(days=20)
            if title == "食品安全宣传进社区":
                ends = today - D(days=15)
            admission = services.admission_create(
                actor=actor, organization=street, communities=communities, title=title, department=dept,
                contact_person="", contact_phone="", description=what, legal_basis=basis, resources=resources,
                funding=funding, starts_on=starts, ends_on=ends)
            _walk(actor, admission, outcome, today)
