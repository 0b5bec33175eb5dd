"""Pages of co-building (共驻共建) and community brands (一居一品).

Records belong to the community they are registered with; those whose subtree covers it see
them, secretaries and organizers there keep them. The brand page ``brand/<org>/`` is public and
shows no personal data.
"""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.access import covers, get_for, user_scope
from dangjian.core.forms import RevealForm, add_service_errors, submit
from dangjian.members.models import Member
from dangjian.organizations.choices import BRANCH_TYPES, OrgType
from dangjian.organizations.choosing import chosen_subtree_organization
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import visible_ancestors

from . import selectors, services
from .choices import BOOKING_ACTION_LABELS, BOOKING_TRANSITIONS, BookingStatus, UnitKind
from .forms import (
    AgreementForm,
    BookingForm,
    BookingStepForm,
    BrandActivityForm,
    BrandForm,
    MemberRegistrationForm,
    ProjectForm,
    ResourceForm,
    UnitForm,
)
from .models import Brand, JointProject, PartnerUnit, Resource, ResourceBooking

NOT_COMMUNITIES = (*BRANCH_TYPES, OrgType.PARTY_GROUP)


def _communities(request, action="add"):
    """Organizations a unit or member may register with: non-branch organizations in scope."""
    orgs = Organization.objects.restrict(request.user, action).exclude(org_type__in=NOT_COMMUNITIES)
    if not orgs.exists():
        raise PermissionDenied
    return orgs


def _base(request, org, nav="cobuilding"):
    return {"nav": nav, "org": org, "ancestors": visible_ancestors(org, request.user) + [org]}


def _can(request, action, org):
    return covers(user_scope(request.user, action), org)


@login_required
@require_GET
def index(request):
    """Overview of co-building in an organization's subtree: counts and per-community figures."""
    org = chosen_subtree_organization(request)
    today = timezone.localdate()
    return render(request, "cobuilding/index.html", {
        **_base(request, org), "counts": selectors.counts(request.user, org, today),
        "by_community": selectors.counts_by_community(request.user, org),
        "expiring": selectors.agreements_in(request.user, org).filter(selectors.expiring_filter(today)),
        "can_add": _can(request, "add", org),
    })


@login_required
@require_GET
def units(request):
    org = chosen_subtree_organization(request)
    kind, q = request.GET.get("kind", ""), request.GET.get("q", "").strip()
    rows = selectors.units_in(request.user, org)
    if kind in UnitKind.values:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(address__contains=q))
    page = Paginator(rows.order_by("name", "id"), 30).get_page(request.GET.get("page"))
    return render(request, "cobuilding/units.html", {
        **_base(request, org), "page_obj": page, "kind": kind, "q": q, "kinds": UnitKind.choices,
        "can_add": _can(request, "add", org)})


@login_required
def unit_new(request):
    orgs = _communities(request)
    initial = {"organization": request.GET.get("org")} if request.GET.get("org") else {}
    form = UnitForm(request.POST or None, initial=initial, organizations=orgs,
                    party_organizations=Organization.objects.restrict(request.user, "view"))
    done = submit(request, form, lambda data: services.unit_register(actor=request.user, **data),
                  message=lambda unit: _("%(name)s is registered.") % {"name": unit.name},
                  next_url=lambda unit: reverse("cobuilding:unit", args=[unit.pk]))
    if done:
        return done
    return render(request, "cobuilding/form.html", {
        **_base(request, orgs.order_by("path").first()), "form": form, "title": _("Register a partner unit"),
        "back": reverse("cobuilding:units")})


def _unit(request, pk, action="view"):
    return get_for(request.user, PartnerUnit.objects.select_related("organization", "party_organization")
                   .defer("contact_phone"), action, pk=pk)


@login_required
@require_GET
def unit_detail(request, pk):
    unit = _unit(request, pk)
    today = timezone.localdate()
    agreements = list(unit.agreements.all())
    for a in agreements:
        a.is_expiring, a.is_expired = a.expiring(today), a.expired(today)
    return render(request, "cobuilding/unit.html", {
        **_base(request, unit.organization), "unit": unit, "resources": unit.resources.all(),
        "agreements": agreements, "projects": unit.projects.all(), "reveal_form": RevealForm(),
        "can_reveal": _can(request, "reveal", unit.organization), "can_add": _can(request, "add", unit.organization),
    })


@login_required
@require_POST
def unit_reveal(request, pk):
    """The contact phone in full after a stated purpose (logged); htmx swaps it in place."""
    unit = _unit(request, pk, "reveal")
    form, value = RevealForm(request.POST), None
    if form.is_valid():
        try:
            value = services.unit_reveal(actor=request.user, unit=unit, purpose=form.cleaned_data["purpose"])
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = {"unit": unit, "reveal_form": form, "value": value, "can_reveal": True}
    if request.htmx:
        return render(request, "cobuilding/_reveal.html", context)
    return render(request, "cobuilding/reveal.html", {**_base(request, unit.organization), **context})


