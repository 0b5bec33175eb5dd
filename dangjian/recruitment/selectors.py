"""Reads of recruitment: the timeline of a file, stages, the subtree dashboard and workbench alerts.

The timeline is computed every time from the recorded dates, the rule pack and the working-day
calendar; nothing computed is stored, so a recorded date is never changed by a recomputation
and a date computed through a year without calendar data (marked provisional) is right as soon
as the year is loaded.
"""
from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dangjian.core.dates import add_months, add_years
from dangjian.core.rules import RuleBook, ancestor_codes
from dangjian.core.workdays import WorkCalendar, WorkDate

from . import checks
from .choices import (
    ACTIVIST,
    ACTIVIST_EDUCATION,
    CANDIDATE,
    CONTACT_STEPS,
    FULL_MEMBER_STAGE,
    GENERAL_MEETING,
    ApplicantStatus,
    NoticeOutcome,
)
from .models import Applicant, ApplicantContact, PublicNotice, RecruitmentStep
from .pipeline import PROBATION_END, Pipeline, StepDef, codes_by_org, pipeline_for

DONE, DUE, OVERDUE, BLOCKED, WAITING = "done", "due", "overdue", "blocked", "waiting"
STATUS_LABELS = {DONE: gettext_lazy("Done"), DUE: gettext_lazy("Due"), OVERDUE: gettext_lazy("Overdue"),
                 BLOCKED: gettext_lazy("Blocked"), WAITING: gettext_lazy("Waiting")}


@dataclass
class StepRow:
    """One step of one person's timeline."""

    step: StepDef
    record: object | None = None  # the RecruitmentStep, once recorded
    earliest: WorkDate | None = None
    latest: WorkDate | None = None
    limit: WorkDate | None = None
    status: str = WAITING
    urgency: str = ""  # for a due step: "soon" (within the warning days of the latest date) or "late"
    reasons: list[str] = field(default_factory=list)
    next_review: WorkDate | None = None  # activists: the next half-yearly review
    late: bool = False  # recorded after its latest date

    @property
    def number(self):
        return self.step.number

    @property
    def done_on(self):
        return self.record.done_on if self.record is not None else None

    @property
    def provisional(self) -> bool:
        return any(d is not None and d.provisional for d in (self.earliest, self.latest, self.limit, self.next_review))

    @property
    def deadline(self) -> WorkDate | None:
        return self.limit or self.latest

    @property
    def actionable(self) -> bool:
        return self.status in (DUE, OVERDUE)

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def probation_end(pipeline: Pipeline, dates: dict[int, datetime.date], extension_months: int = 0):
    """The end of probation: one year (rule) from the branch general meeting, plus any extension."""
    admitted = dates.get(pipeline.number_of(GENERAL_MEETING))
    if admitted is None:
        return None
    return add_months(add_years(admitted, pipeline.value("probation_years")), extension_months)


def _anchor(pipeline, step, dates, extension_months):
    if step.after == PROBATION_END:
        return probation_end(pipeline, dates, extension_months)
    return dates.get(int(step.after))


def step_window(pipeline: Pipeline, step: StepDef, dates: dict[int, datetime.date], *, extension_months: int = 0,
                calendar: WorkCalendar) -> tuple[WorkDate | None, WorkDate | None, WorkDate | None]:
    """(earliest, latest, limit) of a step from the recorded dates it counts from.

    The earliest date is a plain calendar date (the rules count years and months); a latest or
    limit date falling on a non-working day moves to the next working day, and is provisional
    when that runs through a year without calendar data.
    """
    if not step.has_timing:
        return None, None, None
    anchor = _anchor(pipeline, step, dates, extension_months)
    if anchor is None:
        return None, None, None
    earliest = WorkDate(add_months(add_years(anchor, step.min_years), step.min_months))
    latest = calendar.on_or_after(add_months(anchor, step.within_months)) if step.within_months else None
    limit = calendar.on_or_after(add_months(anchor, step.limit_months)) if step.limit_months else None
    return earliest, latest, limit


def next_review(pipeline: Pipeline, dates, *, today, calendar: WorkCalendar) -> WorkDate | None:
    """An activist's next half-yearly review (every ``activist_review_months`` from selection)."""
    since = dates.get(pipeline.number_of(ACTIVIST))
    if since is None:
        return None
    months = pipeline.value("activist_review_months")
    k = 1
    while add_months(since, months * k) < today:
        k += 1
    return calendar.on_or_after(add_months(since, months * k))


