"""Demo transfers and mobile members for the demo city's first communities (滨河, 望江).

Loaded by ``seed_demo`` after the meetings. Every record goes through the services, dated
back from today, so the pages show each state: received, waiting on both sides, expired and
expiring letters, rejected and cancelled ones, letters to and from elsewhere, members away
with their activities, and a temporary branch of three of them.
"""
import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dangjian.core import pii
from dangjian.core.dates import add_years
from dangjian.core.demo import people
from dangjian.members.choices import Category, MemberStatus
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from . import mobile, services
from .choices import TransferKind

COMMUNITIES = ("滨河社区党委", "望江社区党委")
OUTSIDE = {
    "shenzhen": "中共深圳市南山区粤海街道科技园社区委员会",
    "hangzhou": "中共杭州市西湖区文新街道工作委员会",
    "shanghai": "中共上海市浦东新区陆家嘴街道梅园社区第三党支部",
    "nanjing": "中共南京市鼓楼区湖南路街道工作委员会",
}


def build_demo(*, seed: int = 1) -> None:
    """Add the demo transfers and mobile members (tens of rows) to the demo city."""
    rng = random.Random(seed)
    today = timezone.localdate()

    def ago(days):
        return today - datetime.timedelta(days=days)

    branches = {o.name: o for name in COMMUNITIES for o in Organization.objects.get(name=name).subtree()
                .filter(org_type="branch").order_by("path")}
    pools = {name: list(org.members.filter(status=MemberStatus.FULL, user__isnull=True, posts__isnull=True)
                        .without_protected().select_related("organization").order_by("id")[:12])
             for name, org in branches.items()}

    def take(branch_name):
        return pools[branch_name].pop(0)

    b1, b2, b3 = "滨河社区第一党支部", "滨河社区第二党支部", "滨河社区离退休党支部"
    w1, w2, w3 = "望江社区第一党支部", "望江社区第二党支部", "望江社区离退休党支部"
    village = Organization.objects.get(name="青山村党支部")
    xinhua = Organization.objects.get(name="新华社区第一党支部")

    def send(branch_name, *, to=None, days, kind=TransferKind.WITHIN, destination="", reason="employer", note=""):
        member = take(branch_name)
        return services.transfer_send(
            actor=None, member=member, kind=kind, to_organization=to, destination=destination, reason=reason,
            reason_note=note, dues_paid_until=(ago(days).replace(day=1) - datetime.timedelta(days=1)).replace(day=1),
            sent_on=ago(days))

    with transaction.atomic():
        # Received within the platform, some weeks ago.
        done = send(b1, to=branches[w2], days=95, reason="home", note="搬迁至望江花园")
        services.transfer_receive(actor=None, transfer=done, on=ago(82), note="已编入望江社区第二党支部")
        done = send(w1, to=branches[b2], days=40, reason="employer", note="调入滨河社区卫生服务站")
        services.transfer_receive(actor=None, transfer=done, on=ago(31))
        # Waiting on both sides, one close to expiry, one expired.
        send(b1, to=branches[w1], days=6, reason="home", note="购房迁居望江社区")
        send(w2, to=branches[b3], days=2, reason="retirement", note="退休后随子女居住")
        send(w1, to=branches[b1], days=80, reason="employer", note="调入滨河物业公司")
        send(b2, to=village, days=100, reason="home", note="返乡居住")
        # Rejected and cancelled.
        refused = send(b3, to=branches[w1], days=25, reason="home")
        services.transfer_reject(actor=None, transfer=refused, reason="该同志实际居住在滨河社区，请核实后再转")
        withdrawn = send(w3, to=xinhua, days=18, reason="home")
        services.transfer_cancel(actor=None, transfer=withdrawn, reason="本人决定暂不迁居")
        # Letters to elsewhere: one waiting for its return slip, one completed.
        send(b1, kind=TransferKind.OUTGOING, destination=OUTSIDE["shenzhen"], days=15, reason="employer",
             note="入职深圳某科技公司")
        gone = send(w1, kind=TransferKind.OUTGOING, destination=OUTSIDE["hangzhou"], days=70, reason="employer")
        services.transfer_return_slip(actor=None, transfer=gone, returned_on=ago(48), note="回执已归档")
        # Members arriving with letters from elsewhere.
        for number, (branch_name, origin, days) in enumerate([(b1, OUTSIDE["shanghai"], 12), (w2, OUTSIDE["nanjing"], 33)]):
            data = _newcomer(rng, today)
            services.transfer_receive_from_outside(
                actor=None, organization=branches[branch_name], member_data=data, origin=origin,
                letter_number=f"外转〔{today.year}〕{number + 21:03d}号", sent_on=ago(days + 5),
                dues_paid_until=(ago(days).replace(day=1) - datetime.timedelta(days=1)).replace(day=1),
                received_on=ago(days))

        # Members away (流动党员): three in Shenzhen form a temporary branch.
        shenzhen = []
        for branch_name, days, work in [(b1, 60, "深圳某电子厂技术员"), (b2, 45, "外卖骑手"), (w2, 90, "建筑工地施工员")]:
            shenzhen.append(mobile.mobile_register(
                actor=None, member=take(branch_name), destination="广东省深圳市南山区", work=work, left_on=ago(days),
                expected_return_on=ago(days) + datetime.timedelta(days=150), contact_person="李书记",
                certificate_number=f"LDDY{today.year}{len(shenzhen) + 1:04d}"))
        parent = Organization.objects.get_parent(Organization.objects.get(name=COMMUNITIES[0]))
        mobile.temporary_branch_create(actor=None, parent=parent, name="江滨街道驻深圳流动党员临时党支部",
                                       mobile_members=shenzhen, on=ago(20))
        away = [
            mobile.mobile_register(actor=None, member=take(w1), destination="浙江省杭州市余杭区", work="电商公司客服",
                                   left_on=ago(230), transfer_impossible=True, note="工作地点不固定"),
            mobile.mobile_register(actor=None, member=take(b3), destination="海南省三亚市", work="随子女过冬",
                                   left_on=ago(200), contact_person="社区王主任"),
            mobile.mobile_register(actor=None, member=take(w3), destination="江苏省苏州市工业园区", work="照看孙辈",
                                   left_on=ago(40), expected_return_on=ago(40) + datetime.timedelta(days=100)),
        ]
        back = mobile.mobile_register(actor=None, member=take(b2), destination="北京市朝阳区", work="短期培训",
                                      left_on=ago(150), expected_return_on=ago(60))
        mobile.mobile_return(actor=None, registration=back, returned_on=ago(58), note="培训结束返回")
        activities = [("study", "参加临时党支部集中学习", Decimal("2")), ("meeting", "参加临时党支部主题党日", Decimal("2")),
                      ("service", "在社区参加志愿服务", Decimal("3")), ("study", "线上学习全会精神", Decimal("1.5"))]
        for registration in [*shenzhen, *away]:
            for kind, text, hours in rng.sample(activities, rng.randint(1, 3)):
                mobile.mobile_activity_record(actor=None, registration=registration, kind=kind, description=text,
                                              hours=hours, on=ago(rng.randint(1, 18)), place=registration.destination)


def _newcomer(rng: random.Random, today: datetime.date) -> dict:
    """A member arriving from elsewhere, with an ID number no one in the city has."""
    while True:
        person = people.person(rng, born_from=1975, born_to=1998)
        if not Member.objects.filter(id_number_hash=pii.blind_index("id", person["id_number"])).exists():
            break
    joined = add_years(person["birth_date"], rng.randint(22, 26))
    return {**person, "ethnicity": "01", "phone": people.phone(rng), "address": people.address(rng, "临江市江滨街道"),
            "education": "undergraduate", "joined_on": joined, "full_member_on": add_years(joined, 1),
            "status": MemberStatus.FULL, "category": Category.EMPLOYED, "work_unit": "临江新区某企业", "job": "职员"}
