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
            return Due(at, provisional)
        raise RuleMissing(keys[-1])

    def extended(self, due: datetime.datetime, days: int) -> tuple[datetime.datetime, bool]:
        """``due`` moved on by ``days`` working days (an extension, 延期)."""
        work = self.calendar.add_working_days(timezone.localtime(due).date(), days)
        return end_of(work.date), work.provisional

    # The request's two deadlines, each set with the basis it was computed from -------------------

    def set_stage(self, stage: str, start: datetime.datetime) -> None:
        """The current step runs against the rule pack's ``stage`` deadline from ``start``."""
        request, due = self.request, self.due(stage, start)
        request.stage_due_at, request.stage_due_provisional = due.at, due.provisional
        request.deadline_basis = {**request.deadline_basis, "stage": [stage, start.isoformat()]}

    def mirror_stage(self) -> None:
        """The current step (dispatched: being solved) runs against the deadline to be solved."""
        request = self.request
        request.stage_due_at, request.stage_due_provisional = request.resolution_due_at, \
            request.resolution_due_provisional
        request.deadline_basis = {**request.deadline_basis, "stage": "resolution"}

    def clear_stage(self) -> None:
        request = self.request
        request.stage_due_at, request.stage_due_provisional = None, False
        request.deadline_basis = {k: v for k, v in request.deadline_basis.items() if k != "stage"}

    def set_resolution(self, stage: str, start: datetime.datetime, extra_days: int = 0) -> None:
        """The request is to be solved by the rule pack's ``stage`` deadline from ``start``, plus
        ``extra_days`` working days of extensions."""
        request, due = self.request, self.due(stage, start)
        at, provisional = due.at, due.provisional
        if extra_days:
            at, later = self.extended(at, extra_days)
            provisional = provisional or later
        request.resolution_due_at, request.resolution_due_provisional = at, provisional
        request.deadline_basis = {**request.deadline_basis, "resolution": [stage, start.isoformat(), extra_days]}

    def extend_resolution(self, days: int) -> None:
        request = self.request
        basis = request.deadline_basis.get("resolution")
        if basis:
            stage, start, extra = basis
            self.set_resolution(stage, datetime.datetime.fromisoformat(start), extra + days)
        else:  # a request from before deadlines kept their basis
            request.resolution_due_at, request.resolution_due_provisional = self.extended(request.resolution_due_at,
                                                                                          days)


def recompute(request, *, calendar: WorkCalendar) -> bool:
    """Compute a request's deadlines again from their basis (after the calendar changed); whether
    anything changed. Each deadline is computed with the rule pack that was in force at its start."""
    before = (request.stage_due_at, request.resolution_due_at, request.stage_due_provisional,
              request.resolution_due_provisional)
    basis = request.deadline_basis or {}
    if basis.get("resolution"):
        stage, start, extra = basis["resolution"]
        start = datetime.datetime.fromisoformat(start)
        RequestClock(request, on=timezone.localtime(start).date(), calendar=calendar).set_resolution(stage, start, extra)
    stage_basis = basis.get("stage")
    if stage_basis == "resolution":
        RequestClock(request, calendar=calendar).mirror_stage()
    elif stage_basis:
        stage, start = stage_basis
        start = datetime.datetime.fromisoformat(start)
        RequestClock(request, on=timezone.localtime(start).date(), calendar=calendar).set_stage(stage, start)
    return before != (request.stage_due_at, request.resolution_due_at, request.stage_due_provisional,
                      request.resolution_due_provisional)


def requests_recompute_deadlines(*, year: int) -> int:
    """Recompute the deadlines of open requests that may depend on ``year``'s calendar: those marked
    provisional and those whose deadlines fall in that year. Returns how many changed."""
    from django.db import transaction
    from django.db.models import Q

    from .choices import FINISHED
    from .models import ServiceRequest

    calendar = WorkCalendar()  # fresh from the database, not the per-process copy
    candidates = (ServiceRequest.objects.exclude(status__in=FINISHED)
                  .filter(Q(stage_due_provisional=True) | Q(resolution_due_provisional=True)
                          | Q(stage_due_at__year=year) | Q(resolution_due_at__year=year))
                  .values_list("pk", flat=True))
    changed = 0
    for pk in list(candidates):
        with transaction.atomic():
            request = (ServiceRequest.objects.select_for_update(of=("self",))
                       .select_related("organization", "category").get(pk=pk))
            if recompute(request, calendar=calendar):
                request.save(update_fields=["stage_due_at", "stage_due_provisional", "resolution_due_at",
                                            "resolution_due_provisional", "deadline_basis"])
                changed += 1
    return changed