def compute_timeline(pipeline: Pipeline, *, records: dict[int, object], status: str, extension_months: int,
                     calendar: WorkCalendar, today: datetime.date, contacts=None, notices=None) -> list[StepRow]:
    """The rows of a timeline from plain facts: ``records`` maps step numbers to recorded steps
    (anything with ``done_on``). Without ``contacts`` and ``notices`` the conditions are not
    checked (enough for deadlines)."""
    dates = {n: r.done_on for n, r in records.items()}
    warn = datetime.timedelta(days=pipeline.value("warn_days"))
    candidate_number = pipeline.number_of(CANDIDATE) if _has(pipeline, CANDIDATE) else None
    rows = []
    for step in pipeline.steps.values():
        row = StepRow(step=step, record=records.get(step.number))
        row.earliest, row.latest, row.limit = step_window(pipeline, step, dates, extension_months=extension_months,
                                                          calendar=calendar)
        if step.code == ACTIVIST_EDUCATION and status == ApplicantStatus.IN_PROGRESS and candidate_number not in dates:
            row.next_review = next_review(pipeline, dates, today=today, calendar=calendar)
        if row.record is not None:
            row.status = DONE
            row.late = bool(row.deadline and row.record.done_on > row.deadline.date)
        elif status == ApplicantStatus.STOPPED:
            row.status, row.reasons = BLOCKED, [_("The file is stopped.")]
        else:
            missing = [n for n in step.requires if n not in dates]
            if missing:
                row.reasons = [_("Waits for step %(n)d.") % {"n": n} for n in missing]
            elif step.has_timing and row.earliest is None:
                row.reasons = [_("Waits for the dates it counts from.")]
            elif row.earliest is not None and row.earliest.date > today:
                row.reasons = [_("Not before %(date)s.") % {"date": checks.day(row.earliest.date)}]
            else:
                if contacts is not None:
                    row.reasons = _blockers(pipeline, step, contacts, notices or [], today=today, calendar=calendar)
                if row.reasons:
                    row.status = BLOCKED
                elif row.deadline and today > row.deadline.date:
                    row.status = OVERDUE
                else:
                    row.status = DUE
                    if row.latest and today > row.latest.date:
                        row.urgency = "late"
                    elif row.latest and row.latest.date - today <= warn:
                        row.urgency = "soon"
        rows.append(row)
    return rows


def _has(pipeline, code):
    try:
        pipeline.by_code(code)
    except KeyError:
        return False
    return True


def _blockers(pipeline, step, contacts, notices, *, today, calendar):
    reasons = []
    role = CONTACT_STEPS.get(step.code)
    if role:
        current = [c.member for c in contacts if c.role == role and c.ended_on is None]
        if current:  # none yet: the step's form assigns them
            reasons += checks.contact_problems(pipeline, role, current, on=today)
    if step.number in pipeline.notices:
        reasons += checks.notice_problems(pipeline, step, notices, on=today, calendar=calendar)
    return reasons


def _context(applicant, calendar, book, today, pipeline=None):
    calendar = calendar or WorkCalendar()
    book = book or RuleBook(today)
    pipeline = pipeline or pipeline_for(applicant.organization, book=book)
    return calendar, book, pipeline


def timeline(applicant: Applicant, *, calendar: WorkCalendar | None = None, book: RuleBook | None = None,
             today: datetime.date, pipeline: Pipeline | None = None) -> list[StepRow]:
    """One row per step for ``applicant``: national title (and local group), stage, recorded date,
    earliest and latest dates with provisional marks, and status (done / due / overdue / blocked
    with reasons / waiting)."""
    calendar, book, pipeline = _context(applicant, calendar, book, today, pipeline)
    contacts = list(applicant.contacts.all())
    return compute_timeline(
        pipeline, records={s.number: s for s in applicant.steps.all()}, status=applicant.status,
        extension_months=applicant.probation_extension_months, calendar=calendar, today=today,
        contacts=contacts, notices=list(applicant.notices.all()),
    )


