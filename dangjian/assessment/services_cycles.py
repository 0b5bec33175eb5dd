"""Writes of assessment cycles (考评周期): opening and closing a cycle, measuring, recording results,
evidence, reviewers' verdicts, and the one transition service of an assessment's review steps.

Who performs a review step (``ReviewStep.performer``), for the user's "change" scope:

* SELF: over the assessed organization;
* PARENT: over the organization above it;
* OWNER: over the organization running the cycle.

So the city's organizer may act at every step, a village secretary only at the village's own steps.
``actor=None`` is the system (demo data, tasks): it skips the access checks, never the rules.
"""
from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import covers, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.uploads import clean_evidence
from dangjian.core.validators import clean_plain_text
from dangjian.organizations.models import Organization

from . import grading, indicators
from .choices import (
    AssessmentAction,
    AssessmentStatus,
    CycleStatus,
    EvidenceKind,
    Movement,
    Performer,
    SchemeStatus,
    Verdict,
)
from .models import Assessment, AssessmentLog, Criterion, CriterionResult, Cycle, Evidence, Grade, ReviewStep, Scheme

A, S = AssessmentAction, AssessmentStatus
OPEN_STATUSES = (S.IN_REVIEW, S.RETURNED)


@dataclass(frozen=True)
class Step:
    sources: tuple[str, ...]
    audit: str


# The transition table: action → (statuses it starts from, audit code). Where it leads:
# submit → next step, in review; return → previous step, returned; approve (at the last step) →
# approved; reopen (approved) → last step, in review.
TRANSITIONS: dict[str, Step] = {
    A.SUBMIT: Step(OPEN_STATUSES, "assessment.assessment_submitted"),
    A.RETURN: Step(OPEN_STATUSES, "assessment.assessment_returned"),
    A.APPROVE: Step(OPEN_STATUSES, "assessment.assessment_approved"),
    A.REOPEN: Step((S.APPROVED,), "assessment.assessment_reopened"),
}


# Steps and grades of a scheme ------------------------------------------------------------------

def scheme_steps(scheme: Scheme) -> list[ReviewStep]:
    """The scheme's review steps in order (read once per scheme object)."""
    cache = scheme.__dict__.setdefault("_assessment_cache", {})
    if "steps" not in cache:
        cache["steps"] = sorted(scheme.steps.all(), key=lambda s: s.order)
    return cache["steps"]


def scheme_grades(scheme: Scheme) -> list:
    """The scheme's grades, best first (read once per scheme object)."""
    cache = scheme.__dict__.setdefault("_assessment_cache", {})
    if "grades" not in cache:
        cache["grades"] = grading.ranked(list(scheme.grades.all()))
    return cache["grades"]


def current_step(assessment: Assessment) -> ReviewStep:
    """The review step the assessment is at."""
    steps = scheme_steps(assessment.cycle.scheme)
    return next((s for s in steps if s.order == assessment.step), steps[-1])


def _parent_path(organization: Organization) -> str:
    return organization.path[:-Organization.steplen]


def _covers_path(scope, path: str) -> bool:
    return bool(path) and (scope.everything or any(path.startswith(p) for p in scope.paths))


def performs(user, assessment: Assessment, step: ReviewStep | None = None) -> bool:
    """Whether ``user`` performs ``step`` (by default the current one) of the assessment."""
    step = step or current_step(assessment)
    scope = user_scope(user, "change")
    if step.performer == Performer.SELF:
        return _covers_path(scope, assessment.organization.path)
    if step.performer == Performer.PARENT:
        return _covers_path(scope, _parent_path(assessment.organization))
    return _covers_path(scope, assessment.cycle.organization.path)


def runs(user, cycle: Cycle) -> bool:
    """Whether ``user`` acts for the organization running the cycle (measure, reopen, close)."""
    return _covers_path(user_scope(user, "change"), cycle.organization.path)


def allowed_actions(user, assessment: Assessment) -> list[str]:
    """The steps ``user`` may take on the assessment now (the buttons to show)."""
    if assessment.cycle.status != CycleStatus.OPEN:
        return []
    if assessment.status == S.APPROVED:
        return [A.REOPEN] if runs(user, assessment.cycle) else []
    step = current_step(assessment)
    if not performs(user, assessment, step):
        return []
    last = step.order == scheme_steps(assessment.cycle.scheme)[-1].order
    actions = [A.APPROVE if last else A.SUBMIT]
    if step.order > 0:
        actions.append(A.RETURN)
    return actions


