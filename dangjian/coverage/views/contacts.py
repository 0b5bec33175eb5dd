"""Pages of the people assigned to firms (党建指导员、联络员、联系领导), their contact logs and dual
management (双重管理).

Assignments are seen by those whose subtree covers the firm or the appointing organization, and
by the assigned person themself ("mine"); contacts are logged by the assigned person or by those
who may change the appointing organization (the services decide).
"""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.access import covers, get_for, user_scope
from dangjian.core.forms import submit
from dangjian.members.models import Member
from dangjian.organizations.choices import BRANCH_TYPES, OrgType
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import organizations_for, visible_ancestors

from .. import selectors_contacts as selectors
from .. import services_contacts as services
from ..choices import COUNTED_STATUSES, AssignmentRole, Coverage
from ..forms_contacts import AssignmentEndForm, AssignmentForm, ContactLogForm, ContactSolveForm
from ..models import Assignment, ContactLog, Firm

# Branches and Party groups do not appoint instructors or contact leaders.
NOT_APPOINTERS = (*BRANCH_TYPES, OrgType.PARTY_GROUP)


def chosen_org(request, action="view"):
    """The organization of ``?org=`` (404 out of sight, 403 outside the user's subtrees for
    ``action``) or the first subtree of the user's scope; 403 without a subtree."""
    scope = user_scope(request.user, action)
    if request.GET.get("org"):
        org = get_for(request.user, Organization.objects, "view", pk=request.GET["org"])
        if not covers(scope, org):
            raise PermissionDenied
        return org
    if scope.everything:
        org = Organization.objects.filter(depth=1).order_by("path").first()
    else:
        org = Organization.objects.filter(path__in=scope.paths).order_by("path").first()
    if org is None:
        raise PermissionDenied
    return org


def _base(request, org=None, nav="firm_contacts"):
    return {"nav": nav, "org": org,
            "ancestors": visible_ancestors(org, request.user) + [org] if org is not None else []}


def _appointers(user):
    return organizations_for(user, "add", exclude_types=NOT_APPOINTERS)


@login_required
@require_GET
def assignments(request):
    """Assignments in sight by role, with filters; the "mine" tab lists those the user holds."""
    scope = user_scope(request.user, "view")
    if scope.empty:
        raise PermissionDenied
    today = timezone.localdate()
    overseer = bool(scope.everything or scope.paths)
    tab = request.GET.get("tab") or ("all" if overseer else "mine")
    context = {**_base(request), "tab": tab, "today": today, "overseer": overseer,
               "roles": AssignmentRole.choices, "can_add": _appointers(request.user).exists()}
    if tab == "mine":
        rows = selectors.mine(request.user, today)
        unsolved = list(selectors.my_unsolved(request.user)[:100])
        context.update(rows=rows, unsolved=unsolved, due_count=sum(r.due for r in rows),
                       every=selectors.contact_every_days(on=today))
        return render(request, "coverage/contacts/mine.html", context)
    org = None
    if request.GET.get("org"):
        org = get_for(request.user, Organization.objects, "view", pk=request.GET["org"])
    role, state, q = request.GET.get("role", ""), request.GET.get("state", "current"), request.GET.get("q", "").strip()
    rows = selectors.assignment_list(request.user, role=role, org=org, state=state, q=q, today=today)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context.update(page_obj=page, role=role, state=state, q=q, filter_org=org, org=org,
                   ancestors=visible_ancestors(org, request.user) + [org] if org else [])
    return render(request, "coverage/contacts/assignments.html", context)


@login_required
def assignment_new(request):
    """Assign an instructor, liaison or contact leader; ``?firm=`` picks the firm."""
    organizations = _appointers(request.user)
    if not organizations.exists():
        raise PermissionDenied
    firms = Firm.objects.restrict(request.user, "view").filter(status__in=COUNTED_STATUSES).select_related("unit")
    initial = {"started_on": timezone.localdate()}
    firm = None
    if request.GET.get("firm"):
        firm = get_for(request.user, Firm.objects.select_related("unit", "area_organization"), "view",
                       pk=request.GET["firm"])
        initial.update(firm=firm.pk, appointed_by=firm.area_organization_id)
    if request.GET.get("role") in AssignmentRole.values:
        initial["role"] = request.GET["role"]
    members = Member.objects.on_roll().restrict(request.user, "view").order_by("name_pinyin").values("pk")[:1000]
    form = AssignmentForm(request.POST or None, initial=initial, firms=firms, organizations=organizations,
                          members=Member.objects.filter(pk__in=members).select_related("organization")
                          .order_by("name_pinyin"))
    done = submit(request, form, lambda data: services.assignment_create(actor=request.user, **data),
                  message=lambda a: _("%(name)s is assigned to %(firm)s.") % {"name": a.name, "firm": a.firm.name},
                  next_url=lambda a: reverse("coverage:assignment", args=[a.pk]))
    if done:
        return done
    return render(request, "coverage/contacts/assignment_form.html", {
        **_base(request, firm.area_organization if firm else None), "form": form, "firm": firm,
        "title": _("Assign someone to a firm")})


