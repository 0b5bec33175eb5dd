"""The dues section: collected, paid up, arrears and reliefs of a small branch whose declarations,
payments and reliefs go through the dues services, on several days of 2026 (as-of)."""
import datetime

import pytest

from conftest import DEMO_TODAY
from dangjian.dues import services
from dangjian.reports.figures import Scope, dues
from dangjian.reports.tests.test_figures_orglife import new_branch, person

D = datetime.date


def pay(branch, member, month, paid_on, extra="0"):
    services.payments_record(actor=None, organization=branch, month=month,
                             entries=[{"member": member, "paid_on": paid_on, "extra": extra}])


@pytest.fixture
def branch(org):
    """Five members from 2025-06-01; the platform collects from January 2026 (rule pack).

    甲 wage 4000 → ¥40.00 a month, paid January–April on the 10th (¥10 extra in January), May and June
    on 5 June. 乙 retired 3000 → ¥15.00, paid January only. 丙 student → ¥0.20, never paid.
    丁 wage 6000, exempted January–June (approved on 10 January). 戊 employed, no base declared.
    """
    b = new_branch(org["community"], "FIGD01", on=D(2025, 6, 1))
    m1, m2, m3, m4, m5 = (person(b, name=n, category=c, on=D(2025, 6, 1)) for n, c in (
        ("甲", "employed"), ("乙", "retired"), ("丙", "student"), ("丁", "employed"), ("戊", "employed")))
    services.declaration_create(actor=None, member=m1, basis="wage", base="4000", effective_from=D(2026, 1, 1))
    services.declaration_create(actor=None, member=m2, basis="retired", base="3000", effective_from=D(2026, 1, 1))
    services.declaration_create(actor=None, member=m4, basis="wage", base="6000", effective_from=D(2026, 1, 1))
    for month in (1, 2, 3, 4):
        pay(b, m1, D(2026, month, 1), D(2026, month, 10), extra="10" if month == 1 else "0")
    pay(b, m1, D(2026, 5, 1), D(2026, 6, 5))
    pay(b, m1, D(2026, 6, 1), D(2026, 6, 5))
    pay(b, m2, D(2026, 1, 1), D(2026, 1, 10))
    relief = services.relief_request(actor=None, member=m4, kind="exemption", from_month=D(2026, 1, 1),
                                     to_month=D(2026, 6, 1), reason="家庭困难", decided_on=D(2026, 1, 5))
    services.relief_approve(actor=None, relief=relief, approving_organization=org["community"],
                            approved_on=D(2026, 1, 10))
    return b


def test_dues_on_a_day_in_may(branch):
    # Collected by 20 May: 甲 4 × 40 + 乙 15 = 175 (May was paid only on 5 June). Ended months January–April
    # (collection starts in January): 乙 owes 3, 丙 4, 戊 4 (warning from 3); 甲 is paid up to April; 丁 is
    # exempted in May, so 4 members are liable and 1 of them is paid up.
    answer = dues.compute(Scope(branch, D(2026, 5, 20)))
    assert answer == {
        "members": 5, "collected": "175.00", "extra": "10.00", "paid_this_month": 0, "paid_up": 1,
        "paid_up_rate": "25.00", "in_arrears": 3, "arrears": {"warn": 3, "serious": 0},
        "exempt": 1, "reliefs": {"reduction": 0, "exemption": 1},
    }


def test_dues_at_the_start_of_the_year(branch):
    # 5 January: nothing paid yet, no month of the collection has ended (so everyone is paid up), and 丁's
    # exemption was approved only on the 10th.
    answer = dues.compute(Scope(branch, D(2026, 1, 5)))
    assert answer == {
        "members": 5, "collected": "0.00", "extra": "0.00", "paid_this_month": 0, "paid_up": 5,
        "paid_up_rate": "100.00", "in_arrears": 0, "arrears": {"warn": 0, "serious": 0},
        "exempt": 0, "reliefs": {"reduction": 0, "exemption": 0},
    }


def test_arrears_grow_serious_by_july(branch):
    # 20 July: January–June have ended. 乙 owes 5, 丙 and 戊 6 (serious from 5); 甲 owes none (paid to June);
    # 丁's exemption has ended with June. 甲 paid nothing for July by the 20th.
    answer = dues.compute(Scope(branch, D(2026, 7, 20)))
    assert answer["arrears"] == {"warn": 0, "serious": 3} and answer["in_arrears"] == 3
    assert answer["collected"] == "255.00" and answer["paid_this_month"] == 0
    assert answer["exempt"] == 0


def test_records_link_to_the_dues_pages(branch):
    scope = Scope(branch, D(2026, 5, 20))
    assert dues.SECTION.figure("paid_up_rate").records(scope, "") == f"/dues/?org={branch.pk}&year=2026"
    assert dues.SECTION.figure("exempt").records(scope, "") == f"/dues/reliefs/?org={branch.pk}&status=approved"


def test_whole_city_in_a_constant_number_of_queries(branch, org, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        answer = dues.compute(Scope(org["city"], DEMO_TODAY))
    assert answer["members"] > 100
    assert answer["reliefs"]["exemption"] == 0  # 丁's exemption ended with June