def may_record(user, assessment: Assessment) -> bool:
    """Whether ``user`` may record results and add evidence now (the assessed side, at its own step)."""
    return (assessment.cycle.status == CycleStatus.OPEN and assessment.status != S.APPROVED
            and current_step(assessment).performer == Performer.SELF and performs(user, assessment))


def may_review(user, assessment: Assessment) -> bool:
    """Whether ``user`` may give verdicts now (a reviewer at a parent or owner step)."""
    return (assessment.cycle.status == CycleStatus.OPEN and assessment.status != S.APPROVED
            and current_step(assessment).performer != Performer.SELF and performs(user, assessment))


# Measuring and grading ----------------------------------------------------------------------------

def _measure(criterion: Criterion, organization: Organization, cycle: Cycle) -> indicators.Measure:
    try:
        return indicators.measure(criterion.indicator, organization, cycle.period_start, cycle.period_end)
    except KeyError:  # an indicator no module registers (yet): nothing to measure
        return indicators.Measure(None, "")


def _measured_met(result: CriterionResult, criterion: Criterion) -> bool | None:
    """Whether a measured criterion is met by the value measured (``None`` while not measured)."""
    if result.measured_at is None:
        return None
    if result.value is None:
        return False
    if criterion.threshold is None:  # no threshold: any value counts
        return result.value > 0
    return result.value >= criterion.threshold


def effective_met(result: CriterionResult, criterion: Criterion) -> bool | None:
    """The ``met`` used for grading: a reviewer's rejection makes the criterion unmet; otherwise a measured
    criterion is met by its value, a judged one by what the assessed side recorded (``self_met``)."""
    if result.verdict == Verdict.REJECTED:
        return False
    return _measured_met(result, criterion) if criterion.measured else result.self_met


def _apply_measure(result: CriterionResult, criterion: Criterion, value: indicators.Measure, now) -> None:
    result.value = value.value
    result.records_url = (value.records_url or "")[:300]
    result.measured_at = now
    result.met = effective_met(result, criterion)


def _grade(assessment: Assessment, pairs, grades, veto_grade: str) -> list[str]:
    """Set points, stars, veto and grade from ``(criterion, met)`` pairs; returns the changed fields."""
    result = grading.tally(pairs)
    assessment.points, assessment.stars, assessment.vetoed = result.points, result.stars, result.vetoed
    assessment.grade = grading.grade_for(grades, result, veto_grade)
    return ["points", "stars", "vetoed", "grade"]


def recompute(assessment: Assessment) -> Assessment:
    """Recompute and save the assessment's points, stars, veto and grade from its results."""
    scheme = assessment.cycle.scheme
    pairs = [(r.criterion, r.met) for r in assessment.results.select_related("criterion")]
    fields = _grade(assessment, pairs, scheme_grades(scheme), scheme.veto_grade)
    assessment.save(update_fields=fields)
    return assessment


# Cycles -------------------------------------------------------------------------------------------

# A cycle over more organizations than this is measured by the background worker (each organization
# takes a few dozen aggregate queries: about 0.3 s on the demo city's SQLite).
MEASURE_INLINE = 20


@dataclass(frozen=True)
class Previous:
    """An organization's approved rating before a cycle: its grade code, that grade's rank and the lowest
    rank in the scheme (version) it was rated by."""
    grade: str
    rank: int | None
    lowest: int | None


def approved_ranks(**filters):
    """Approved assessments matching ``filters`` with their grade's rank, newest first per organization
    (one query): rows of (organization id, scheme code, year, :class:`Previous`)."""
    grade_of = Grade.objects.filter(scheme=OuterRef("cycle__scheme"), code=OuterRef("grade"))
    lowest = (Grade.objects.filter(scheme=OuterRef("cycle__scheme")).order_by().values("scheme")
              .annotate(low=Min("rank")).values("low"))
    rows = (Assessment.objects.filter(status=S.APPROVED, **filters)
            .annotate(prev_rank=Subquery(grade_of.values("rank")[:1]), low_rank=Subquery(lowest[:1]))
            .order_by("organization_id", "-cycle__year", "-cycle_id")
            .values_list("organization_id", "cycle__scheme__code", "cycle__year", "grade", "prev_rank", "low_rank"))
    return [(org_id, code, year, Previous(grade, rank, low)) for org_id, code, year, grade, rank, low in rows]


