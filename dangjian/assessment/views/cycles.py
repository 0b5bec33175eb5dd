"""Pages of the assessment cycles (考评): the landing page, opening a cycle, a cycle's results with the grade
distribution, one organization's assessment walking its review steps (results, evidence, verdicts, the
log), evidence files and an organization's ratings across years."""
from __future__ import annotations

from itertools import groupby
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.access import can, get_for, user_scope
from dangjian.core.files import stored_file_response
from dangjian.core.forms import submit
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import visible_ancestors

from .. import selectors_cycles as selectors
from ..choices import AssessmentAction, AssessmentStatus, CycleStatus, EvidenceKind, Movement, SchemeKind
from ..forms_cycles import FILE_ACCEPT, CycleOpenForm, EvidenceForm, ResultRecordForm, ResultReviewForm, StepForm
from ..models import Assessment, CriterionResult, Cycle, Evidence
from ..services_cycles import (
    MEASURE_INLINE,
    allowed_actions,
    assessment_transition,
    cycle_close,
    cycle_measure,
    cycle_measure_later,
    cycle_open,
    evidence_add,
    may_record,
    may_review,
    result_record,
    result_review,
    runs,
    scheme_grades,
    scheme_steps,
)
from .cycles_support import (
    MOVEMENT_ICONS,
    indicator_name,
    may_open_cycles,
    measured_text,
    org_history_rows,
    own_organization_cycles,
    section_links,
    threshold_text,
)

CYCLES = Cycle.objects.select_related("scheme", "organization")
ASSESSMENTS = Assessment.objects.select_related("cycle__scheme", "cycle__organization", "organization")
SORTS = ("grade", "points", "")


def cycle_url(cycle) -> str:
    return reverse("assessment:cycle", args=[cycle.pk])


def assessment_url(assessment, anchor: str = "") -> str:
    return reverse("assessment:assessment", args=[assessment.pk]) + (f"#{anchor}" if anchor else "")


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@login_required
@require_GET
def index(request):
    """Cycles the user sees, by year; what waits for them; links to the other assessment pages."""
    scope = user_scope(request.user, "view")
    cycles = list(selectors.cycles_for(request.user).order_by("-year", "-id")[:300])
    years = [(year, list(items)) for year, items in groupby(cycles, key=lambda c: c.year)]
    return render(request, "assessment/cycles/index.html", {
        "nav": "assessment", "years": years, "waiting": list(selectors.waiting_for(request.user)[:50]),
        "may_open": may_open_cycles(request.user), "sections": section_links(),
        "own": own_organization_cycles(request.user) if not (scope.everything or scope.paths) else [],
    })


@login_required
def cycle_open_page(request):
    """Open a cycle: the organizations offered follow the chosen scheme and organization (refreshed by
    htmx, or by the "show organizations" button without script)."""
    if not may_open_cycles(request.user):
        raise PermissionDenied
    form = CycleOpenForm(request.POST or None, user=request.user, initial_values=request.GET)
    for name in ("scheme", "organization"):
        form.fields[name].widget.attrs["hx-get"] = request.path

    def action(data):
        return cycle_open(actor=request.user, scheme=data["scheme"], organization=data["organization"],
                          name=data["name"], year=data["year"], period_start=data["period_start"],
                          period_end=data["period_end"], organizations=list(data["organizations"]))

    done = submit(request, form, action, message=_("The cycle is open."), next_url=cycle_url)
    if done:
        return done
    return render(request, "assessment/cycles/open.html", {"nav": "assessment", "form": form})


def _filtered(rows, request, grades):
    step, status, grade = request.GET.get("step", ""), request.GET.get("status", ""), request.GET.get("grade", "")
    if step.isdigit():
        rows = [r for r in rows if r.assessment.step == int(step)]
    if status:
        rows = [r for r in rows if r.status == status]
    if grade:
        rows = [r for r in rows if r.assessment.grade == grade]
    sort = request.GET.get("sort", "")
    if sort == "grade":
        ranks = {g.code: g.rank for g in grades}
        rows = sorted(rows, key=lambda r: (-ranks.get(r.assessment.grade, 0), -r.points, r.organization.path))
    elif sort == "points":
        rows = sorted(rows, key=lambda r: (-r.points, r.organization.path))
    return rows


# A cycle may rate a thousand villages: the results table shows them a hundred at a time.
ROWS_PER_PAGE = 100