@login_required
def resource_add(request, pk):
    unit = _unit(request, pk, "add")
    form = ResourceForm(request.POST or None)
    done = submit(request, form, lambda data: services.resource_add(actor=request.user, unit=unit, **data),
                  message=_("The resource is added."), next_url=reverse("cobuilding:unit", args=[unit.pk]))
    if done:
        return done
    return render(request, "cobuilding/form.html", {
        **_base(request, unit.organization), "form": form, "title": _("Add a resource of %(unit)s") % {
            "unit": unit.name}, "back": reverse("cobuilding:unit", args=[unit.pk])})


@login_required
@require_GET
def registrations(request):
    """Dual registration (双报到): units and members registered with the communities of the subtree."""
    org = chosen_subtree_organization(request)
    return render(request, "cobuilding/registrations.html", {
        **_base(request, org), "units": selectors.units_in(request.user, org).filter(active=True)
        .order_by("-registered_on", "name"), "members": selectors.registrations_in(request.user, org)[:200],
        "by_community": selectors.counts_by_community(request.user, org), "can_add": _can(request, "add", org)})


@login_required
def member_register(request):
    orgs = _communities(request)
    members = Member.objects.on_roll().without_protected().restrict(request.user, "view") \
        .select_related("organization").order_by("name_pinyin")[:1000]
    initial = {"organization": request.GET.get("org")} if request.GET.get("org") else {}
    form = MemberRegistrationForm(request.POST or None, initial=initial, organizations=orgs,
                                  members=Member.objects.filter(pk__in=[m.pk for m in members]))
    done = submit(request, form, lambda data: services.member_register(actor=request.user, **data),
                  message=lambda r: _("%(name)s is registered.") % {"name": r.member.name},
                  next_url=lambda r: f"{reverse('cobuilding:registrations')}?org={r.organization_id}")
    if done:
        return done
    return render(request, "cobuilding/form.html", {
        **_base(request, orgs.order_by("path").first()), "form": form,
        "title": _("Register a member in their home community"), "back": reverse("cobuilding:registrations")})


@login_required
@require_GET
def bookings(request):
    """Resources offered by the units and the bookings of them."""
    org = chosen_subtree_organization(request)
    status = request.GET.get("status", "")
    rows = selectors.bookings_in(request.user, org).prefetch_related("log")
    if status in BookingStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    for booking in page:
        booking.steps = [(code, BOOKING_ACTION_LABELS[code]) for code, (sources, _t) in BOOKING_TRANSITIONS.items()
                         if booking.status in sources]
    resources = Resource.objects.restrict(request.user, "view").filter(
        unit__organization__path__startswith=org.path, active=True, unit__active=True).select_related("unit")
    return render(request, "cobuilding/bookings.html", {
        **_base(request, org), "page_obj": page, "resources": resources, "status": status,
        "statuses": BookingStatus.choices, "can_transition": _can(request, "transition", org),
        "step_form": BookingStepForm()})


@login_required
def booking_new(request, pk):
    resource = get_for(request.user, Resource.objects.select_related("unit", "unit__organization"), "add", pk=pk)
    form = BookingForm(request.POST or None)
    done = submit(request, form, lambda data: services.booking_request(actor=request.user, resource=resource, **data),
                  message=_("The booking is requested."),
                  next_url=f"{reverse('cobuilding:bookings')}?org={resource.unit.organization_id}")
    if done:
        return done
    existing = resource.bookings.filter(day__gte=timezone.localdate(), status__in=[
        BookingStatus.REQUESTED, BookingStatus.APPROVED]).order_by("day", "starts_at")[:20]
    return render(request, "cobuilding/form.html", {
        **_base(request, resource.unit.organization), "form": form, "existing": existing,
        "title": _("Book %(resource)s") % {"resource": resource}, "back": reverse("cobuilding:bookings")})


@login_required
@require_POST
def booking_step(request, pk):
    """One step of a booking (``action`` in the form: approve, decline, use), with an optional note."""
    booking = get_for(request.user, ResourceBooking.objects.select_related("resource__unit"), "transition", pk=pk)
    action = request.POST.get("action", "")
    if action not in BOOKING_TRANSITIONS:
        raise Http404
    from django.contrib import messages

    form = BookingStepForm(request.POST)
    form.is_valid()
    try:
        services.booking_transition(actor=request.user, booking=booking, action=action,
                                    note=form.cleaned_data.get("note", ""))
        messages.success(request, _("The booking is now %(status)s.") % {
            "status": ResourceBooking.objects.get(pk=booking.pk).get_status_display()})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('cobuilding:bookings')}?org={booking.resource.unit.organization_id}")