def previous_in(rows, organization_id: int, scheme_code: str, year: int) -> Previous | None:
    """From :func:`approved_ranks` rows: the organization's latest approved rating of the scheme code
    before ``year``."""
    return next((p for org_id, code, y, p in rows if org_id == organization_id and code == scheme_code and y < year),
                None)


def previous_grades(scheme_code: str, year: int, organizations) -> dict[int, Previous]:
    """Each organization's latest approved rating of the scheme code before ``year`` (one query);
    ``organizations`` are ids or a query of ids."""
    previous: dict[int, Previous] = {}
    for org_id, _code, _year, found in approved_ranks(organization__in=organizations, cycle__scheme__code=scheme_code,
                                                      cycle__year__lt=year):
        previous.setdefault(org_id, found)
    return previous


def movement_from(previous: Previous | None, grades, grade: str) -> str:
    """How ``grade`` (of a scheme with ``grades``) moved from the previous approved rating."""
    if previous is None:
        return Movement.NEW
    return grading.movement(previous.rank, grading.rank_of(grades, grade), previous.lowest)


def cycle_open(*, actor, scheme: Scheme, organization: Organization, name: str, year: int,
               period_start: datetime.date, period_end: datetime.date, organizations: Sequence[Organization],
               targets: Mapping[int, str] | None = None) -> Cycle:
    """Open a cycle of a published scheme over ``organizations`` (each inside ``organization``'s subtree).

    Measured criteria are measured for the period at once, or by the background worker right after
    when the cycle rates more than ``MEASURE_INLINE`` organizations (until then they read as not
    measured). Where no target grade is given for an
    organization that has an approved rating of the same scheme before, its target is the next grade up.
    """
    if actor is not None and not covers(user_scope(actor, "add"), organization):
        raise PermissionDenied
    name = clean_plain_text(name, "name", 100, required=True)
    errors: dict[str, list[str]] = {}
    if scheme.status != SchemeStatus.PUBLISHED:
        errors["scheme"] = [_("Only a published scheme can be used for a cycle.")]
    elif not scheme_steps(scheme):
        errors["scheme"] = [_("The scheme has no review steps.")]
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_("Enter a year between 2000 and 2100.")]
    if period_start is None or period_end is None or period_start > period_end:
        errors["period_end"] = [_("The period must end on or after the day it starts.")]
    organizations = list(organizations)
    ids = [o.pk for o in organizations]
    if not organizations:
        errors["organizations"] = [_("Choose at least one organization to assess.")]
    elif len(set(ids)) != len(ids):
        errors["organizations"] = [_("An organization is listed more than once.")]
    else:
        outside = [o.name for o in organizations if not o.path.startswith(organization.path)]
        wrong_kind = [o.name for o in organizations if scheme.unit_kinds and o.unit_kind not in scheme.unit_kinds]
        if outside:
            errors["organizations"] = [_("Not under %(org)s: %(names)s.")
                                       % {"org": organization.name, "names": "、".join(outside[:5])}]
        elif wrong_kind:
            errors["organizations"] = [_("The scheme does not rate organizations of this kind: %(names)s.")
                                       % {"names": "、".join(wrong_kind[:5])}]
    grades = scheme_grades(scheme)
    codes = {g.code for g in grades}
    targets = {int(k): v for k, v in (targets or {}).items() if v}
    if set(targets) - set(ids) or set(targets.values()) - codes:
        errors["targets"] = [_("A target must be a grade of the scheme for an organization in the cycle.")]
    if errors:
        raise ValidationError(errors)
    criteria = list(scheme.criteria.all())
    previous = previous_grades(scheme.code, year, ids)
    for org_id, found in previous.items():
        if org_id not in targets:
            above = grading.grade_above(grades, found.grade)
            if above:
                targets[org_id] = above
    now = timezone.now()
    inline = len(organizations) <= MEASURE_INLINE
    with transaction.atomic():
        cycle = Cycle.objects.create(scheme=scheme, organization=organization, name=name, year=year,
                                     period_start=period_start, period_end=period_end,
                                     opened_by=actor if getattr(actor, "pk", None) else None)
        Assessment.objects.bulk_create(
            Assessment(cycle=cycle, organization=o, target_grade=targets.get(o.pk, "")) for o in organizations)
        by_org = {a.organization_id: a for a in cycle.assessments.all()}
        results, measured = [], 0
        for org in organizations:
            assessment = by_org[org.pk]
            pairs = []
            for criterion in criteria:
                result = CriterionResult(assessment=assessment, criterion=criterion)
                if criterion.measured and inline:
                    _apply_measure(result, criterion, _measure(criterion, org, cycle), now)
                    measured += 1
                results.append(result)
                pairs.append((criterion, result.met))
            _grade(assessment, pairs, grades, scheme.veto_grade)
        CriterionResult.objects.bulk_create(results, batch_size=500)
        Assessment.objects.bulk_update(by_org.values(), ["points", "stars", "vetoed", "grade"], batch_size=500)
        audit_log(actor=actor, action="assessment.cycle_opened", obj=cycle, organization=organization,
                  changes={"scheme": f"{scheme.code} v{scheme.version}", "year": year,
                           "organizations": len(organizations), "measured": measured})
        if not inline and any(c.measured for c in criteria):
            transaction.on_commit(lambda: _measure_later(cycle.pk))
    return cycle


