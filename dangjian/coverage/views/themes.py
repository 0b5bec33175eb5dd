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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core.access import get_for
from dangjian.core.forms import submit
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE

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
from .common import area_organizations, base_context, can_do, day_param, require_subtree

NAV = "themes"


def _base(request, org=None):
    return base_context(request, org, nav=NAV)


def _period(request) -> tuple[datetime.date | None, datetime.date | None, list[str]]:
    """The period of ``?start=&end=`` (either may be open) and what was wrong with it: a value that
    is not a date is left out, as is an end before the start."""
    start, start_error = day_param(request, "start")
    end, end_error = day_param(request, "end")
    errors = [e for e in (start_error, end_error) if e]
    if start and end and end < start:
        errors.append(_("The end date cannot be before the start date."))
        end = None
    return start, end, errors


def _plan(request, pk, action="view") -> ThemePlan:
    return get_for(request.user, ThemePlan.objects.select_related("organization"), action, pk=pk)


def plan_url(plan) -> str:
    return reverse("coverage:theme_plan", args=[plan.pk])


@login_required
@require_GET
def index(request):
    """Plans of the communities in view and, for a cadre, the week of their community's plan."""
    require_subtree(request.user)
    today = timezone.localdate()
    plan = _plan(request, request.GET["plan"]) if request.GET.get("plan") else selectors.my_plan(request.user, today)
    week_day, error = day_param(request, "week", default=today)
    if error:
        messages.warning(request, _("%(error)s This week is shown.") % {"error": error})
    monday = selectors.monday_of(week_day)
    days = selectors.week(plan, monday, request.user, today=today) if plan else None
    page = Paginator(selectors.plans_for(request.user), 30).get_page(request.GET.get("page"))
    for p in page:
        p.state = "upcoming" if p.starts_on > today else ("ended" if p.ends_on and p.ends_on < today else "in_force")
    return render(request, "coverage/themes/index.html", {
        **_base(request), "plan": plan, "days": days, "monday": monday, "today": today,
        "prev_week": monday - datetime.timedelta(days=7), "next_week": monday + datetime.timedelta(days=7),
        "may_log": plan is not None and services.may_log(request.user, plan.organization), "page_obj": page,
        "can_add": area_organizations(request.user, "change").exists()})


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request):
    orgs = area_organizations(request.user, "change")
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
    start, end, errors = _period(request)
    for error in errors:
        messages.warning(request, _("%(error)s Logs are shown without it.") % {"error": error})
    return _plan_page(request, plan, start, end)


def _plan_page(request, plan, start, end, *, status=200):
    """The plan page with its logs from ``start`` to ``end`` and of the cadre of ``?author=``."""
    today = timezone.localdate()
    filters = LogFilterForm(request.GET or None, authors=selectors.log_authors(plan))
    filters.is_valid()  # an unknown cadre is left out (and shown on the form); the dates come from _period
    author = getattr(filters, "cleaned_data", {}).get("author")
    rows = selectors.logs(plan, start, end, author)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    org = plan.organization
    can_add = can_do(request.user, "add", org)
    return render(request, "coverage/themes/plan.html", {
        **_base(request, org), "plan": plan, "themes": list(plan.themes.all()),
        "tasks": selectors.day_tasks(plan, selectors.monday_of(today)), "filters": filters, "page_obj": page,
        "start": start, "end": end, "today": today, "can_change": can_do(request.user, "change", org),
        "can_add": can_add, "can_export": can_do(request.user, "export", org),
        "may_log": services.may_log(request.user, org),
        "task_form": ThemeTaskForm(cadres=selectors.cadres(org)) if can_add else None,
        "end_form": PlanEndForm(), "in_force": services.in_period(plan, today)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
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
@require_http_methods(["GET", "POST"])
def log(request):
    """The cadre's own log of a day (``?plan=&day=``; without them, today under their plan)."""
    today = timezone.localdate()
    plan = _plan(request, request.GET["plan"]) if request.GET.get("plan") else selectors.my_plan(request.user, today)
    if plan is None:
        raise Http404
    if not services.may_log(request.user, plan.organization):
        raise PermissionDenied
    day, error = day_param(request, "day", default=today)
    if error:  # back to today's log on a clean address, so nothing is saved under a misread day
        messages.warning(request, _("%(error)s Today's log is shown.") % {"error": error})
        return redirect(f"{reverse('coverage:theme_log')}?plan={plan.pk}&day={today:%Y-%m-%d}")
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
    """The plan's logs over a period (``?start=&end=``, either open) as a ledger spreadsheet; the
    download is audited. A date that is not one is refused with the plan page and a message (400),
    never read as "no limit"."""
    plan = _plan(request, pk, "export")
    start, end, errors = _period(request)
    if errors:
        for error in errors:
            messages.error(request, _("%(error)s Nothing was downloaded; correct the dates.") % {"error": error})
        return _plan_page(request, plan, None, None, status=400)
    rows = list(selectors.logs(plan, start, end).order_by("day", "author__full_name", "id")[:5000])
    services.theme_logs_exported(actor=request.user, plan=plan, start=start, end=end, count=len(rows))
    response = HttpResponse(exports_themes.logs_xlsx(plan, rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{plan.title}-工作日志.xlsx")
    return response
