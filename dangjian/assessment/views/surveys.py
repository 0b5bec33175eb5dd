"""Pages of surveys (满意度测评, 民主测评): the list, the builder (questions, opening and closing, the
public link and QR code, ballot codes), the results with charts and the export, and the public
answer page for phones (signed in, or with a one-time ballot code)."""
from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.access import can, get_for, user_scope
from dangjian.core.forms import add_service_errors, submit
from dangjian.core.ratelimit import rate_limited
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE
from dangjian.organizations.models import Organization

from .. import exports_surveys as exports
from .. import selectors_surveys as selectors
from .. import services_surveys as services
from ..choices import QuestionKind, SurveyAccess, SurveyPurpose, SurveyStatus
from ..forms_surveys import AnswerForm, BallotsForm, QuestionForm, SurveyForm
from ..models import Ballot, Question, Survey

NAV = "surveys"
STOP_CODES = {"answered", "closed", "not_open", "not_eligible", "login"}


def survey_url(survey) -> str:
    return reverse("assessment:survey", args=[survey.pk])


def answer_url(request, survey, code: str = "") -> str:
    url = request.build_absolute_uri(reverse("assessment:survey_answer", args=[survey.key]))
    return f"{url}?code={code}" if code else url


def qr_svg(url: str, scale: int = 4) -> str:
    """A QR code of ``url`` as inline SVG markup (drawn on the server; no script)."""
    return mark_safe(segno.make(url, error="m").svg_inline(scale=scale))  # noqa: S308 - segno's own markup


def _survey(request, pk, action="view") -> Survey:
    return get_for(request.user, Survey.objects.select_related("organization"), action, pk=pk)


def _question(request, pk) -> Question:
    question = get_object_or_404(Question.objects.select_related("survey__organization"), pk=pk)
    _survey(request, question.survey_id, "change")
    return question


@login_required
@require_GET
def surveys(request):
    """Surveys the user runs (those over a subtree), and the surveys waiting for the user's answer."""
    scope = user_scope(request.user, "view")
    overseer = scope.everything or bool(scope.paths)
    today = timezone.localdate()
    context = {"nav": NAV, "overseer": overseer, "mine": list(selectors.open_for(request.user, today)[:50]),
               "purposes": SurveyPurpose.choices, "statuses": SurveyStatus.choices,
               "can_add": bool(user_scope(request.user, "add").paths or user_scope(request.user, "add").everything)}
    if overseer:
        org = None
        if request.GET.get("org", "").isdigit():
            org = Organization.objects.restrict(request.user, "view").filter(pk=request.GET["org"]).first()
        purpose, status = request.GET.get("purpose", ""), request.GET.get("status", "")
        run = selectors.run_by(request.user, org=org, purpose=purpose, status=status)
        context.update({"page_obj": Paginator(run, 30).get_page(request.GET.get("page")), "org": org,
                        "purpose": purpose, "status": status})
    return render(request, "assessment/surveys/list.html", context)


@login_required
def survey_create(request):
    organizations = Organization.objects.restrict(request.user, "add").order_by("path")
    if not organizations.exists():
        raise PermissionDenied
    form = SurveyForm(request.POST or None, organizations=organizations,
                      initial={"organization": request.GET.get("org")})

    def action(data):
        return services.survey_create(actor=request.user, **data)

    done = submit(request, form, action, message=_("The survey is created as a draft. Add its questions."),
                  next_url=survey_url)
    if done:
        return done
    return render(request, "assessment/surveys/form.html", {"nav": NAV, "form": form, "title": _("New survey")})


@login_required
def survey_edit(request, pk):
    survey = _survey(request, pk, "change")
    fields = ("title", "description", "purpose", "audience", "access", "anonymous", "opens_on", "closes_on")
    form = SurveyForm(request.POST or None, editing=True, initial={f: getattr(survey, f) for f in fields})
    if survey.status == SurveyStatus.DRAFT:
        done = submit(request, form, lambda data: services.survey_update(actor=request.user, survey=survey, **data),
                      message=_("Saved."), next_url=survey_url)
        if done:
            return done
    return render(request, "assessment/surveys/form.html", {
        "nav": NAV, "form": form, "survey": survey, "title": _("Change the survey"),
        "locked": survey.status != SurveyStatus.DRAFT})