def _measure_later(cycle_id: int) -> None:
    from .tasks import measure_cycle_task

    measure_cycle_task.enqueue(cycle_id)


def _check_open(cycle: Cycle) -> None:
    if cycle.status != CycleStatus.OPEN:
        raise ValidationError(_("This cycle is closed."))


def cycle_measure(*, actor, cycle: Cycle) -> int:
    """Measure again the measured criteria of the cycle's assessments not yet approved; returns how many
    results were measured. Each assessment is updated under its row lock, so a result recorded at the
    same time is not lost from its points and grade."""
    if actor is not None and not runs(actor, cycle):
        raise PermissionDenied
    _check_open(cycle)
    scheme = cycle.scheme
    grades = scheme_grades(scheme)
    measured = [c for c in scheme.criteria.all() if c.measured]
    count = 0
    for assessment in cycle.assessments.exclude(status=S.APPROVED).select_related("organization"):
        values = {c.pk: _measure(c, assessment.organization, cycle) for c in measured}
        now = timezone.now()
        with transaction.atomic():
            locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
            if locked.status == S.APPROVED:
                continue
            results = list(locked.results.select_related("criterion"))
            changed = [r for r in results if r.criterion_id in values]
            for result in changed:
                _apply_measure(result, result.criterion, values[result.criterion_id], now)
            CriterionResult.objects.bulk_update(changed, ["value", "records_url", "measured_at", "met"])
            locked.save(update_fields=_grade(locked, [(r.criterion, r.met) for r in results], grades,
                                             scheme.veto_grade))
            count += len(changed)
    with transaction.atomic():
        audit_log(actor=actor, action="assessment.cycle_measured", obj=cycle, organization=cycle.organization,
                  changes={"results": count})
    return count


def cycle_measure_later(*, actor, cycle: Cycle) -> None:
    """Have the background worker measure the cycle again (for cycles over many organizations)."""
    if actor is not None and not runs(actor, cycle):
        raise PermissionDenied
    _check_open(cycle)
    transaction.on_commit(lambda: _measure_later(cycle.pk))


def cycle_close(*, actor, cycle: Cycle) -> Cycle:
    """Close a cycle once every assessment in it is approved."""
    if actor is not None and not runs(actor, cycle):
        raise PermissionDenied
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().select_related("organization").get(pk=cycle.pk)
        _check_open(locked)
        waiting = locked.assessments.exclude(status=S.APPROVED).count()
        if waiting:
            raise ValidationError(_("%(n)s organizations are not approved yet; the cycle cannot be closed.")
                                  % {"n": waiting})
        locked.status, locked.closed_at = CycleStatus.CLOSED, timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        audit_log(actor=actor, action="assessment.cycle_closed", obj=locked, organization=locked.organization,
                  changes={"status": [CycleStatus.OPEN, CycleStatus.CLOSED]})
    return locked


# Results, verdicts and evidence -------------------------------------------------------------------

