"""The official working-day calendar (工作日): weekends, public holidays and 调休 make-up workdays.

Holidays and make-up workdays are data (:class:`~dangjian.core.models.CalendarDay`), never
"Monday to Friday". A year without loaded data is not guessed: a date computed through such a
year is returned with ``provisional=True`` so that pages can say so, and it is recomputed (every
caller computes from recorded dates, never from stored results) once the year is loaded.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.dispatch import Signal

ONE_DAY = datetime.timedelta(days=1)

# English names used by the chinese-calendar package → the official Chinese names.
PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class WorkDate:
    """A computed date, and whether it went through a year without calendar data."""

    date: datetime.date
    provisional: bool = False

    def __str__(self):
        return self.date.isoformat()


class WorkCalendar:
    """Working days over the loaded calendar. Built once (two small queries) for many look-ups."""

    def __init__(self, holidays=None, workdays=None, years=None):
        if holidays is None:
            from .models import CalendarDay, CalendarYear

            rows = list(CalendarDay.objects.values_list("date", "kind"))
            holidays = {d for d, kind in rows if kind == CalendarDay.Kind.HOLIDAY}
            workdays = {d for d, kind in rows if kind == CalendarDay.Kind.WORKDAY}
            years = set(CalendarYear.objects.values_list("year", flat=True))
        self.holidays = set(holidays)
        self.workdays = set(workdays or ())
        self.years = set(years or ())

    def known(self, day: datetime.date) -> bool:
        """Whether the official calendar of ``day``'s year is loaded."""
        return day.year in self.years

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: datetime.date, count: int) -> WorkDate:
        """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day, provisional = start, not self.known(start)
        while count:
            day += ONE_DAY
            provisional = provisional or not self.known(day)
            if self.is_working_day(day):
                count -= 1
        return WorkDate(day, provisional)

    def working_period_end(self, start: datetime.date, count: int) -> WorkDate:
        """The last day of a period of ``count`` working days beginning on ``start`` (公示期 of five
        working days begun on a Monday ends on the Friday; begun on a holiday, it starts after it)."""
        first = self.on_or_after(start)
        end = self.add_working_days(first.date, count - 1) if count > 1 else first
        return WorkDate(end.date, first.provisional or end.provisional)

    def on_or_after(self, day: datetime.date) -> WorkDate:
        """``day`` if it is a working day, else the next one (a deadline falling on a holiday
        moves to the next working day, 顺延)."""
        provisional = not self.known(day)
        while not self.is_working_day(day):
            day += ONE_DAY
            provisional = provisional or not self.known(day)
        return WorkDate(day, provisional)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count


_cached: dict = {"calendar": None, "at": 0.0}


def current_calendar() -> WorkCalendar:
    """The calendar, kept in memory for ``WORK_CALENDAR_CACHE_SECONDS`` (60 by default; 0 in tests)
    so that busy steps (filing and moving requests) do not read every calendar row each time. An
    edit made in this process is seen at once; other processes see it within the cache time."""
    import time

    from django.conf import settings

    ttl = getattr(settings, "WORK_CALENDAR_CACHE_SECONDS", 60)
    now = time.monotonic()
    if _cached["calendar"] is None or now - _cached["at"] >= ttl:
        _cached["calendar"], _cached["at"] = WorkCalendar(), now
    return _cached["calendar"]


def forget_calendar():
    _cached["calendar"] = None


# Sent (after the commit) when the holidays or make-up workdays of ``year`` change, or a year is
# loaded or confirmed: apps that store computed deadlines recompute those that depend on it.
calendar_changed = Signal()


def calendar_changed_on_commit(year: int) -> None:
    """Forget the cached calendar now and again after the commit, then announce the change."""
    from django.db import transaction

    forget_calendar()

    def announce():
        forget_calendar()
        calendar_changed.send(sender=WorkCalendar, year=year)

    transaction.on_commit(announce)


def package_calendar() -> dict[int, list[tuple[datetime.date, str, str]]]:
    """The chinese-calendar package's data by year: (date, kind, Chinese name)."""
    import chinese_calendar

    by_year: dict[int, list] = {}
    for source, kind in ((chinese_calendar.holidays, "holiday"), (chinese_calendar.workdays, "workday")):
        for day, name in source.items():
            by_year.setdefault(day.year, []).append((day, kind, PACKAGE_NAMES.get(str(name), str(name))))
    return by_year


def calendar_load_package(*, replace: bool = False) -> list[int]:
    """Load the years the chinese-calendar package knows; years already loaded stay as edited
    unless ``replace``. Returns the years loaded."""
    from django.db import transaction

    from .models import CalendarYear

    loaded = []
    known = set(CalendarYear.objects.values_list("year", flat=True))
    with transaction.atomic():
        for year, days in sorted(package_calendar().items()):
            if year in known and not replace:
                continue
            calendar_year_replace(year=year, days=days, source="chinese-calendar")
            loaded.append(year)
    return loaded


def calendar_year_replace(*, year: int, days, source: str):
    """Set one year's holidays and make-up workdays to ``days`` [(date, kind, name)]."""
    from django.db import transaction

    from .models import CalendarDay, CalendarYear

    calendar_changed_on_commit(year)
    with transaction.atomic():
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create([CalendarDay(date=d, kind=k, name=n) for d, k, n in days if d.year == year])
        CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