@login_required
@require_GET
def survey_detail(request, pk):
    """The survey: its questions (the builder while a draft), its steps, the link and QR code."""
    survey = _survey(request, pk)
    questions = list(survey.questions.prefetch_related("options"))
    link = answer_url(request, survey)
    ballots = None
    if survey.access == SurveyAccess.BALLOT:
        issued, used = selectors.ballot_counts(survey)
        ballots = {"issued": issued, "used": used}
    steps = [a for a, step in services.TRANSITIONS.items() if survey.status in step.sources]
    return render(request, "assessment/surveys/detail.html", {
        "nav": NAV, "survey": survey, "questions": questions, "link": link, "qr": qr_svg(link),
        "can_change": can(request.user, "change", survey) and survey.status == SurveyStatus.DRAFT,
        "can_issue": can(request.user, "change", survey) and survey.status != SurveyStatus.CLOSED,
        "steps": steps if can(request.user, "transition", survey) else [],
        "can_export": can(request.user, "export", survey), "ballots": ballots,
        "respondents": survey.responses.count(), "answerable": services.is_answerable(survey),
    })


@login_required
@require_POST
def survey_step(request, pk):
    survey = _survey(request, pk, "transition")
    action = request.POST.get("action", "")
    try:
        services.survey_transition(actor=request.user, survey=survey, action=action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, {"open": _("The survey is open for answers."), "close": _("The survey is closed."),
                                   "reopen": _("The survey is open again.")}.get(action, _("Saved.")))
    return redirect(survey_url(survey))


def _question_page(request, survey, question=None):
    initial = {"kind": QuestionKind.SINGLE, "required": True, "scale": 5}
    if question is not None:
        initial = {"kind": question.kind, "text": question.text, "required": question.required,
                   "scale": question.scale, "options": "\n".join(o.text for o in question.options.all())}
    form = QuestionForm(request.POST or None, initial=initial)
    locked = survey.status != SurveyStatus.DRAFT
    if not locked:
        def action(data):
            return services.question_save(actor=request.user, survey=survey, question=question, **data)

        done = submit(request, form, action, message=_("The question is saved."),
                      next_url=lambda q: f"{survey_url(survey)}#q{q.pk}")
        if done:
            return done
    return render(request, "assessment/surveys/question.html", {
        "nav": NAV, "survey": survey, "question": question, "form": form, "locked": locked})


@login_required
def question_add(request, pk):
    return _question_page(request, _survey(request, pk, "change"))


@login_required
def question_edit(request, pk):
    question = _question(request, pk)
    return _question_page(request, question.survey, question)


@login_required
@require_POST
def question_delete(request, pk):
    question = _question(request, pk)
    try:
        services.question_delete(actor=request.user, question=question)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The question is deleted."))
    return redirect(survey_url(question.survey))


