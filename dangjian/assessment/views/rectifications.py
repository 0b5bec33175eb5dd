"""Pages of rectification tasks (整改): the list with its filters and counts, one task with its
steps, the closing evidence, opening a task by hand, and the list as a spreadsheet."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.access import get_for, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.files import stored_file_response
from dangjian.core.forms import add_service_errors, submit
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE
from dangjian.members.filters import org_picker_choices
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import organizations_for

from .. import selectors_followup as selectors
from ..choices import RectificationAction, RectificationStatus
from ..exports_followup import rectifications_xlsx
from ..forms_followup import RectificationForm, RectificationStepForm
from ..models import Rectification
from ..services_followup import (
    RECTIFICATION_STEPS,
    owner_candidates,
    rectification_create,
    rectification_may,
    rectification_transition,
)

A = RectificationAction


def task_url(task) -> str:
    return reverse("assessment:rectification", args=[task.pk])


def assessment_url(assessment_id) -> str:
    """The page of the assessment a task came from (the cycles pages)."""
    try:
        return reverse("assessment:assessment", args=[assessment_id])
    except NoReverseMatch:
        return f"/assessment/a/{assessment_id}/"


def _overseer(request):
    """Only those with a subtree in sight keep tasks (members, residents and teams have none)."""
    scope = user_scope(request.user, "view")
    if not (scope.everything or scope.paths):
        raise PermissionDenied


def _filters(request) -> selectors.RectificationFilters:
    org = None
    if request.GET.get("org"):
        org = get_for(request.user, Organization.objects, "view", pk=request.GET["org"])
    cycle = request.GET.get("cycle", "")
    return selectors.RectificationFilters(
        org=org, status=request.GET.get("status", ""), overdue=request.GET.get("overdue") == "1",
        cycle=int(cycle) if cycle.isdigit() else None, todo=request.GET.get("todo", ""))


@login_required
@require_GET
def rectification_list(request):
    _overseer(request)
    today = timezone.localdate()
    filters = _filters(request)
    base = selectors.rectifications(request.user, today)
    if filters.org is not None:
        base = base.filter(organization__path__startswith=filters.org.path)
    counts = selectors.rectification_counts(base, today)
    tasks = selectors.filtered(base, request.user, filters, today).order_by("-is_overdue", "deadline", "id")
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    for task in page:
        task.days_overdue = selectors.days_overdue(task)
    visible = Organization.objects.restrict(request.user, "view")
    return render(request, "assessment/followup/rectifications.html", {
        "nav": "rectification", "page_obj": page, "counts": counts, "filters": filters,
        "statuses": RectificationStatus.choices, "cycles": list(selectors.source_cycles(request.user)[:50]),
        "org_choices": org_picker_choices(request.user, visible, filters.org.pk if filters.org else None),
        "query": request.GET.urlencode(),
        "can_export": bool(user_scope(request.user, "export").paths or user_scope(request.user, "export").everything),
        "can_add": bool(user_scope(request.user, "add").paths or user_scope(request.user, "add").everything),
    })


@login_required
@require_GET
def rectification_export(request):
    """The list as filtered, as a spreadsheet (audited)."""
    scope = user_scope(request.user, "export")
    if not (scope.everything or scope.paths):
        raise PermissionDenied
    today = timezone.localdate()
    filters = _filters(request)
    tasks = (selectors.filtered(selectors.rectifications(request.user, today), request.user, filters, today)
             .filter(Q(pk__in=Rectification.objects.restrict(request.user, "export").values("pk")))
             .order_by("organization__path", "deadline", "id"))
    tasks = list(tasks[:5000])
    where = filters.org or Organization.objects.filter(path__in=scope.paths[:1]).first()
    audit_log(actor=request.user, action="assessment.rectifications_exported", obj=filters.org,
              organization=where, changes={"count": len(tasks), "filters": request.GET.urlencode() or "all"})
    response = HttpResponse(rectifications_xlsx(tasks), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"整改任务{today:%Y%m%d}.xlsx")
    return response


def _task(request, pk) -> Rectification:
    queryset = selectors.rectifications(request.user, timezone.localdate())
    try:
        task = queryset.get(pk=pk)
    except (Rectification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    task.days_overdue = selectors.days_overdue(task)
    return task


@login_required
def rectification_detail(request, pk):
    task = _task(request, pk)
    allowed = [a for a in (A.SUBMIT, A.ACCEPT, A.RETURN)
               if task.status in RECTIFICATION_STEPS[a].sources and rectification_may(request.user, task, a)]
    posted = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST":
        if posted not in RECTIFICATION_STEPS:
            raise Http404
        if not rectification_may(request.user, task, posted):
            raise PermissionDenied
    forms = {}
    for action in allowed:
        bound = action == posted
        forms[action] = RectificationStepForm(request.POST if bound else None, request.FILES if bound else None,
                                              action=action, prefix=action)
    if posted:
        form = forms.get(posted)
        if form is None:  # the task moved on meanwhile
            messages.error(request, _("A task that is %(now)s cannot be changed this way.")
                           % {"now": task.get_status_display()})
            return redirect(task_url(task))
        if form.is_valid():
            try:
                rectification_transition(actor=request.user, task=task, action=posted, note=form.cleaned_data["note"],
                                         evidence=form.cleaned_data.get("evidence"))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, {A.SUBMIT: _("Submitted for checking."), A.ACCEPT: _("The task is closed."),
                                           A.RETURN: _("The task is returned for more work.")}[posted])
                return redirect(task_url(task))
    source = task.source
    return render(request, "assessment/followup/rectification.html", {
        "nav": "rectification", "task": task, "forms": forms, "statuses": dict(RectificationStatus.choices),
        "log": list(task.log.select_related("actor")),
        "source_url": assessment_url(source.assessment_id) if source else "",
        "labels": dict(RectificationAction.choices),
    }, status=400 if posted else 200)


@login_required
@require_GET
def rectification_file(request, pk):
    """The closing evidence of a task, for those who see the task."""
    task = get_for(request.user, Rectification.objects.all(), "view", pk=pk)
    return stored_file_response(task.closing_evidence)


def _openable(user):
    """Organizations a user may open a task for: strictly below those they may add over."""
    return organizations_for(user, "add", strictly_below=True)


@login_required
def rectification_new(request):
    """Open a task by hand (an inspection found a problem)."""
    scope = user_scope(request.user, "add")
    if not (scope.everything or scope.paths):
        raise PermissionDenied
    organizations = _openable(request.user)
    chosen = None
    org_pk = request.POST.get("organization") or request.GET.get("org")
    if org_pk:
        chosen = organizations.filter(pk=org_pk).first() if str(org_pk).isdigit() else None
        if chosen is None:
            get_for(request.user, Organization.objects, "view", pk=org_pk)  # 404 out of sight
            raise PermissionDenied
    form = None
    if chosen is not None:
        form = RectificationForm(request.POST or None, organizations=organizations.filter(pk=chosen.pk),
                                 owners=owner_candidates(chosen), initial={"organization": chosen.pk})

        def action(data):
            return rectification_create(actor=request.user, **data)

        done = submit(request, form, action, message=_("The rectification task is opened."), next_url=task_url)
        if done:
            return done
    return render(request, "assessment/followup/rectification_form.html", {
        "nav": "rectification", "form": form, "chosen": chosen,
        "choices": list(organizations.only("pk", "name", "depth", "path")[:1000]),
        "top_depth": min((len(p) // Organization.steplen for p in scope.paths), default=1),
    })