def stage_of(pipeline: Pipeline, *, status: str, last_step: int | None) -> str | None:
    """The stage a file is in: that of its highest recorded step, or full membership."""
    if status == ApplicantStatus.FULL_MEMBER:
        return FULL_MEMBER_STAGE
    return pipeline.stage_of(last_step)


def stage_choices(pipeline: Pipeline) -> list[tuple[str, str]]:
    return [*pipeline.stages, (FULL_MEMBER_STAGE, _("Full member"))]


def with_last_step(queryset):
    return queryset.annotate(last_step=Max("steps__number"))


def filter_stage(queryset, pipeline: Pipeline, stage: str):
    """Files in a stage (``queryset`` annotated by :func:`with_last_step`)."""
    if stage == FULL_MEMBER_STAGE:
        return queryset.filter(status=ApplicantStatus.FULL_MEMBER)
    return queryset.exclude(status=ApplicantStatus.FULL_MEMBER).filter(last_step__in=pipeline.stage_numbers(stage))


def stage_counts(queryset, pipeline: Pipeline) -> list[dict]:
    """Files in progress by stage, then full members and stopped files (one query)."""
    counts, stopped = Counter(), 0
    for status, last in with_last_step(queryset).values_list("status", "last_step"):
        if status == ApplicantStatus.STOPPED:
            stopped += 1
        else:
            counts[stage_of(pipeline, status=status, last_step=last)] += 1
    cards = [{"code": code, "title": title, "count": counts.get(code, 0)} for code, title in stage_choices(pipeline)]
    return cards + [{"code": "", "status": ApplicantStatus.STOPPED, "title": _("Stopped"), "count": stopped}]


def with_details(queryset):
    """What a timeline reads, in four queries however many files."""
    return queryset.select_related("organization").prefetch_related(
        "steps", "notices", Prefetch("contacts", queryset=ApplicantContact.objects.select_related("member")
                                     .defer(*[f"member__{f}" for f in ("id_number", "phone", "address")])),
    )


def pipelines(applicants, *, book: RuleBook) -> dict[int, Pipeline]:
    """The pipeline of each file's branch (one query for all their ancestor codes)."""
    codes = codes_by_org({a.organization for a in applicants})
    return {a.pk: pipeline_for(book=book, codes=codes[a.organization_id]) for a in applicants}


def timelines(applicants, *, today, calendar=None, book=None) -> dict[int, list[StepRow]]:
    """Timelines of many files (each prefetched with :func:`with_details`)."""
    applicants = list(applicants)
    if not applicants:
        return {}
    calendar = calendar or WorkCalendar()
    book = book or RuleBook(today)
    by_file = pipelines(applicants, book=book)
    return {a.pk: timeline(a, calendar=calendar, book=book, today=today, pipeline=by_file[a.pk]) for a in applicants}


def next_row(rows: list[StepRow]) -> StepRow | None:
    """The step to take next: the first due, overdue or blocked, else the first waiting."""
    for row in rows:
        if row.status in (DUE, OVERDUE, BLOCKED):
            return row
    return next((r for r in rows if r.status == WAITING), None)


# Files of a subtree the dashboard computes warnings for, at most (beyond that it says so).
WARNING_LIMIT = 2000


def row_warnings(rows: list[StepRow], pipeline: Pipeline, *, today) -> list[dict]:
    """The warnings of one timeline: steps overdue, past their usual time or due within the
    warning days, and an activist review coming up within them."""
    warn = datetime.timedelta(days=pipeline.value("warn_days"))
    found = []
    for row in rows:
        if row.status == OVERDUE:
            found.append({"row": row, "when": row.deadline.date, "overdue": True, "review": False})
        elif row.status == DUE and row.urgency:
            found.append({"row": row, "when": row.latest.date, "overdue": False, "review": False})
        if row.next_review is not None and row.next_review.date - today <= warn:
            found.append({"row": row, "when": row.next_review.date, "overdue": False, "review": True})
    return found


