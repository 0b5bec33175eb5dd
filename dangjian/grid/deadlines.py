"""Deadlines of a request's steps (办理时限) from the ``grid`` rule pack, on the working-day calendar.

A duration is ``<n>m`` or ``<n>h`` (clock time: night and holidays count), ``<n>d`` (calendar
days) or ``<n>wd`` (working days on the official calendar, 调休 included). Day-based deadlines
end at the end of the last day (23:59:59 local time). A deadline that runs through a year whose
official calendar is not loaded yet is *provisional* and recomputed only by a later step.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.rules import RuleBook, RuleMissing, ancestor_codes
from dangjian.core.workdays import WorkCalendar, current_calendar

DURATION = re.compile(r"^(\d+)(m|h|d|wd)$")
END_OF_DAY = datetime.time(23, 59, 59)

# The steps that have deadlines, in the rule pack's words.
STAGES = ("accept", "register", "dispatch", "handle", "escalated", "redo", "check", "close")


@dataclass(frozen=True)
class Due:
    at: datetime.datetime
    provisional: bool
    version: str


def parse_duration(spec: str) -> tuple[int, str]:
    match = DURATION.match(str(spec).strip())
    if not match:
        raise ValueError(f"Not a duration: {spec!r}")
    return int(match.group(1)), match.group(2)


def end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, END_OF_DAY))


def due_after(start: datetime.datetime, spec: str, calendar: WorkCalendar) -> tuple[datetime.datetime, bool]:
    """The deadline ``spec`` after ``start``, and whether it is provisional."""
    count, unit = parse_duration(spec)
    if unit == "m":
        return start + datetime.timedelta(minutes=count), False
    if unit == "h":
        return start + datetime.timedelta(hours=count), False
    day = timezone.localtime(start).date()
    if unit == "d":
        return end_of(day + datetime.timedelta(days=count)), False
    work = calendar.add_working_days(day, count)
    return end_of(work.date), work.provisional


class RequestClock:
    """The rule pack and calendar for one request's organization, loaded once per step."""

    def __init__(self, request, *, on: datetime.date | None = None, calendar: WorkCalendar | None = None):
        self.request = request
        self.book = RuleBook(on)
        self.codes = ancestor_codes(request.organization)
        self.calendar = calendar or current_calendar()

    def value(self, key: str):
        return self.book.get(f"grid.{key}", self.codes).value

    def due(self, stage: str, start: datetime.datetime) -> Due:
        """The deadline of ``stage`` for the request's category and urgency, counted from ``start``."""
        request = self.request
        keys = (f"grid.category_deadlines.{request.category.code}.{stage}.{request.urgency}",
                f"grid.deadlines.{stage}.{request.urgency}")
        for key in keys:
            try:
                found = self.book.get(key, self.codes)
            except RuleMissing:
                continue
            at, provisional = due_after(start, found.value, self.calendar)
            return Due(at, provisional, found.version)
        raise RuleMissing(keys[-1])

    def extended(self, due: datetime.datetime, days: int) -> tuple[datetime.datetime, bool]:
        """``due`` moved on by ``days`` working days (an extension, 延期)."""
        work = self.calendar.add_working_days(timezone.localtime(due).date(), days)
        return end_of(work.date), work.provisional


def describe(spec: str) -> str:
    """A duration in words, for pages that show the rules."""
    count, unit = parse_duration(spec)
    return {"m": _("%(n)s minutes"), "h": _("%(n)s hours"), "d": _("%(n)s days"),
            "wd": _("%(n)s working days")}[unit] % {"n": count}
