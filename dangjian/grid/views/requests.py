"""Staff pages of residents' requests (接诉即办): the list with its quick filters, a request with
its timeline and action panel, filing on a phone, photos, revealing the contact, supervision."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.access import get_for, user_scope
from dangjian.core.files import stored_file_response
from dangjian.core.forms import RevealForm, add_service_errors

from .. import selectors_requests as selectors
from ..choices import ActorRole, Channel, RequestAction, RequestStatus, Satisfaction, TeamLevel
from ..forms_requests import StaffRequestForm, StepForm, TakeInForm
from ..models import Grid, RequestAttachment, RequestCategory, ServiceRequest, ServiceTeam
from ..models.scope import team_ids_of
from ..services_requests import (
    may_reveal,
    request_file_with_photo,
    request_reveal,
    request_step_with_photo,
    request_take_in,
)
from ..workflow import TRANSITIONS, allowed_actions, capacities

A = RequestAction
TAKE_IN = "take_in"
STAFF = (ActorRole.GRID_WORKER, ActorRole.TEAM, ActorRole.DISPATCHER, ActorRole.SUBDISTRICT)


def request_url(request_obj):
    return reverse("grid:request", args=[request_obj.pk])


def is_staff(user) -> bool:
    """Whether ``user`` works on requests (dispatchers, supervisors, grid staff, team members)."""
    scope = user_scope(user, "view")
    return bool(scope.everything or scope.paths or scope.grid_ids or team_ids_of(user))


def is_supervisor(user) -> bool:
    scope = user_scope(user, "transition")
    return bool(scope.everything or scope.paths)


def _staff_only(user):
    if not is_staff(user):
        raise PermissionDenied


def _request(http_request, pk):
    queryset = ServiceRequest.objects.select_related("category", "team", "grid", "building", "organization",
                                                     "merged_into", "household").defer(
        "contact_phone", "contact_email", "household__contact_phone")
    return get_for(http_request.user, queryset, "view", pk=pk)


@login_required
@require_GET
def request_list(request):
    """Requests in the user's scope, with quick filters and filters."""
    _staff_only(request.user)
    now = timezone.now()
    params = request.GET
    requests = selectors.filter_requests(selectors.requests_for(request.user), params, request.user, now)
    page = Paginator(requests.order_by("-reported_at", "-id"), 30).get_page(params.get("page"))
    selectors.mark_overdue(page.object_list, now)
    return render(request, "grid/requests/list.html", {
        "nav": "requests", "page_obj": page, "tabs": selectors.TABS, "tab": params.get("tab", ""),
        "counts": selectors.tab_counts(request.user, now), "params": params,
        "statuses": RequestStatus.choices, "levels": TeamLevel.choices,
        "categories": RequestCategory.objects.order_by("order", "code"),
        "teams": ServiceTeam.objects.restrict(request.user, "view").filter(active=True).order_by("name"),
        "grids": Grid.objects.restrict(request.user, "view").filter(active=True).order_by("code"),
        "can_file": Grid.objects.restrict(request.user, "add").exists(),
    })


def _action_forms(user, request_obj, held=None):
    """One small form per step the user may take now; the combined take-in for dispatchers."""
    actions = allowed_actions(user, request_obj, held)
    forms = [(action, RequestAction(action).label, StepForm(action=action, request_obj=request_obj))
             for action in actions]
    take_in = None
    if A.ACCEPT in actions and request_obj.status == RequestStatus.REPORTED:
        take_in = TakeInForm(request_obj=request_obj)
    return forms, take_in


@login_required
@require_GET
def request_detail(request, pk):
    """A request: what, where, who to contact (masked), deadlines, timeline, ratings, actions."""
    request_obj = _request(request, pk)
    held = capacities(request.user, request_obj)
    if not held & set(STAFF) and not is_staff(request.user):
        return redirect("grid:my_request", pk=request_obj.pk)
    return _render_detail(request, request_obj, held)


def _render_detail(request, request_obj, held, *, failed=None, status=200):
    forms, take_in = _action_forms(request.user, request_obj, held)
    if failed is not None:
        forms = [(a, label, failed if a == failed.action else f) for a, label, f in forms]
    now = timezone.now()
    selectors.mark_overdue([request_obj], now)
    transitions = list(request_obj.transitions.select_related("team").order_by("at", "id"))
    return render(request, "grid/requests/detail.html", {
        "nav": "requests", "r": request_obj, "forms": forms, "take_in": take_in,
        "transitions": transitions, "ratings": list(request_obj.ratings.select_related("rated_by")),
        "supervisions": list(request_obj.supervisions.select_related("team", "created_by")),
        "attachments": list(request_obj.attachments.all()),
        "duplicates": list(request_obj.duplicates.select_related("category")),
        "can_reveal": may_reveal(request.user, request_obj), "reveal_form": RevealForm(),
        "reason_required": {a for a, s in TRANSITIONS.items() if s.reason_required},
    }, status=status)


