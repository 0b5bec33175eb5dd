"""Pages every user has: the workbench (工作台), the audit log, health check, preferences."""
import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET, require_POST

from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import member_breakdown, scope_roots, structure_warnings, terms_ending

from .access import user_scope
from .background import worker_health
from .models import AuditEntry

# Functions that add items to the workbench: ``f(*, root, user, today) -> list[dict]``, each item
# {"kind": "alert", "text": str, "url": str, "when": date | None, "overdue": bool, "label": str}.
WORKBENCH_SOURCES: list[str] = [
    "dangjian.care.selectors.workbench_items",
    "dangjian.transfers.selectors.workbench_items",
    "dangjian.recruitment.selectors.workbench_items",
    "dangjian.members.selectors.workbench_items",
    "dangjian.dues.selectors.workbench_items",
    "dangjian.grid.workbench.items",
]
# Functions that add the user's own items once, whatever organizations they oversee (also for users
# with none, such as residents and team members): ``f(*, user, today) -> list[dict]``.
PERSONAL_WORKBENCH_SOURCES: list[str] = [
    "dangjian.grid.workbench.personal_items",
    "dangjian.wishes.workbench.items",
    "dangjian.assessment.workbench_cycles.items",
    "dangjian.coverage.workbench_contacts.items",
    "dangjian.coverage.workbench_admission.items",
    "dangjian.assessment.workbench_followup.items",
    "dangjian.assessment.workbench_surveys.items",
]


@login_required
def home(request):
    """The workbench: what the rules say is due for this user, then the figures of their scope."""
    roots = scope_roots(request.user)
    today = timezone.localdate()
    todos, figures = [], []
    for root in roots[:5]:
        for post in terms_ending(root, on=today)[:50]:
            todos.append({"kind": "term", "post": post, "when": post.term_end, "overdue": post.term_end < today})
        for warning in structure_warnings(root, limit=50):
            todos.append({"kind": "structure", "warning": warning, "when": None, "overdue": False})
        members = member_breakdown(root)
        figures.append({"org": root, "members": members, "retired": dict(members["categories"]).get("retired", 0),
                        "orgs": root.subtree().filter(status="active").count()})
        todos += _orglife_todos(root, request.user, today)
        for source in WORKBENCH_SOURCES:
            todos += import_string(source)(root=root, user=request.user, today=today)
    for source in PERSONAL_WORKBENCH_SOURCES:
        todos += import_string(source)(user=request.user, today=today)
    todos.sort(key=lambda t: (t["when"] is None, t["when"] or datetime.date.max))
    return render(request, "core/home.html", {
        "nav": "home", "roots": roots, "todos": todos, "figures": figures, "today": today,
    })


def _orglife_todos(root, user, today):
    """Meetings the rules still ask of a branch this year; for a larger scope, how many are behind."""
    from dangjian.organizations.choices import BRANCH_TYPES
    from dangjian.orglife.models import StudyNote
    from dangjian.orglife.selectors import compliance

    items = []
    if root.org_type in BRANCH_TYPES:
        rows = [r for r in compliance(root, today.year, today=today) if r.organization.pk == root.pk]
        items += [{"kind": "meeting", "row": r, "when": r.span.end, "overdue": False} for r in rows if r.status == "due"]
        missed = sum(1 for r in rows if r.status == "overdue")
        if missed:
            # Past periods cannot be planned any more: one line that leads to the details.
            items.append({"kind": "missed", "count": missed, "org": root, "year": today.year, "when": None,
                          "overdue": True})
    pending = StudyNote.objects.restrict(user, "change").filter(status=StudyNote.Status.PENDING,
                                                                 member__organization__path__startswith=root.path)
    if pending.exists():
        items.append({"kind": "notes", "count": pending.count(), "when": None, "overdue": False})
    return items


@login_required
def audit_log(request):
    """The audit log of the organizations in the user's audit scope, newest first."""
    scope = user_scope(request.user, "audit")
    if scope.empty:
        raise PermissionDenied
    entries = AuditEntry.objects.select_related("organization")
    if not scope.everything:
        orgs = Organization.objects.restrict(request.user, "audit").values("pk")
        entries = entries.filter(organization__in=orgs)
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"nav": "audit", "page_obj": page, "action": action})


@require_POST
def large_font(request):
    """Switch the large-font mode (适老化) on or off; remembered in a cookie for a year."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.COOKIES.get("large_font") == "1":
        response.delete_cookie("large_font")
    else:
        response.set_cookie("large_font", "1", max_age=365 * 24 * 3600, samesite="Lax")
    return response


@require_GET
def healthz(request):
    """Health of the database and the background worker, for load balancers and monitoring."""
    status = {"database": "ok", "worker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        status["database"] = "error"
        return JsonResponse(status, status=503)
    status.update(worker_health())
    return JsonResponse(status, status=200 if status["worker"] != "stalled" else 503)