def _assignment(request, pk):
    return get_for(request.user, Assignment.objects.select_related(
        "firm__unit", "firm__area_organization", "firm__sector_organization", "appointed_by", "member__user"),
        "view", pk=pk)


def solve_prefix(log_pk) -> str:
    return f"solve{log_pk}"


def _detail(request, assignment, *, log_form=None, end_form=None, solve_form=None, solving=None, status=200):
    today = timezone.localdate()
    contacts = list(assignment.contacts.select_related("recorded_by").order_by("-contacted_on", "-id"))
    for contact in contacts:
        if contact.problems and not contact.solved:
            contact.solve_form = solve_form if contact.pk == solving else ContactSolveForm(
                prefix=solve_prefix(contact.pk))
    last = max((c.contacted_on for c in contacts), default=None)
    every = selectors.contact_every_days(organization=assignment.appointed_by, on=today)
    assignment.last_contact = last
    current = assignment.started_on <= today and (assignment.ended_on is None or assignment.ended_on > today)
    return render(request, "coverage/contacts/assignment.html", {
        **_base(request, assignment.firm.area_organization), "a": assignment, "contacts": contacts,
        "current": current, "due": current and selectors.is_due(assignment, today, every), "every": every,
        "can_log": services.may_log(request.user, assignment) and not assignment.ended_on,
        "can_solve": services.may_log(request.user, assignment),
        "can_end": not assignment.ended_on and covers(user_scope(request.user, "change"), assignment.appointed_by),
        "log_form": log_form or ContactLogForm(), "end_form": end_form or AssignmentEndForm(),
        "unsolved": sum(1 for c in contacts if c.problems and not c.solved),
    }, status=status)


@login_required
@require_GET
def assignment_detail(request, pk):
    """One assignment: the firm, the person, the term and the timeline of contacts."""
    return _detail(request, _assignment(request, pk))


@login_required
@require_POST
def assignment_end(request, pk):
    assignment = _assignment(request, pk)
    form = AssignmentEndForm(request.POST)
    done = submit(request, form, lambda data: services.assignment_end(actor=request.user, assignment=assignment,
                                                                       **data),
                  message=_("The assignment has ended."), next_url=reverse("coverage:assignment", args=[pk]))
    return done or _detail(request, assignment, end_form=form, status=400)


@login_required
@require_POST
def contact_add(request, pk):
    assignment = _assignment(request, pk)
    if not services.may_log(request.user, assignment):
        raise PermissionDenied
    form = ContactLogForm(request.POST)
    done = submit(request, form, lambda data: services.contact_log_add(actor=request.user, assignment=assignment,
                                                                        **data),
                  message=_("The contact is recorded."), next_url=reverse("coverage:assignment", args=[pk]))
    return done or _detail(request, assignment, log_form=form, status=400)


@login_required
@require_POST
def contact_solve(request, pk):
    """Record how the problems of one contact were solved (``pk`` is the contact's)."""
    log = get_for(request.user, ContactLog.objects.select_related("assignment"), "view", pk=pk)
    assignment = _assignment(request, log.assignment_id)
    if not services.may_log(request.user, assignment):
        raise PermissionDenied
    form = ContactSolveForm(request.POST, prefix=solve_prefix(log.pk))
    done = submit(request, form, lambda data: services.contact_log_solve(actor=request.user, log=log, **data),
                  message=_("The solution is recorded."),
                  next_url=reverse("coverage:assignment", args=[assignment.pk]))
    return done or _detail(request, assignment, solve_form=form, solving=log.pk, status=400)


@login_required
@require_GET
def dual(request):
    """Dual management: firms without their own organization by sector and by area organization."""
    org = chosen_org(request)
    today = timezone.localdate()
    data = selectors.dual(request.user, org, today)
    return render(request, "coverage/contacts/dual.html", {
        **_base(request, org, "dual"), **data, "today": today, "coverage_labels": dict(Coverage.choices),
        "can_add": _appointers(request.user).exists(), "view": request.GET.get("view", "sector")})

