"""Pages of the people assigned to firms (党建指导员、联络员、联系领导), their contact logs and dual
management (双重管理).

Assignments are seen by those whose subtree covers the firm or the appointing organization, and
by the assigned person themself ("mine"); contacts are logged by the assigned person or by those
who may change the appointing organization (the services decide).
"""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core.access import covers, get_for, user_scope
from dangjian.core.forms import submit
from dangjian.members.models import Member
from dangjian.organizations.choosing import chosen_subtree_organization
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import visible_ancestors

from .. import selectors_contacts as selectors
from .. import services_contacts as services
from ..choices import COUNTED_STATUSES, AssignmentRole
from ..forms_contacts import AssignmentEndForm, AssignmentForm, ContactLogForm, ContactSolveForm
from ..models import Assignment, ContactLog, Firm
from .common import area_organizations, base_context

NAV = "firm_contacts"
# Search results shown at most on the assignment page (firms, member records).
FOUND_LIMIT = 30


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
    context = {**base_context(request, nav=NAV), "tab": tab, "today": today, "overseer": overseer,
               "roles": AssignmentRole.choices, "can_add": area_organizations(request.user).exists()}
    if tab == "mine":
        rows = selectors.mine(request.user, today)
        unsolved = list(selectors.my_unsolved(request.user)[:100])
        context.update(rows=rows, unsolved=unsolved, due_count=sum(r.due for r in rows))
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


def _found(queryset, limit: int = FOUND_LIMIT):
    """At most ``limit`` rows of a search and how many more match (counted only when capped)."""
    rows = list(queryset[:limit + 1])
    more = queryset.count() - limit if len(rows) > limit else 0
    return rows[:limit], more


def _firm_search(request, q: str) -> dict:
    """Firms in sight still operating whose name or credit code matches ``q``."""
    firms = (Firm.objects.restrict(request.user, "view").filter(status__in=COUNTED_STATUSES)
             .filter(Q(unit__name__contains=q) | Q(unit__credit_code__contains=q.upper()))
             .select_related("unit", "area_organization").order_by("unit__name", "id"))
    found, more = _found(firms)
    return {"found_firms": found, "more_firms": more}


def _member_search(request, q: str) -> dict:
    """Member records on the roll in sight whose name or pinyin matches ``q``."""
    match = Q(name__contains=q) | Q(name_pinyin__startswith=q.lower()) | Q(name_initials__startswith=q.lower())
    members = (Member.objects.on_roll().restrict(request.user, "view").filter(match)
               .select_related("organization").order_by("name_pinyin", "id"))
    found, more = _found(members)
    return {"found_members": found, "more_members": more}


@login_required
@require_http_methods(["GET", "POST"])
def assignment_new(request):
    """Assign an instructor, liaison or contact leader to the firm of ``?firm=`` (reached from a
    firm's page or the dual-management page; without it, a search for the firm by ``?q=``). The
    member record is found by ``?mq=``; the choice offers only the matches."""
    organizations = area_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied
    firm_id = request.POST.get("firm") or request.GET.get("firm")
    if not firm_id:
        q = request.GET.get("q", "").strip()[:50]
        return render(request, "coverage/contacts/assignment_firm.html", {
            **base_context(request, nav=NAV), "q": q, **(_firm_search(request, q) if q else {}),
            "role": request.GET.get("role", "")})
    firm = get_for(request.user, Firm.objects.filter(status__in=COUNTED_STATUSES)
                   .select_related("unit", "area_organization"), "view", pk=firm_id)
    initial = {"started_on": timezone.localdate(), "firm": firm.pk, "appointed_by": firm.area_organization_id}
    if request.GET.get("role") in AssignmentRole.values:
        initial["role"] = request.GET["role"]
    mq = request.GET.get("mq", "").strip()[:30]
    search = _member_search(request, mq) if mq and request.method == "GET" else {}
    if request.method == "POST":  # any member in sight may be posted; the form checks the one chosen
        members = Member.objects.on_roll().restrict(request.user, "view").select_related("organization")
    else:
        members = Member.objects.filter(pk__in=[m.pk for m in search.get("found_members", [])]).select_related(
            "organization").order_by("name_pinyin", "id")
    form = AssignmentForm(request.POST or None, initial=initial, firms=Firm.objects.filter(pk=firm.pk),
                          organizations=organizations, members=members)
    done = submit(request, form, lambda data: services.assignment_create(actor=request.user, **data),
                  message=lambda a: _("%(name)s is assigned to %(firm)s.") % {"name": a.name, "firm": a.firm.name},
                  next_url=lambda a: reverse("coverage:assignment", args=[a.pk]))
    if done:
        return done
    if request.method == "POST":  # shown again: offer only the record that was chosen, not everyone in sight
        chosen = request.POST.get("member", "")
        form.fields["member"].queryset = members.filter(pk=int(chosen) if chosen.isdigit() else None)
    return render(request, "coverage/contacts/assignment_form.html", {
        **base_context(request, firm.area_organization, nav=NAV), "form": form, "firm": firm, "mq": mq, **search,
        "title": _("Assign someone to %(firm)s") % {"firm": firm.name}})


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
    assignment.last_contact = max((c.contacted_on for c in contacts), default=None)
    selectors.mark_due([assignment], today)
    current = assignment.started_on <= today and (assignment.ended_on is None or assignment.ended_on > today)
    return render(request, "coverage/contacts/assignment.html", {
        **base_context(request, assignment.firm.area_organization, nav=NAV), "a": assignment, "contacts": contacts,
        "current": current, "due": assignment.due, "every": assignment.every,
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
    org = chosen_subtree_organization(request)
    today = timezone.localdate()
    data = selectors.dual(request.user, org, today)
    return render(request, "coverage/contacts/dual.html", {
        **base_context(request, org, nav="dual"), **data, "today": today,
        "can_add": area_organizations(request.user).exists(), "view": request.GET.get("view", "sector")})

