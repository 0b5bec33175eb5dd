import datetime

import pytest
from django.utils import timezone

from dangjian.centres import services
from dangjian.centres.choices import CentreKind


def next_open_day(centre, after=None):
    day = after or timezone.localdate()
    while True:
        day += datetime.timedelta(days=1)
        if centre.is_open_on(day):
            return day


@pytest.fixture
def station(org):
    centre = services.centre_create(actor=None, name="测试服务站", kind=CentreKind.STATION, organization=org["community"],
                                    address="滨河路1号", phone="0571-1234567", open_days=[0, 1, 2, 3, 4],
                                    opens=datetime.time(9), closes=datetime.time(12), hours_note="", active=True,
                                    coverage=[org["community"]])
    services.item_create(actor=None, centre=centre, name="法律咨询", description="律师解答", duration=30,
                         needs_booking=True, capacity=1, needs_phone=True, active=True)
    services.representative_day_add(actor=None, centre=centre, day=timezone.localdate() + datetime.timedelta(days=3),
                                    starts=datetime.time(9), ends=datetime.time(11), delegate_name="王代表",
                                    topic="加装电梯")
    return centre