@login_required
@require_GET
def cycle_page(request, pk):
    """A cycle's results: the grade distribution (table and chart), movements, and one row per organization."""
    cycle = get_for(request.user, CYCLES, "view", pk=pk)
    grades, steps = scheme_grades(cycle.scheme), scheme_steps(cycle.scheme)
    movements = selectors.movements(cycle)
    all_rows = selectors.cycle_rows(cycle, request.user, moves=movements)
    rows = _filtered(all_rows, request, grades)
    dist = selectors.distribution(cycle)
    moves = selectors.movement_counts(cycle, movements)
    chart = {"title": _("Grades of %(n)d approved organizations") % {"n": dist.approved},
             "labels": [g.name for g in dist.rows], "counts": [g.count for g in dist.rows],
             "percents": [float(g.percent) for g in dist.rows], "file": f"{cycle.name}-{_('Grade distribution')}"}
    return render(request, "assessment/cycles/cycle.html", {
        "nav": "assessment", "cycle": cycle, "scheme": cycle.scheme, "row_total": len(all_rows),
        "page_obj": Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page")),
        "dist": dist, "chart": chart, "grades": grades, "steps": steps, "statuses": AssessmentStatus.choices,
        "is_star": cycle.scheme.kind == SchemeKind.STAR,
        "movements": [(code, label, moves.get(code, 0), MOVEMENT_ICONS[code]) for code, label in Movement.choices],
        "movement_icons": MOVEMENT_ICONS, "movement_labels": dict(Movement.choices),
        "runs": runs(request.user, cycle) and cycle.status == CycleStatus.OPEN,
        "may_export": can(request.user, "export", cycle),
        "all_approved": dist.total > 0 and dist.approved == dist.total,
        "filters": {k: request.GET.get(k, "") for k in ("step", "status", "grade", "sort")},
    })


@require_POST
@login_required
def cycle_measure_view(request, pk):
    cycle = get_for(request.user, CYCLES, "view", pk=pk)
    try:
        if cycle.assessments.count() > MEASURE_INLINE:
            cycle_measure_later(actor=request.user, cycle=cycle)
            messages.success(request, _("The records are being measured in the background; the results "
                                        "update within a few minutes."))
        else:
            count = cycle_measure(actor=request.user, cycle=cycle)
            messages.success(request, _("Measured again from the records: %(n)d results.") % {"n": count})
    except ValidationError as exc:
        _error(request, exc)
    return redirect(cycle_url(cycle))


@require_POST
@login_required
def cycle_close_view(request, pk):
    cycle = get_for(request.user, CYCLES, "view", pk=pk)
    try:
        cycle_close(actor=request.user, cycle=cycle)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The cycle is closed."))
    return redirect(cycle_url(cycle))


def _criterion_rows(detail, *, recording: bool, reviewing: bool):
    """The results for the template: how each criterion is judged, with the forms the user may use."""
    rows = []
    for item in detail["results"]:
        result, criterion = item["result"], item["criterion"]
        rows.append({
            "result": result, "criterion": criterion, "evidence": item["evidence"],
            "measured": criterion.measured, "veto": criterion.is_veto,
            "value_text": measured_text(criterion, result.value) if criterion.measured else "",
            "threshold_text": threshold_text(criterion) if criterion.measured else "",
            "indicator_name": indicator_name(criterion) if criterion.measured else "",
            "needs_evidence": criterion.evidence != EvidenceKind.NONE and not criterion.measured,
            "may_record": recording and not criterion.measured,
            "may_add_evidence": recording and not criterion.measured and criterion.evidence != EvidenceKind.NONE,
            "may_review": reviewing,
        })
    return [r for r in rows if not r["veto"]], [r for r in rows if r["veto"]]


@login_required
@require_GET
def assessment_page(request, pk):
    """One organization's assessment: its review steps, the criteria with their results and evidence, the
    forms the user may use at the current step, the log and the organization's earlier ratings."""
    assessment = get_for(request.user, ASSESSMENTS, "view", pk=pk)
    detail = selectors.assessment_detail(assessment)
    recording, reviewing = may_record(request.user, assessment), may_review(request.user, assessment)
    criteria, vetoes = _criterion_rows(detail, recording=recording, reviewing=reviewing)
    cycle = assessment.cycle
    steps = {s.order: s.name for s in scheme_steps(cycle.scheme)}
    log = [{"row": row, "from": steps.get(row.from_step, row.from_step), "to": steps.get(row.to_step, row.to_step)}
           for row in detail["log"]]
    return render(request, "assessment/cycles/assessment.html", {
        "nav": "assessment", "assessment": assessment, "cycle": cycle, "scheme": cycle.scheme, "detail": detail,
        "criteria": criteria, "vetoes": vetoes, "log": log, "recording": recording, "reviewing": reviewing,
        "actions": [(a, AssessmentAction(a).label) for a in allowed_actions(request.user, assessment)],
        "history": selectors.history(assessment.organization, cycle.scheme.code),
        "is_star": cycle.scheme.kind == SchemeKind.STAR,
        "evidence_kinds": [(k.value, k.label) for k in (EvidenceKind.PHOTO, EvidenceKind.FILE, EvidenceKind.RECORD)],
        "evidence_accept": FILE_ACCEPT,
        "see_cycle": can(request.user, "view", cycle),
        "see_org": can(request.user, "view", assessment.organization),
    })