@login_required
@require_POST
def question_move(request, pk):
    question = _question(request, pk)
    try:
        services.question_move(actor=request.user, question=question, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{survey_url(question.survey)}#q{question.pk}")


@login_required
def ballots(request, pk):
    """Issue ballot codes (POST) and print them: a sheet of codes, each with a QR code that opens
    the answer page with the code filled in. Only those who may change the survey see codes."""
    survey = _survey(request, pk, "change")
    form = BallotsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        labels = selectors.household_labels(survey.organization) if form.cleaned_data["households"] else None
        try:
            made = services.ballots_issue(actor=request.user, survey=survey, count=form.cleaned_data["count"],
                                          labels=labels)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(n)d codes issued.") % {"n": len(made)})
            return redirect(reverse("assessment:survey_ballots", args=[survey.pk]))
    codes = []
    if survey.access == SurveyAccess.BALLOT:
        unused = Ballot.objects.filter(survey=survey, used_on__isnull=True).order_by("label", "id")
        page = Paginator(unused, 60).get_page(request.GET.get("page"))
        codes = [(b, qr_svg(answer_url(request, survey, b.code), scale=2)) for b in page]
    else:
        page = None
    return render(request, "assessment/surveys/ballots.html", {
        "nav": NAV, "survey": survey, "form": form, "codes": codes, "page_obj": page,
        "households": selectors.household_count(survey.organization) if survey.access == SurveyAccess.BALLOT else 0,
        "can_issue": survey.access == SurveyAccess.BALLOT and survey.status != SurveyStatus.CLOSED})


@login_required
@require_GET
def results(request, pk):
    """Tallies of every question with a chart each; turnout of ballot surveys. Names nobody."""
    survey = _survey(request, pk)
    figures = selectors.survey_tally(survey)
    return render(request, "assessment/surveys/results.html", {
        "nav": NAV, "survey": survey, "tally": figures, "charts": figures.charts(),
        "can_export": can(request.user, "export", survey)})


@login_required
@require_GET
def results_xlsx(request, pk):
    """The tallies and the raw answers as a spreadsheet (see ``exports_surveys``); the download is audited."""
    survey = _survey(request, pk, "export")
    content = exports.results_xlsx(survey, selectors.survey_tally(survey))
    services.survey_exported(actor=request.user, survey=survey)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{survey.title}-测评结果.xlsx")
    return response


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


@rate_limited("public_page", group="assessment.survey_answer", methods=None)
def answer(request, key):
    """The public answer page (phone first): signed-in users of the audience, or a ballot code
    typed in or carried by the QR code (``?code=``). Every refusal is a plain message."""
    survey = get_object_or_404(Survey.objects.select_related("organization"), key=key)
    ballot = survey.access == SurveyAccess.BALLOT
    if not ballot and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    problem = ""
    try:
        services.check_open(survey)
        if not ballot:
            services.check_eligible(survey, request.user)
            if services.already_answered(survey, request.user):
                problem = _("You have already taken part in this survey.")
    except ValidationError as exc:
        problem = " ".join(exc.messages)
    address = _address(request)
    code = services.normalize_code(request.POST.get("code") or request.GET.get("code"))
    code_ok = False
    questions = list(survey.questions.prefetch_related("options"))
    form = AnswerForm(request.POST or None, survey=survey, questions=questions, ask_code=ballot,
                      initial={"code": code})
    if not problem and ballot and code and request.method == "GET":
        if not services.code_attempts_left(address):
            problem = _("Too many wrong codes were tried from here. Please try again in an hour.")
        else:
            try:
                services.check_code(survey, code)
                code_ok = True
            except ValidationError as exc:
                if "bad_code" in services.error_codes(exc):
                    services.note_wrong_code(address)
                    add_service_errors(form, exc)
                else:
                    problem = " ".join(exc.messages)
    if request.method == "POST" and not problem and form.is_valid():
        if ballot and not services.code_attempts_left(address):
            form.add_error("code", _("Too many wrong codes were tried from here. Please try again in an hour."))
        else:
            try:
                services.survey_answer(survey=survey, answers=form.answers(), user=request.user,
                                       ballot_code=form.cleaned_data.get("code"))
            except ValidationError as exc:
                found = services.error_codes(exc)
                if "bad_code" in found:
                    services.note_wrong_code(address)
                if found & STOP_CODES:
                    problem = " ".join(exc.messages)
                else:
                    add_service_errors(form, exc)
            else:
                return redirect(reverse("assessment:survey_thanks", args=[survey.key]))
    return render(request, "assessment/surveys/answer.html", {
        "nav": NAV, "survey": survey, "form": form, "problem": problem, "ballot": ballot,
        "code_ok": code_ok or (ballot and request.method == "POST" and code and "code" not in form.errors),
        "total": len(questions),
    })


@require_GET
def thanks(request, key):
    survey = get_object_or_404(Survey.objects.only("id", "title", "key"), key=key)
    return render(request, "assessment/surveys/thanks.html", {"nav": NAV, "survey": survey})
