"""The working-day calendar: holidays and 调休 make-up workdays from data, unknown years provisional."""
import datetime

import pytest

from dangjian.core.models import CalendarDay, CalendarYear
from dangjian.core.workdays import WorkCalendar, calendar_year_replace

D = datetime.date


@pytest.fixture
def calendar(db):
    return WorkCalendar()


def test_seeded_from_the_package(calendar):
    assert {2019, 2025, 2026} <= calendar.years
    assert CalendarDay.objects.get(date=D(2026, 10, 1)).name == "国庆节"
    assert not calendar.is_working_day(D(2026, 2, 16))      # Monday in the Spring Festival
    assert calendar.is_working_day(D(2026, 2, 14))          # Saturday, make-up workday
    assert not calendar.is_working_day(D(2026, 11, 21))     # an ordinary Saturday


def test_working_days_skip_holidays_and_count_make_up_days(calendar):
    # Friday 13 Feb 2026: next working day is Saturday 14th (调休), then the festival runs to the 23rd.
    assert calendar.add_working_days(D(2026, 2, 13), 1).date == D(2026, 2, 14)
    assert calendar.add_working_days(D(2026, 2, 13), 2).date == D(2026, 2, 24)
    assert calendar.working_days_between(D(2026, 2, 13), D(2026, 2, 28)) == 6  # 14, 24–27, 28 (调休)
    # A deadline falling in the National Day holiday moves to the first working day after it.
    assert calendar.on_or_after(D(2026, 10, 3)).date == D(2026, 10, 8)
    # Five working days of public notice begun on Wednesday 30 Sep 2026 end on 12 Oct (10 Oct is a make-up day).
    end = calendar.working_period_end(D(2026, 9, 30), 5)
    assert end.date == D(2026, 10, 12) and not end.provisional


def test_years_without_data_are_provisional_not_guessed(calendar):
    assert 2027 not in calendar.years
    result = calendar.add_working_days(D(2026, 12, 30), 3)
    assert result.date == D(2027, 1, 4) and result.provisional
    assert not calendar.add_working_days(D(2026, 12, 1), 3).provisional


def test_loading_a_year_makes_its_dates_firm(db):
    calendar_year_replace(year=2027, days=[(D(2027, 1, 1), "holiday", "元旦")], source="国务院办公厅通知")
    calendar = WorkCalendar()
    result = calendar.add_working_days(D(2026, 12, 31), 1)
    assert result.date == D(2027, 1, 4) and not result.provisional
    assert CalendarYear.objects.get(year=2027).source == "国务院办公厅通知"
