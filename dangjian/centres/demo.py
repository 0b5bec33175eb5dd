"""Demo service centres: 江滨街道's centre and 滨河社区's station, their catalogues, representative
reception days, a few coming bookings by the ``resident`` persona and past service records."""
import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from dangjian.organizations.models import Organization

from .choices import CentreKind, Outcome
from .models import ServiceCentre
from .services import (
    booking_make,
    centre_create,
    item_create,
    representative_day_add,
    representative_visit_add,
    service_record_add,
    slot_times,
)

ITEMS = [
    ("法律咨询", "律师现场解答婚姻家庭、劳动合同、房屋租赁等法律问题。", 30, True, 2, True),
    ("矛盾纠纷调解", "邻里、物业、家庭纠纷调解。", 60, True, 1, True),
    ("就业推荐", "岗位信息发布、求职登记与推荐。", 30, True, 3, False),
    ("社保医保代办", "参保登记、医保报销材料代办。", 20, False, 1, False),
]
SUMMARIES = ["解答劳动合同解除补偿问题，建议先行协商。", "协助填写医保报销材料并代为递交。",
             "登记求职意向，推荐两个社区周边岗位。", "调解楼上楼下漏水纠纷，双方达成一致。"]


def _next_open_days(centre, start, n):
    days, day = [], start
    while len(days) < n:
        day += datetime.timedelta(days=1)
        if centre.is_open_on(day):
            days.append(day)
    return days


def build_demo(*, seed: int = 1):
    rng = random.Random(seed)
    today = timezone.localdate()
    street = Organization.objects.filter(name="中共临江市江滨街道工作委员会").first()
    community = Organization.objects.filter(name="滨河社区党委").first()
    if street is None or community is None or ServiceCentre.objects.filter(organization=community).exists():
        return []
    with transaction.atomic():
        centre = centre_create(actor=None, name="江滨街道党群服务中心", kind=CentreKind.CENTRE, organization=street,
                               address="临江市江滨街道江滨路88号", phone="0571-8800 1234", open_days=[0, 1, 2, 3, 4, 5],
                               opens=datetime.time(8, 30), closes=datetime.time(17, 30),
                               hours_note="法定节假日休息", active=True,
                               coverage=Organization.objects.get_children(street).order_by("path")[:6])
        station = centre_create(actor=None, name="滨河社区党群服务站", kind=CentreKind.STATION, organization=community,
                                address="临江市江滨街道滨河路12号", phone="0571-8800 5678",
                                open_days=[0, 1, 2, 3, 4], opens=datetime.time(9), closes=datetime.time(17),
                                hours_note="", active=True, coverage=[community])
        centres = [centre, station]
        for c in centres:
            for name, description, duration, booking, capacity, phone in ITEMS:
                item_create(actor=None, centre=c, name=name, description=description, duration=duration,
                            needs_booking=booking, capacity=capacity, needs_phone=phone, active=True)
            for offset, delegate, topic in ((-14, "王建国", "老旧小区加装电梯"), (7, "李秀英", "社区养老服务"),
                                            (21, "陈志强", "背街小巷整治")):
                day = today + datetime.timedelta(days=offset)
                rep_day = representative_day_add(actor=None, centre=c, day=day, starts=datetime.time(9),
                                                 ends=datetime.time(11, 30), delegate_name=delegate, topic=topic)
                if offset < 0:
                    representative_visit_add(actor=None, day=rep_day, matter="反映3号楼加装电梯意见不一。",
                                             response="代表已与街道对接，下月召开协商会。", outcome=Outcome.PENDING)
            items = list(c.items.order_by("name"))
            for n in range(6):
                item = rng.choice(items)
                service_record_add(actor=None, centre=c, item=item, served_on=today - datetime.timedelta(days=n * 3 + 1),
                                   handled_by="窗口工作人员", summary=rng.choice(SUMMARIES),
                                   outcome=rng.choice(list(Outcome.values)))
        resident = get_user_model().objects.filter(username="resident").first()
        if resident is not None:
            for item, day in zip(station.items.filter(needs_booking=True).order_by("name")[:2],
                                 _next_open_days(station, today, 2), strict=False):
                booking_make(actor=resident, item=item, day=day, start=slot_times(item)[2],
                             contact_phone="13800001111" if item.needs_phone else "", note="")
    return centres