def _lock(assessment: Assessment) -> Assessment:
    """The assessment's row, locked until the end of the transaction (call inside ``transaction.atomic``)."""
    return (Assessment.objects.select_for_update(of=("self",))
            .select_related("cycle__scheme", "cycle__organization", "organization").get(pk=assessment.pk))


def _check_recording(actor, assessment: Assessment) -> None:
    _check_open(assessment.cycle)
    if assessment.status == S.APPROVED:
        raise ValidationError(_("This assessment is approved; reopen it to change it."))
    if current_step(assessment).performer != Performer.SELF:
        raise ValidationError(_("The assessment is with the reviewers; results are recorded at the assessed "
                                "organization's own steps."))
    if actor is not None and not performs(actor, assessment):
        raise PermissionDenied


def _check_reviewing(actor, assessment: Assessment) -> None:
    _check_open(assessment.cycle)
    if assessment.status == S.APPROVED:
        raise ValidationError(_("This assessment is approved; reopen it to change it."))
    if current_step(assessment).performer == Performer.SELF:
        raise ValidationError(_("Verdicts are given at the review steps, after the assessed organization submits."))
    if actor is not None and not performs(actor, assessment):
        raise PermissionDenied


def _locked_result(result: CriterionResult, check) -> Assessment:
    """Lock the result's assessment, check it again under the lock (``check(locked)``) and reload the
    result, so that a step taken at the same time is seen. Call inside ``transaction.atomic``."""
    locked = _lock(result.assessment)
    check(locked)
    result.refresh_from_db(fields=["value", "measured_at", "records_url", "met", "self_met", "note", "verdict",
                                   "verdict_note", "reviewed_by", "reviewed_at"])
    return locked


def _recompute(result: CriterionResult, locked: Assessment) -> None:
    """Recompute the locked assessment's grade and show it on the caller's assessment object too."""
    recompute(locked)
    for name in ("points", "stars", "vetoed", "grade"):
        setattr(result.assessment, name, getattr(locked, name))


def result_record(*, actor, result: CriterionResult, met: bool | None, note: str = "") -> CriterionResult:
    """The assessed side's own finding on a judged criterion (met, not met, or not decided yet), kept in
    ``self_met``; a new finding waits for a new verdict."""
    _check_recording(actor, result.assessment)
    if result.criterion.measured:
        raise ValidationError(_("This criterion is measured from the records; it is not entered by hand."))
    note = clean_plain_text(note, "note", 500)
    if met not in (True, False, None):
        raise ValidationError({"met": _("Choose met or not met.")})
    with transaction.atomic():
        locked = _locked_result(result, lambda a: _check_recording(actor, a))
        changes = {"met": [result.self_met, met]}
        result.self_met, result.note = met, note
        result.verdict = Verdict.PENDING
        result.met = effective_met(result, result.criterion)
        result.save(update_fields=["self_met", "met", "note", "verdict"])
        _recompute(result, locked)
        audit_log(actor=actor, action="assessment.result_recorded", obj=locked,
                  organization=locked.organization, changes={"criterion": result.criterion.code, **changes},
                  note=note)
    return result


def result_review(*, actor, result: CriterionResult, verdict: str, note: str = "") -> CriterionResult:
    """A reviewer's verdict on one criterion at a parent or owner step; a rejection needs the reason and
    makes the criterion unmet, an acceptance gives it back what the assessed side recorded (or what
    was measured)."""
    _check_reviewing(actor, result.assessment)
    if verdict not in (Verdict.ACCEPTED, Verdict.REJECTED):
        raise ValidationError({"verdict": _("Choose accepted or rejected.")})
    note = clean_plain_text(note, "note", 500, required=verdict == Verdict.REJECTED)
    criterion = result.criterion
    with transaction.atomic():
        locked = _locked_result(result, lambda a: _check_reviewing(actor, a))
        changes = {"verdict": [result.verdict, verdict]}
        result.verdict, result.verdict_note = verdict, note
        result.reviewed_by = actor if getattr(actor, "pk", None) else None
        result.reviewed_at = timezone.now()
        met = effective_met(result, criterion)
        if met != result.met:
            changes["met"] = [result.met, met]
        result.met = met
        result.save(update_fields=["verdict", "verdict_note", "reviewed_by", "reviewed_at", "met"])
        _recompute(result, locked)
        audit_log(actor=actor, action="assessment.result_reviewed", obj=locked,
                  organization=locked.organization, changes={"criterion": criterion.code, **changes}, note=note)
    return result


