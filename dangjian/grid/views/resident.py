"""A resident's own pages (我的诉求): file a request, follow it in plain words, rate it when done.
Any signed-in user is a resident here; each sees only the requests they filed (404 otherwise)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.forms import add_service_errors
from dangjian.core.ratelimit import rate_limited
from dangjian.organizations.models import Organization
from dangjian.privacy.choices import Purpose
from dangjian.privacy.forms import add_consent
from dangjian.privacy.services import with_consent

from ..choices import Channel, RequestAction, RequestStatus
from ..forms_requests import RateForm, ResidentRequestForm
from ..models import Grid, ServiceRequest
from ..selectors_requests import own_requests, plain_status, resident_steps
from ..services_requests import request_file_with_photo
from ..workflow import request_transition


def _own(request, pk) -> ServiceRequest:
    try:
        return own_requests(request.user).get(pk=pk)
    except (ServiceRequest.DoesNotExist, ValueError):
        raise Http404 from None


@login_required
@require_GET
def my_requests(request):
    rows = list(own_requests(request.user).order_by("-reported_at", "-id")[:100])
    for r in rows:
        r.plain = plain_status(r.status)
    return render(request, "grid/resident/list.html", {"nav": "my_requests", "rows": rows})


@login_required
@rate_limited("resident_post", group="grid.my_request_new")
def my_request_new(request):
    community = None
    if request.GET.get("community", "").isdigit():
        community = Organization.objects.filter(pk=request.GET["community"], grids__active=True).first()
    form = ResidentRequestForm(request.POST or None, request.FILES or None, community=community)
    form.fields["community"].widget.attrs["hx-get"] = reverse("grid:my_request_new")
    add_consent(form, Purpose.GRID_REQUEST)
    if not form.fields["community"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["building"].grid.organization_id != data["community"].pk or not Grid.objects.filter(
                pk=data["building"].grid_id, active=True).exists():
            form.add_error("building", _("Please choose a building of the community."))
        else:
            try:
                created = with_consent(actor=request.user, purpose=Purpose.GRID_REQUEST, data=data, run=lambda d: (
                    request_file_with_photo(
                        actor=request.user, photo=d.get("photo"), channel=Channel.RESIDENT,
                        category=d["category"], description=d["description"], building=d["building"],
                        contact_name=(request.user.get_full_name() or "")[:50],
                        contact_phone=d.get("contact_phone") or "")))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Thank you. Your request #%(id)s has been sent to the community.")
                                 % {"id": created.pk})
                return redirect("grid:my_request", pk=created.pk)
    return render(request, "grid/resident/new.html", {"nav": "my_requests", "form": form})


@login_required
def my_request(request, pk):
    """One of the resident's requests: where it stands, its steps in plain words, the rating form."""
    r = _own(request, pk)
    form = RateForm(request.POST or None) if r.status == RequestStatus.CLOSED else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This request cannot be rated now."))
            return redirect("grid:my_request", pk=r.pk)
        if form.is_valid():
            try:
                request_transition(request=r, action=RequestAction.RATE, actor=request.user,
                                   note=form.cleaned_data["note"], expected_status=RequestStatus.CLOSED,
                                   satisfaction=form.cleaned_data["satisfaction"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied:
                raise
            else:
                messages.success(request, _("Thank you for your rating."))
                return redirect("grid:my_request", pk=r.pk)
    steps = resident_steps(r)
    return render(request, "grid/resident/detail.html", {
        "nav": "my_requests", "r": r, "plain": plain_status(r.status), "steps": steps, "form": form,
        "ratings": list(r.ratings.filter(kind="first")), "photos": list(r.attachments.all()),
    })
