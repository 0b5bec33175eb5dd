"""Pages of the weekday themes (主题工作法), under /coverage/themes/.

The secretary of a community sets the plan and gives tasks for a day; each cadre sees their week
and writes their own log of a day, on the phone. No page counts or ranks cadres' logs.
"""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.access import covers, get_for, user_scope
from dangjian.core.forms import submit
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import visible_ancestors

from .. import exports_themes
from .. import selectors_themes as selectors
from .. import services_themes as services
from ..forms_themes import (
    LogFilterForm,
    PlanEndForm,
    ThemeLogForm,
    ThemePlanForm,
    ThemeTaskForm,
    plan_args,
    plan_initial,
)
from ..models import ThemeLog, ThemePlan, ThemeTask

NAV = "themes"


def _day(text, default=None):
    try:
        return datetime.date.fromisoformat(text) if text else default
    except ValueError:
        return None


def _can(request, action, org) -> bool:
    return covers(user_scope(request.user, action), org)


def _base(request, org=None):
    return {"nav": NAV, "ancestors": visible_ancestors(org, request.user) + [org] if org else []}


def _plan(request, pk, action="view") -> ThemePlan:
    return get_for(request.user, ThemePlan.objects.select_related("organization"), action, pk=pk)


def plan_url(plan) -> str:
    return reverse("coverage:theme_plan", args=[plan.pk])


@login_required
@require_GET
def index(request):
    """Plans of the communities in view and, for a cadre, the week of their community's plan."""
    scope = user_scope(request.user, "view")
    if not (scope.everything or scope.paths):
        raise PermissionDenied
    today = timezone.localdate()
    plan = _plan(request, request.GET["plan"]) if request.GET.get("plan") else selectors.my_plan(request.user, today)
    week_day = _day(request.GET.get("week"), today)
    if week_day is None:
        messages.warning(request, _("The week was not understood; this week is shown."))
        week_day = today
    monday = selectors.monday_of(week_day)
    days = selectors.week(plan, monday, request.user, today=today) if plan else None
    page = Paginator(selectors.plans_for(request.user), 30).get_page(request.GET.get("page"))
    for p in page:
        p.state = "upcoming" if p.starts_on > today else ("ended" if p.ends_on and p.ends_on < today else "in_force")
    return render(request, "coverage/themes/index.html", {
        "nav": NAV, "plan": plan, "days": days, "monday": monday, "today": today,
        "prev_week": monday - datetime.timedelta(days=7), "next_week": monday + datetime.timedelta(days=7),
        "may_log": plan is not None and services.may_log(request.user, plan.organization), "page_obj": page,
        "can_add": Organization.objects.restrict(request.user, "change")
        .exclude(org_type__in=services.NOT_COMMUNITIES).exists()})


@login_required
def plan_new(request):
    orgs = Organization.objects.restrict(request.user, "change").exclude(org_type__in=services.NOT_COMMUNITIES)
    if not orgs.exists():
        raise PermissionDenied
    initial = plan_initial()
    if request.GET.get("org"):
        initial["organization"] = request.GET["org"]
    form = ThemePlanForm(request.POST or None, initial=initial, organizations=orgs)
    done = submit(request, form, lambda data: services.theme_plan_create(actor=request.user, **plan_args(data)),
                  message=_("The theme plan is set."), next_url=plan_url)
    if done:
        return done
    return render(request, "coverage/themes/plan_form.html", {
        **_base(request), "form": form, "title": _("New weekday theme plan"), "back": reverse("coverage:themes")})


@login_required
@require_GET
def plan_detail(request, pk):
    """A plan: its weekday grid, day tasks from this week on, and the cadres' logs (newest first)."""
    plan = _plan(request, pk)
    today = timezone.localdate()
    filters = LogFilterForm(request.GET or None, authors=selectors.log_authors(plan))
    data = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.logs(plan, data.get("start"), data.get("end"), data.get("author"))
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    can_add = _can(request, "add", plan.organization)
    return render(request, "coverage/themes/plan.html", {
        **_base(request, plan.organization), "plan": plan, "themes": list(plan.themes.all()),
        "tasks": selectors.day_tasks(plan, selectors.monday_of(today)), "filters": filters, "page_obj": page,
        "start": data.get("start"), "end": data.get("end"),
        "today": today, "can_change": _can(request, "change", plan.organization), "can_add": can_add,
        "can_export": _can(request, "export", plan.organization),
        "may_log": services.may_log(request.user, plan.organization),
        "task_form": ThemeTaskForm(cadres=selectors.cadres(plan.organization)) if can_add else None,
        "end_form": PlanEndForm(), "in_force": services.in_period(plan, today)})