def _clean_record_url(url: str) -> str:
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith("//") or "\\" in url or len(url) > 300 or any(c.isspace() for c in url):
        raise ValidationError({"record_url": ValidationError(
            _("Link to a record of this site: a path starting with “/”."), code="evidence_record_url")})
    return url


def evidence_add(*, actor, result: CriterionResult, kind: str, file=None, record_url: str = "",
                 caption: str = "") -> Evidence:
    """Offer a photo (re-encoded without its EXIF data), a file (checked by its content; photos among
    files re-encoded too) or a link to a record of this site as evidence for one criterion."""
    from dangjian.grid.services_requests import clean_photo

    _check_recording(actor, result.assessment)
    caption = clean_plain_text(caption, "caption", 200)
    content, link = None, ""
    if kind == EvidenceKind.PHOTO:
        if file is None:
            raise ValidationError({"file": _("Choose a photo.")})
        try:
            content = clean_photo(file)
        except ValidationError as exc:
            raise ValidationError({"file": exc.message_dict.get("photo", exc.messages)}) from None
    elif kind == EvidenceKind.FILE:
        if file is None:
            raise ValidationError({"file": ValidationError(_("This field is required."), code="required")})
        content = clean_evidence(file, field="file")
    elif kind == EvidenceKind.RECORD:
        link = _clean_record_url(record_url)
    else:
        raise ValidationError({"kind": _("Choose a photo, a file or a record link.")})
    if kind == EvidenceKind.FILE and not caption:
        caption = Path(getattr(file, "name", "") or "").name[:200]
    with transaction.atomic():
        locked = _locked_result(result, lambda a: _check_recording(actor, a))
        evidence = Evidence(result=result, kind=kind, record_url=link, caption=caption,
                            added_by=actor if getattr(actor, "pk", None) else None)
        if content is not None:
            evidence.file.save(Path(content.name).name, content, save=False)
        evidence.save()
        audit_log(actor=actor, action="assessment.evidence_added", obj=locked,
                  organization=locked.organization,
                  changes={"criterion": result.criterion.code, "kind": kind})
    return evidence


# The review steps ---------------------------------------------------------------------------------

def _check_submit(assessment: Assessment) -> None:
    """At an assessed organization's own step: every judged criterion decided, evidence for each met one."""
    results = list(assessment.results.select_related("criterion").prefetch_related("evidence"))
    undecided = [r.criterion.name for r in results if not r.criterion.measured and r.met is None]
    if undecided:
        raise ValidationError(_("Decide every criterion first: %(names)s.") % {"names": "、".join(undecided)})
    missing = [r.criterion.name for r in results
               if r.met and not r.criterion.measured and r.criterion.evidence != EvidenceKind.NONE
               and not r.evidence.all()]
    if missing:
        raise ValidationError(_("Add evidence for: %(names)s.") % {"names": "、".join(missing)})


def _check_notice(assessment: Assessment, step: ReviewStep, today: datetime.date) -> None:
    if step.notice_days and assessment.notice_until and today < assessment.notice_until:
        raise ValidationError(_("The public notice period has not ended (until %(date)s).")
                              % {"date": assessment.notice_until}, code="notice_period")


def _shortfalls(*, actor, assessment: Assessment, grades) -> int:
    """Open a rectification task for each unmet criterion and for a missed target (once each)."""
    from .choices import RectificationStatus
    from .models import Rectification
    from .services_followup import rectification_open

    open_tasks = Rectification.objects.filter(organization=assessment.organization).exclude(
        status=RectificationStatus.CLOSED)
    has_task = set(open_tasks.filter(source__assessment=assessment).values_list("source_id", flat=True))
    cycle = assessment.cycle
    count = 0
    for result in assessment.results.select_related("criterion"):
        if result.met is True or result.pk in has_task:
            continue
        criterion = result.criterion
        reason = result.verdict_note or result.note
        description = _("%(cycle)s: “%(criterion)s” was not met.") % {"cycle": cycle.name, "criterion": criterion.name}
        if reason:
            description += "\n" + reason
        rectification_open(actor=actor, organization=assessment.organization, title=criterion.name[:200],
                           description=description, source=result)
        count += 1
    if grading.reached(grades, assessment.grade, assessment.target_grade) is False:
        target = next(g for g in grades if g.code == assessment.target_grade)
        title = _("Annual promotion target not reached: %(grade)s") % {"grade": target.name}
        if not open_tasks.filter(title=title, source__isnull=True).exists():
            got = next((g.name for g in grades if g.code == assessment.grade), assessment.grade)
            rectification_open(actor=actor, organization=assessment.organization, title=title,
                               description=_("%(cycle)s: rated %(grade)s, the target was %(target)s.")
                               % {"cycle": cycle.name, "grade": got, "target": target.name})
            count += 1
    return count


