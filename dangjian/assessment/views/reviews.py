"""Pages of work-report reviews (述职评议): the rounds and the reports waiting for me, opening a
round, a round's results (and their spreadsheet), one report with its submit and rating forms."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.access import covers, get_for, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.files import stored_file_response
from dangjian.core.forms import add_service_errors, submit
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE
from dangjian.organizations.choices import BRANCH_TYPES, OrgType
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import organizations_for

from .. import selectors_followup as selectors
from ..choices import RaterCapacity, ReportGrade, ReviewRoundStatus
from ..exports_followup import review_round_xlsx
from ..forms_followup import RatingForm, ReviewRoundForm, WorkReportForm
from ..models import ReviewRound, WorkReport
from ..services_followup import (
    may_submit_report,
    rater_capacity,
    ratings_open,
    review_round_close,
    review_round_open,
    work_report_rate,
    work_report_submit,
)


def round_url(round_) -> str:
    return reverse("assessment:review_round", args=[round_.pk])


def report_url(report) -> str:
    return reverse("assessment:work_report", args=[report.pk])


@login_required
@require_GET
def round_list(request):
    """The rounds in my sight, and the reports waiting for my rating or my report."""
    today = timezone.localdate()
    add = user_scope(request.user, "add")
    return render(request, "assessment/followup/review_rounds.html", {
        "nav": "work_reports", "rounds": list(selectors.rounds(request.user)[:100]),
        "to_rate": list(selectors.reports_to_rate(request.user, today)[:100]),
        "to_submit": list(selectors.reports_to_submit(request.user)[:20]),
        "can_open": add.everything or bool(add.paths),
    })


def _running_choices(user):
    """Organizations a user may run a round in: those they may add over that have organizations below."""
    return organizations_for(user, "add", exclude_types=BRANCH_TYPES).filter(numchild__gt=0)


@login_required
def round_new(request):
    scope = user_scope(request.user, "add")
    if not (scope.everything or scope.paths):
        raise PermissionDenied
    choices = _running_choices(request.user)
    org_pk = request.POST.get("running") or request.GET.get("org")
    running = None
    if org_pk:
        running = choices.filter(pk=org_pk).first() if str(org_pk).isdigit() else None
        if running is None:
            get_for(request.user, Organization.objects, "view", pk=org_pk)
            raise PermissionDenied
    elif choices.count() == 1:
        running = choices.first()
    form = None
    if running is not None:
        candidates = (Organization.objects.filter(path__startswith=running.path, depth__gt=running.depth,
                                                  depth__lte=running.depth + 2, status="active")
                      .exclude(org_type=OrgType.PARTY_GROUP).order_by("path"))
        form = ReviewRoundForm(request.POST or None, running=running, candidates=candidates)

        def action(data):
            return review_round_open(actor=request.user, organization=running, **data)

        done = submit(request, form, action, message=_("The review round is open."), next_url=round_url)
        if done:
            return done
    return render(request, "assessment/followup/review_round_form.html", {
        "nav": "work_reports", "form": form, "running": running, "choices": list(choices[:500]),
    })


@login_required
def round_detail(request, pk):
    round_ = get_for(request.user, ReviewRound.objects.select_related("organization"), "view", pk=pk)
    may_change = covers(user_scope(request.user, "change"), round_.organization)
    if request.method == "POST":
        if request.POST.get("action") != "close":
            raise Http404
        if not may_change:
            raise PermissionDenied
        try:
            review_round_close(actor=request.user, round=round_)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The review round is closed; its results are final."))
        return redirect(round_url(round_))
    rows = selectors.report_rows(round_)
    return render(request, "assessment/followup/review_round.html", {
        "nav": "work_reports", "round": round_, "rows": rows, "is_open": round_.status == ReviewRoundStatus.OPEN,
        "may_close": may_change and round_.status == ReviewRoundStatus.OPEN,
        "can_export": covers(user_scope(request.user, "export"), round_.organization),
        "submitted": sum(1 for r in rows if r.report.submitted_at), "today": timezone.localdate(),
        "member_weight": 1 - round_.upper_weight,
    })


@login_required
@require_GET
def round_export(request, pk):
    round_ = get_for(request.user, ReviewRound.objects.select_related("organization"), "view", pk=pk)
    if not covers(user_scope(request.user, "export"), round_.organization):
        raise PermissionDenied
    rows = selectors.report_rows(round_)
    audit_log(actor=request.user, action="assessment.review_round_exported", obj=round_,
              organization=round_.organization, changes={"count": len(rows)})
    response = HttpResponse(review_round_xlsx(round_, rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{round_.title}.xlsx")
    return response


def _report(request, pk) -> WorkReport:
    queryset = selectors.visible_reports(request.user).select_related(
        "round", "round__organization", "organization", "reporter").defer(*selectors.MEMBER_DEFER)
    try:
        return queryset.get(pk=pk)
    except (WorkReport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@login_required
def report_detail(request, pk):
    report = _report(request, pk)
    today = timezone.localdate()
    round_ = report.round
    capacity = rater_capacity(request.user, report)
    mine = report.ratings.filter(rater=request.user).first()
    rated_already = report.ratings.exists()
    may_submit = (may_submit_report(request.user, report) and round_.status == ReviewRoundStatus.OPEN
                  and not rated_already)
    may_rate = capacity is not None and ratings_open(report, today)
    posted = request.POST.get("form") if request.method == "POST" else None
    if posted == "submit" and not may_submit_report(request.user, report):
        raise PermissionDenied
    if posted == "rate" and capacity is None:
        raise PermissionDenied
    if request.method == "POST" and posted not in ("submit", "rate"):
        raise Http404
    submit_form = rate_form = None
    if may_submit or posted == "submit":
        submit_form = WorkReportForm(request.POST if posted == "submit" else None,
                                     request.FILES if posted == "submit" else None,
                                     initial={"text": report.text}, prefix="report")
        done = submit(request, submit_form, lambda data: work_report_submit(actor=request.user, report=report, **data),
                      message=_("Your report is submitted."), next_url=report_url(report)) if posted == "submit" else None
        if done:
            return done
    if may_rate or posted == "rate":
        rate_form = RatingForm(request.POST if posted == "rate" else None, prefix="rate",
                               initial={"grade": mine.grade, "comment": mine.comment} if mine else None)
        if posted == "rate" and rate_form.is_valid():
            try:
                work_report_rate(actor=request.user, report=report, **rate_form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(rate_form, exc)
            else:
                messages.success(request, _("Thank you, your rating is saved."))
                return redirect(report_url(report))
    row = selectors.report_rows(round_, reports=WorkReport.objects.filter(pk=report.pk))[0]
    sees_round = ReviewRound.objects.restrict(request.user, "view").filter(pk=round_.pk).exists()
    return render(request, "assessment/followup/work_report.html", {
        "nav": "work_reports", "report": report, "round": round_, "row": row, "capacity": capacity,
        "capacity_label": RaterCapacity(capacity).label if capacity else "", "mine": mine,
        "submit_form": submit_form, "rate_form": rate_form, "may_rate": may_rate, "sees_round": sees_round,
        "upper_ratings": list(selectors.upper_ratings(report)), "grades": ReportGrade.choices, "today": today,
        "upper_tallies": row.tallies(RaterCapacity.UPPER), "member_tallies": row.tallies(RaterCapacity.MEMBER),
    }, status=400 if posted else 200)


@login_required
@require_GET
def report_file(request, pk):
    report = _report(request, pk)
    return stored_file_response(report.file)