@login_required
@require_GET
def projects(request):
    org = chosen_subtree_organization(request)
    return render(request, "cobuilding/projects.html", {
        **_base(request, org), "projects": selectors.projects_in(request.user, org),
        "can_add": _can(request, "add", org)})


@login_required
def project_new(request):
    orgs = _communities(request)
    units = PartnerUnit.objects.restrict(request.user, "add").filter(active=True).defer("contact_phone")
    initial = {"organization": request.GET.get("org")} if request.GET.get("org") else {}
    form = ProjectForm(request.POST or None, initial=initial, organizations=orgs, units=units)
    done = submit(request, form, lambda data: services.project_create(actor=request.user, **data),
                  message=lambda p: _("%(title)s is created.") % {"title": p.title},
                  next_url=lambda p: f"{reverse('cobuilding:projects')}?org={p.organization_id}")
    if done:
        return done
    return render(request, "cobuilding/form.html", {
        **_base(request, orgs.order_by("path").first()), "form": form, "title": _("New joint project"),
        "back": reverse("cobuilding:projects")})


@login_required
@require_GET
def agreements(request):
    org = chosen_subtree_organization(request)
    today = timezone.localdate()
    rows = list(selectors.agreements_in(request.user, org))
    for a in rows:
        a.is_expiring, a.is_expired = a.expiring(today), a.expired(today)
    return render(request, "cobuilding/agreements.html", {
        **_base(request, org), "agreements": rows, "expiring_count": sum(a.is_expiring for a in rows),
        "can_add": _can(request, "add", org)})


@login_required
def agreement_new(request):
    units = PartnerUnit.objects.restrict(request.user, "add").filter(active=True).defer("contact_phone")
    if not units.exists():
        raise PermissionDenied
    initial = {"unit": request.GET.get("unit")} if request.GET.get("unit") else {}
    form = AgreementForm(request.POST or None, initial=initial, units=units)
    done = submit(request, form, lambda data: services.agreement_sign(actor=request.user, **data),
                  message=_("The agreement is recorded."),
                  next_url=lambda a: f"{reverse('cobuilding:agreements')}?org={a.organization_id}")
    if done:
        return done
    org = chosen_subtree_organization(request, "add") if request.GET.get("org") else units.first().organization
    return render(request, "cobuilding/form.html", {
        **_base(request, org), "form": form, "title": _("Record a co-building agreement"),
        "back": reverse("cobuilding:agreements")})


def _brand_org(request, pk):
    return get_for(request.user, Organization.objects, "change", pk=pk)


@login_required
def brand_edit(request, pk):
    """Set a community's brand (一居一品) and record its activities."""
    org = _brand_org(request, pk)
    brand = Brand.objects.filter(organization=org).first()
    initial = {f: getattr(brand, f) for f in ("name", "slogan", "description", "outcomes")} if brand else {}
    form = BrandForm(request.POST or None, initial=initial)
    done = submit(request, form, lambda data: services.brand_save(actor=request.user, organization=org, **data),
                  message=_("The brand is saved."), next_url=reverse("cobuilding:brand_edit", args=[org.pk]))
    if done:
        return done
    return render(request, "cobuilding/brand_edit.html", {
        **_base(request, org), "form": form, "brand": brand,
        "activities": brand.activities.select_related("project") if brand else [],
        "activity_form": BrandActivityForm(projects=JointProject.objects.filter(organization=org)) if brand else None,
    })


@login_required
@require_POST
def brand_activity_add(request, pk):
    org = _brand_org(request, pk)
    brand = Brand.objects.filter(organization=org).first()
    if brand is None:
        raise Http404
    form = BrandActivityForm(request.POST, projects=JointProject.objects.filter(organization=org))
    done = submit(request, form, lambda data: services.brand_activity_add(actor=request.user, brand=brand, **data),
                  message=_("The activity is recorded."), next_url=reverse("cobuilding:brand_edit", args=[org.pk]))
    if done:
        return done
    return render(request, "cobuilding/brand_edit.html", {
        **_base(request, org), "form": BrandForm(initial={"name": brand.name, "slogan": brand.slogan,
                                                          "description": brand.description,
                                                          "outcomes": brand.outcomes}),
        "brand": brand, "activities": brand.activities.select_related("project"), "activity_form": form})


@require_GET
def brand_public(request, pk):
    """A community's brand, public and read only: no personal data (units by name only)."""
    brand = Brand.objects.select_related("organization").filter(organization_id=pk).first()
    if brand is None:
        raise Http404
    projects = JointProject.objects.filter(organization_id=pk).prefetch_related("units")[:20]
    return render(request, "cobuilding/brand_public.html", {
        "nav": "cobuilding", "brand": brand, "activities": brand.activities.select_related("project")[:30],
        "projects": projects, "unit_count": PartnerUnit.objects.filter(organization_id=pk, active=True).count(),
        "can_edit": request.user.is_authenticated and _can(request, "change", brand.organization)})