@login_required
@require_POST
def request_step(request, pk, action):
    """Take one step (or the combined take-in) from the action panel."""
    request_obj = _request(request, pk)
    if action == TAKE_IN:
        form = TakeInForm(request.POST, request_obj=request_obj)
        if form.is_valid():
            try:
                request_take_in(actor=request.user, request=request_obj, team=form.cleaned_data["team"],
                                urgency=form.cleaned_data["urgency"], category=form.cleaned_data["category"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Accepted, registered and dispatched."))
        else:
            messages.error(request, _("Please check the form."))
        return redirect(request_url(request_obj))
    if action not in TRANSITIONS:
        raise Http404
    form = StepForm(request.POST, request.FILES, action=action, request_obj=request_obj)
    if form.is_valid():
        try:
            request_step_with_photo(request=request_obj, action=action, actor=request.user,
                                    photo=form.cleaned_data.get("photo"), note=form.cleaned_data.get("note", ""),
                                    expected_status=form.cleaned_data.get("expected_status") or None,
                                    **form.params())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": RequestAction(action).label})
            if not ServiceRequest.objects.restrict(request.user, "view").filter(pk=request_obj.pk).exists():
                return redirect("grid:requests")  # sent back or escalated out of the user's sight
            return redirect(request_url(request_obj))
    request_obj.refresh_from_db()
    return _render_detail(request, request_obj, capacities(request.user, request_obj), failed=form, status=400)


@login_required
@require_POST
def reveal(request, pk):
    """Show the resident's full phone after the user states why (logged with the purpose)."""
    request_obj = _request(request, pk)
    if not may_reveal(request.user, request_obj):
        raise PermissionDenied
    form = RevealForm(request.POST)
    value = None
    if form.is_valid():
        try:
            value = request_reveal(actor=request.user, request=request_obj, purpose=form.cleaned_data["purpose"])
        except ValidationError as exc:
            add_service_errors(form, exc)
    template = "grid/requests/_reveal.html" if getattr(request, "htmx", False) else "grid/requests/reveal.html"
    return render(request, template, {"nav": "requests", "r": request_obj, "form": form, "value": value})


@login_required
@require_GET
def attachment(request, pk):
    """A request's photo, for those who may see the request."""
    try:
        item = RequestAttachment.objects.select_related("request").get(pk=pk)
    except (RequestAttachment.DoesNotExist, ValueError):
        raise Http404 from None
    get_for(request.user, ServiceRequest.objects.only("pk"), "view", pk=item.request_id)
    return stored_file_response(item.file, attachment=False)


@login_required
def request_new(request):
    """File a resident's request on a phone: grid staff in their grid, dispatchers for a call or a visitor."""
    grids = Grid.objects.restrict(request.user, "add").filter(active=True)
    if not grids.exists():
        raise PermissionDenied
    grid_staff = bool(user_scope(request.user, "add").grid_ids)
    preset = None
    if request.GET.get("grid", "").isdigit():
        preset = grids.filter(pk=request.GET["grid"]).first()
    elif grid_staff:
        preset = grids.filter(pk__in=user_scope(request.user, "add").grid_ids).order_by("code").first()
    form = StaffRequestForm(request.POST or None, request.FILES or None, user=request.user, grid=preset,
                            grid_staff=grid_staff)
    form.fields["grid"].widget.attrs.update({"hx-get": reverse("grid:request_new"), "hx-target": "#place-fields",
                                             "hx-select": "#place-fields", "hx-swap": "outerHTML"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        channel = Channel.GRID_WORKER if grid_staff and data["grid"].pk in user_scope(request.user, "add").grid_ids \
            else (data.get("channel") or Channel.WALK_IN)
        try:
            created = request_file_with_photo(
                actor=request.user, photo=data.get("photo"), channel=channel, category=data["category"],
                description=data["description"], grid=data["grid"], building=data["building"],
                household=data.get("household"), urgency=data.get("urgency") or "",
                contact_name=data.get("contact_name") or "", contact_phone=data.get("contact_phone") or "")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Request #%(id)s filed.") % {"id": created.pk})
            return redirect(request_url(created))
    return render(request, "grid/requests/new.html", {"nav": "requests", "form": form})


@login_required
def supervision(request):
    """Supervision (督办): overdue, bounced, parked past review, call-backs due; counts by community and team."""
    if not is_supervisor(request.user):
        raise PermissionDenied
    data = selectors.supervision_overview(request.user)
    limit = 50
    lists = {name: selectors.mark_overdue(list(data[name][:limit])) for name in ("overdue", "bounced", "parked",
                                                                               "callbacks")}
    return render(request, "grid/requests/supervision.html", {
        "nav": "supervision", **lists, "by_community": data["by_community"], "by_team": data["by_team"], "limit": limit,
        "satisfactions": Satisfaction.choices,
    })
