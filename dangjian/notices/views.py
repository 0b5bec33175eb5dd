"""Pages of notices (通知公告), assignments (工作任务) and the inbox (我的消息)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.access import can, get_for, has_any_scope
from dangjian.core.files import stored_file_response
from dangjian.core.forms import submit

from . import selectors, services
from .forms import AssignmentForm, NoticeForm, ReportForm
from .models import Assignment, Notice, Notification

PER_PAGE = 30


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _targeted(data):
    return {"organization": data["organization"], "to_subtree": data["to_subtree"], "targets": data["targets"]}


@login_required
@require_GET
def notice_list(request):
    """Notices issued by or sent to the organizations the user can see, newest first."""
    page = _page(request, Notice.objects.restrict(request.user, "view").select_related("organization"))
    return render(request, "notices/list.html", {
        "nav": "notices", "page_obj": page, "unread": selectors.unread_notice_ids(request.user, list(page)),
        "can_publish": has_any_scope(request.user, "add"),
    })


@login_required
@require_GET
def notice_detail(request, pk):
    """One notice; opening it marks it read for this user. The issuer sees read counts per target."""
    notice = get_for(request.user, Notice.objects.select_related("organization"), pk=pk)
    services.notice_mark_read(user=request.user, notice=notice)
    issuer_side = can(request.user, "view", notice.organization)
    return render(request, "notices/detail.html", {
        "nav": "notices", "notice": notice, "issuer_side": issuer_side,
        "read_counts": selectors.notice_read_counts(notice, request.user) if issuer_side else None,
    })


@login_required
@require_GET
def notice_attachment(request, pk):
    """The notice's attachment, only to those who may see the notice."""
    notice = get_for(request.user, Notice.objects, pk=pk)
    return stored_file_response(notice.attachment)


@login_required
def notice_publish(request):
    """Publish a notice (发布通知) to organizations below one's own."""
    if not has_any_scope(request.user, "add"):
        raise PermissionDenied
    form = NoticeForm(request.POST or None, request.FILES or None, user=request.user)
    done = submit(request, form, lambda data: services.notice_publish(
        actor=request.user, title=data["title"], body=data["body"], attachment=data["attachment"], **_targeted(data)),
        message=_("The notice has been published."),
        next_url=lambda notice: reverse("notices:detail", args=[notice.pk]))
    return done or render(request, "notices/form.html", {
        "nav": "notices", "form": form, "title": _("Publish a notice"), "submit": _("Publish"),
        "cancel": reverse("notices:list"), "multipart": True,
    })


@login_required
@require_GET
def assignment_list(request):
    """Assignments issued by or given to the organizations the user can see."""
    page = _page(request, Assignment.objects.restrict(request.user, "view").select_related("organization"))
    return render(request, "notices/assignment_list.html", {
        "nav": "assignments", "page_obj": page, "counts": selectors.assignment_counts(list(page)),
        "can_create": has_any_scope(request.user, "add"),
    })


@login_required
@require_GET
def assignment_detail(request, pk):
    """One assignment and the report status of each target organization the user can see."""
    assignment = get_for(request.user, Assignment.objects.select_related("organization"), pk=pk)
    reports = (assignment.reports.restrict(request.user, "view")
               .select_related("organization", "reported_by").order_by("organization__path"))
    return render(request, "notices/assignment_detail.html", {
        "nav": "assignments", "assignment": assignment, "reports": reports,
        "counts": selectors.assignment_counts([assignment]).get(assignment.pk),
        "can_report": selectors.reportable_orgs(assignment, request.user).exists(),
    })


@login_required
def assignment_create(request):
    """Give an assignment (布置工作任务) to organizations below one's own."""
    if not has_any_scope(request.user, "add"):
        raise PermissionDenied
    form = AssignmentForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda data: services.assignment_create(
        actor=request.user, title=data["title"], description=data["description"], due_on=data["due_on"],
        **_targeted(data)),
        message=_("The assignment has been given."),
        next_url=lambda a: reverse("notices:assignment_detail", args=[a.pk]))
    return done or render(request, "notices/form.html", {
        "nav": "assignments", "form": form, "title": _("New assignment"), "submit": _("Give assignment"),
        "cancel": reverse("notices:assignment_list"),
    })


@login_required
def assignment_report(request, pk):
    """A target organization reports the assignment done (报告完成情况)."""
    assignment = get_for(request.user, Assignment.objects.select_related("organization"), pk=pk)
    organizations = selectors.reportable_orgs(assignment, request.user)
    if not organizations.exists():
        raise PermissionDenied
    form = ReportForm(request.POST or None, organizations=organizations)
    url = reverse("notices:assignment_detail", args=[assignment.pk])
    done = submit(request, form, lambda data: services.assignment_report(
        actor=request.user, assignment=assignment, organization=data["organization"], text=data["text"]),
        message=_("The report has been sent."), next_url=url)
    return done or render(request, "notices/form.html", {
        "nav": "assignments", "form": form, "title": _("Report on %(title)s") % {"title": assignment.title},
        "submit": _("Report done"), "cancel": url, "assignment": assignment,
    })


@login_required
@require_GET
def inbox(request):
    """My messages (我的消息): the user's own notifications, unread first."""
    messages_qs = Notification.objects.filter(user=request.user).order_by("read_at", "-created_at", "-id")
    return render(request, "notices/inbox.html", {
        "nav": "inbox", "page_obj": _page(request, messages_qs),
        "unread_count": Notification.objects.filter(user=request.user, read_at__isnull=True).count(),
    })


@login_required
@require_POST
def inbox_read(request):
    """Mark one message read (``id``) or all of them; then go to the message's link or the inbox."""
    pk = request.POST.get("id")
    if pk:
        try:
            message = Notification.objects.get(user=request.user, pk=int(pk))
        except (Notification.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        services.notification_mark_read(user=request.user, pk=message.pk)
        if request.POST.get("go") and message.url.startswith("/") and not message.url.startswith("//"):
            return redirect(message.url)
    else:
        services.notification_mark_read(user=request.user)
    return redirect("notices:inbox")