@login_required
def plan_edit(request, pk):
    plan = _plan(request, pk, "change")
    form = ThemePlanForm(request.POST or None, initial=plan_initial(plan))
    done = submit(request, form, lambda data: services.theme_plan_update(actor=request.user, plan=plan,
                                                                         **plan_args(data)),
                  message=_("The theme plan is saved."), next_url=plan_url(plan))
    if done:
        return done
    return render(request, "coverage/themes/plan_form.html", {
        **_base(request, plan.organization), "form": form, "plan": plan,
        "title": _("Change %(title)s") % {"title": plan.title}, "back": plan_url(plan)})


def _refused(request, exc: ValidationError):
    messages.error(request, "；".join(exc.messages))


@login_required
@require_POST
def plan_end(request, pk):
    plan = _plan(request, pk, "change")
    form = PlanEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a date such as 2026-11-20."))
        return redirect(plan_url(plan))
    try:
        services.theme_plan_end(actor=request.user, plan=plan, on=form.cleaned_data["ends_on"])
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The plan ends on %(day)s.") % {"day": f"{plan.ends_on:%Y-%m-%d}"})
    return redirect(plan_url(plan))


@login_required
@require_POST
def task_add(request, pk):
    plan = _plan(request, pk, "add")
    form = ThemeTaskForm(request.POST, cadres=selectors.cadres(plan.organization))
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label if k in form.fields else ''}：{' '.join(v)}"
                                         for k, v in form.errors.items()))
        return redirect(plan_url(plan))
    try:
        task = services.theme_task_add(actor=request.user, plan=plan, **form.cleaned_data)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The task is given for %(day)s.") % {"day": f"{task.day:%Y-%m-%d}"})
    return redirect(plan_url(plan))


@login_required
@require_POST
def task_remove(request, pk):
    task = get_for(request.user, ThemeTask.objects.select_related("plan__organization"), "change", pk=pk)
    try:
        services.theme_task_remove(actor=request.user, task=task)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The task is taken back."))
    return redirect(plan_url(task.plan))


@login_required
def log(request):
    """The cadre's own log of a day (``?plan=&day=``; without them, today under their plan)."""
    today = timezone.localdate()
    plan = _plan(request, request.GET["plan"]) if request.GET.get("plan") else selectors.my_plan(request.user, today)
    if plan is None:
        raise Http404
    if not services.may_log(request.user, plan.organization):
        raise PermissionDenied
    day = _day(request.GET.get("day"), today)
    if day is None:
        messages.warning(request, _("The date was not understood; today is shown."))
        day = today
    existing = ThemeLog.objects.filter(plan=plan, day=day, author=request.user).prefetch_related("tasks").first()
    tasks = selectors.task_choices(plan, day, request.user)
    initial = {"done": existing.done, "outcomes": existing.outcomes, "tasks": list(existing.tasks.all())} \
        if existing else {}
    form = ThemeLogForm(request.POST or None, initial=initial, tasks=tasks)
    back = f"{reverse('coverage:themes')}?plan={plan.pk}&week={selectors.monday_of(day):%Y-%m-%d}"
    done = submit(request, form, lambda data: services.theme_log_save(
        actor=request.user, plan=plan, day=day, done=data["done"], outcomes=data["outcomes"], tasks=data["tasks"],
        today=today), message=_("Your log is saved."), next_url=back)
    if done:
        return done
    theme = plan.themes.filter(weekday=day.isoweekday()).first()
    return render(request, "coverage/themes/log.html", {
        **_base(request, plan.organization), "plan": plan, "day": day, "theme": theme, "form": form,
        "log": existing, "back": back, "is_future": day > today, "in_plan": services.in_period(plan, day)})


@login_required
@require_POST
def log_delete(request, pk):
    entry = get_for(request.user, ThemeLog.objects.select_related("plan__organization"), "view", pk=pk)
    services.theme_log_delete(actor=request.user, log=entry)
    messages.success(request, _("Your log is deleted."))
    return redirect(f"{reverse('coverage:themes')}?plan={entry.plan_id}&week={selectors.monday_of(entry.day):%Y-%m-%d}")


@login_required
@require_GET
def logs_xlsx(request, pk):
    """The plan's logs over a period (``?start=&end=``) as a ledger spreadsheet; the download is audited."""
    plan = _plan(request, pk, "export")
    start, end = _day(request.GET.get("start")), _day(request.GET.get("end"))
    rows = list(selectors.logs(plan, start, end).order_by("day", "author__full_name", "id")[:5000])
    services.theme_logs_exported(actor=request.user, plan=plan, start=start, end=end, count=len(rows))
    response = HttpResponse(exports_themes.logs_xlsx(plan, rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{plan.title}-工作日志.xlsx")
    return response