def warnings(queryset, *, today, calendar=None, book=None, limit: int = WARNING_LIMIT) -> list[dict]:
    """The warnings of the files in progress of ``queryset``, overdue first, then nearest first."""
    files = list(with_details(queryset.filter(status=ApplicantStatus.IN_PROGRESS))[:limit])
    if not files:
        return []
    calendar = calendar or WorkCalendar()
    book = book or RuleBook(today)
    by_file = pipelines(files, book=book)
    result = []
    for applicant in files:
        pipeline = by_file[applicant.pk]
        rows = timeline(applicant, calendar=calendar, book=book, today=today, pipeline=pipeline)
        result += [{"applicant": applicant, **w} for w in row_warnings(rows, pipeline, today=today)]
    result.sort(key=lambda w: (not w["overdue"], w["when"]))
    return result


class _Done:
    __slots__ = ("done_on",)

    def __init__(self, done_on):
        self.done_on = done_on


def _request_cache(user, key, build):
    """A calendar or rule book shared by the workbench's calls within one request (kept on the
    user object, which lives as long as the request)."""
    cache = user.__dict__.setdefault("_recruitment_cache", {})
    if key not in cache:
        cache[key] = build()
    return cache[key]


def workbench_items(*, root, user, today) -> list[dict]:
    """The workbench's recruitment alerts for ``root``'s subtree, in a few aggregated lines:
    steps overdue, steps due within the warning days, activist reviews coming up, public notices
    ended and waiting for their outcome. Only for files the user may act on."""
    files = Applicant.objects.restrict(user, "change").filter(status=ApplicantStatus.IN_PROGRESS,
                                                               organization__path__startswith=root.path)
    facts: dict[int, dict] = {}
    for pk, extension, number, done_on in (RecruitmentStep.objects.filter(applicant__in=files)
                                           .values_list("applicant_id", "applicant__probation_extension_months",
                                                        "number", "done_on")[:50000]):
        entry = facts.setdefault(pk, {"extension": extension, "records": {}})
        entry["records"][number] = _Done(done_on)
    ended = list(PublicNotice.objects.filter(applicant__in=files, outcome=NoticeOutcome.PENDING, ends_on__lt=today)
                 .values_list("ends_on", flat=True)[:1000])
    if not facts and not ended:
        return []
    calendar = _request_cache(user, "calendar", WorkCalendar)
    book = _request_cache(user, ("book", today), lambda: RuleBook(today))
    pipeline = pipeline_for(book=book, codes=ancestor_codes(root))
    overdue, soon, reviews = [], [], []
    for entry in facts.values():
        rows = compute_timeline(pipeline, records=entry["records"], status=ApplicantStatus.IN_PROGRESS,
                                extension_months=entry["extension"], calendar=calendar, today=today)
        found = row_warnings(rows, pipeline, today=today)
        if any(w["overdue"] for w in found):
            overdue.append(min(w["when"] for w in found if w["overdue"]))
        elif any(not w["review"] for w in found):
            soon.append(min(w["when"] for w in found if not w["review"]))
        if any(w["review"] for w in found):
            reviews.append(min(w["when"] for w in found if w["review"]))
    url = reverse("recruitment:dashboard") + f"?org={root.pk}"
    items = []
    if overdue:
        items.append({"kind": "alert", "label": _("Overdue"), "when": min(overdue), "overdue": True, "url": url,
                      "text": ngettext("%(n)d applicant has a recruitment step overdue",
                                       "%(n)d applicants have a recruitment step overdue", len(overdue))
                      % {"n": len(overdue)}})
    if soon:
        items.append({"kind": "alert", "label": _("Due soon"), "when": min(soon), "overdue": False, "url": url,
                      "text": ngettext("%(n)d applicant has a recruitment step due within %(days)d days",
                                       "%(n)d applicants have a recruitment step due within %(days)d days", len(soon))
                      % {"n": len(soon), "days": pipeline.value("warn_days")}})
    if reviews:
        items.append({"kind": "alert", "label": _("Review"), "when": min(reviews), "overdue": False, "url": url,
                      "text": ngettext("%(n)d activist is due for the half-yearly review",
                                       "%(n)d activists are due for the half-yearly review", len(reviews))
                      % {"n": len(reviews)}})
    if ended:
        items.append({"kind": "alert", "label": _("To close"), "when": min(ended), "overdue": False, "url": url,
                      "text": ngettext("%(n)d public notice has ended: record its outcome",
                                       "%(n)d public notices have ended: record their outcome", len(ended))
                      % {"n": len(ended)}})
    return items