def assessment_transition(*, actor, assessment: Assessment, action: str, note: str = "") -> Assessment:
    """Take one review step (see ``TRANSITIONS``): submit to the next step, return to the previous one
    (with the reason), approve at the last step (opening rectification tasks for the shortfalls), or
    reopen an approved assessment while its cycle is open."""
    step_rule = TRANSITIONS.get(action)
    if step_rule is None:
        raise ValidationError(_("Unknown step."))
    note = clean_plain_text(note, "note", 500, required=action == A.RETURN)
    today = timezone.localdate()
    with transaction.atomic():
        locked = (Assessment.objects.select_for_update(of=("self",))
                  .select_related("cycle__scheme", "cycle__organization", "organization").get(pk=assessment.pk))
        _check_open(locked.cycle)
        steps = scheme_steps(locked.cycle.scheme)
        last = steps[-1]
        step = current_step(locked)
        if action == A.REOPEN:
            if actor is not None and not runs(actor, locked.cycle):
                raise PermissionDenied
        elif actor is not None and not performs(actor, locked, step):
            raise PermissionDenied
        if locked.status not in step_rule.sources:
            raise ValidationError(_("This assessment is now “%(status)s”; the step cannot be taken.")
                                  % {"status": locked.get_status_display()})
        from_step, previous_status, fields = locked.step, locked.status, ["step", "status"]
        if action == A.SUBMIT:
            if step.order >= last.order:
                raise ValidationError(_("This is the last step: approve the assessment instead."))
            if step.performer == Performer.SELF:
                _check_submit(locked)
            _check_notice(locked, step, today)
            target = next(s for s in steps if s.order > step.order)
            locked.step, locked.status = target.order, S.IN_REVIEW
            if target.notice_days:
                locked.notice_until = today + datetime.timedelta(days=target.notice_days)
                fields.append("notice_until")
        elif action == A.RETURN:
            if step.order == steps[0].order:
                raise ValidationError(_("The first step cannot be returned."))
            target = [s for s in steps if s.order < step.order][-1]
            locked.step, locked.status = target.order, S.RETURNED
        elif action == A.APPROVE:
            if step.order != last.order:
                raise ValidationError(_("Only the last step approves the assessment."))
            if step.performer == Performer.SELF:
                _check_submit(locked)
            _check_notice(locked, step, today)
            if locked.results.exclude(criterion__indicator="").filter(measured_at__isnull=True).exists():
                raise ValidationError(_("The criteria measured from the records are still being measured; "
                                        "approve once measuring is done."), code="measuring")
            locked.status, locked.approved_at = S.APPROVED, timezone.now()
            fields.append("approved_at")
        else:  # reopen
            locked.step, locked.status, locked.approved_at = last.order, S.IN_REVIEW, None
            fields.append("approved_at")
        locked.save(update_fields=fields)
        AssessmentLog.objects.create(assessment=locked, action=action, from_step=from_step, to_step=locked.step,
                                     to_status=locked.status, actor=actor if getattr(actor, "pk", None) else None,
                                     capacity=step.name[:100], note=note)
        changes = {"step": [from_step, locked.step], "status": [previous_status, locked.status]}
        if action == A.APPROVE:
            changes["rectifications"] = _shortfalls(actor=actor, assessment=locked,
                                                    grades=scheme_grades(locked.cycle.scheme))
        audit_log(actor=actor, action=step_rule.audit, obj=locked, organization=locked.organization, changes=changes,
                  note=note)
    for name in ("step", "status", "notice_until", "approved_at"):
        setattr(assessment, name, getattr(locked, name))
    return locked