@require_POST
@login_required
def assessment_step(request, pk):
    """Submit, return, approve or reopen, with a comment."""
    assessment = get_for(request.user, ASSESSMENTS, "view", pk=pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(assessment_url(assessment, "steps"))
    action = form.cleaned_data["action"]
    try:
        assessment_transition(actor=request.user, assessment=assessment, action=action,
                              note=form.cleaned_data["note"])
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": AssessmentAction(action).label})
    return redirect(assessment_url(assessment))


def _result(request, pk) -> CriterionResult:
    """A result whose assessment the user sees (404 otherwise)."""
    try:
        result = CriterionResult.objects.select_related("criterion").get(pk=pk)
    except (CriterionResult.DoesNotExist, ValueError):
        raise Http404 from None
    result.assessment = get_for(request.user, ASSESSMENTS, "view", pk=result.assessment_id)
    return result


def _form_errors(request, form) -> None:
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))


def _post_on_result(request, pk, form_class, write, message):
    """Validate ``form_class`` for one criterion result and hand its data to the service ``write``."""
    result = _result(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            write(actor=request.user, result=result, **form.cleaned_data)
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, message % {"name": result.criterion.name})
    else:
        _form_errors(request, form)
    return redirect(assessment_url(result.assessment, f"c{result.pk}"))


@require_POST
@login_required
def result_record_view(request, pk):
    """The assessed organization's own finding on one criterion (met or not; a veto item triggered or not)."""
    return _post_on_result(request, pk, ResultRecordForm, result_record, _("Saved: %(name)s."))


@require_POST
@login_required
def result_review_view(request, pk):
    """A reviewer's verdict on one criterion (a rejection with its reason)."""
    return _post_on_result(request, pk, ResultReviewForm, result_review, _("Verdict saved: %(name)s."))


@require_POST
@login_required
def evidence_add_view(request, pk):
    """Add a photo (kept without its EXIF data), a file or a link to a record as evidence."""
    result = _result(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            evidence_add(actor=request.user, result=result, kind=data["kind"], file=data.get("file"),
                         record_url=data.get("record_url", ""), caption=data.get("caption", ""))
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Evidence added: %(name)s.") % {"name": result.criterion.name})
    else:
        _form_errors(request, form)
    return redirect(assessment_url(result.assessment, f"c{result.pk}"))


def download_name(evidence: Evidence) -> str:
    """The name an evidence file downloads under: a file's caption (or the stored name), always with the
    stored file's extension (a photo among files is kept re-encoded, perhaps as another type)."""
    stored = PurePosixPath(evidence.file.name)
    name = evidence.caption.replace("/", "_").strip() if evidence.kind == EvidenceKind.FILE else ""
    if not name:
        return stored.name
    return name if PurePosixPath(name).suffix.lower() == stored.suffix.lower() else name + stored.suffix


@login_required
@require_GET
def evidence_file(request, pk):
    """An evidence photo or file, for those who see the assessment (never a public URL)."""
    try:
        evidence = Evidence.objects.select_related("result").get(pk=pk)
    except (Evidence.DoesNotExist, ValueError):
        raise Http404 from None
    get_for(request.user, Assessment.objects, "view", pk=evidence.result.assessment_id)
    return stored_file_response(evidence.file, filename=download_name(evidence),
                                attachment=evidence.kind != EvidenceKind.PHOTO)


@login_required
@require_GET
def org_history(request, pk):
    """Every assessment of one organization the user may see, across years and schemes."""
    org = get_for(request.user, Organization.objects, "view", pk=pk)
    return render(request, "assessment/cycles/org_history.html", {
        "nav": "assessment", "org": org, "rows": org_history_rows(org, request.user),
        "ancestors": visible_ancestors(org, request.user), "movement_icons": MOVEMENT_ICONS,
        "movement_labels": dict(Movement.choices),
    })
