"""Pages of service centres: the public catalogue (no login, no personal data), staff pages
(centres, catalogue items, the bookings queue, service records, representative days) and the
resident's own bookings."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.access import can, covers, get_for, user_scope
from dangjian.core.forms import submit
from dangjian.core.ratelimit import rate_limited
from dangjian.organizations.models import Organization
from dangjian.privacy.choices import Purpose
from dangjian.privacy.forms import add_consent
from dangjian.privacy.services import with_consent

from . import selectors, services
from .choices import BookingStatus
from .forms import BookingForm, CentreForm, ItemForm, RecordForm, RepresentativeDayForm, RepresentativeVisitForm
from .models import Booking, RepresentativeDay, ServiceCentre, ServiceItem


def centre_url(centre):
    return reverse("centres:centre", args=[centre.pk])


def _centre(request, pk, action="view"):
    return get_for(request.user, ServiceCentre.objects.select_related("organization"), action, pk=pk)


def _base(**extra):
    return {"nav": "centres", **extra}


# Public pages -------------------------------------------------------------------------------------------------


@require_GET
@rate_limited("public_page", group="centres.catalogue", methods=None)
def catalogue(request):
    """The public catalogue: every active centre, its hours, services and representative days."""
    return render(request, "centres/catalogue.html", _base(centres=selectors.public_centres()))


@require_GET
def catalogue_centre(request, pk):
    centre = get_object_or_404(selectors.public_centres(), pk=pk)
    return render(request, "centres/catalogue_centre.html", _base(centre=centre))


# Staff pages --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def centres(request):
    """Centres and stations in the user's scope, with how many bookings wait."""
    add_scope = user_scope(request.user, "add")
    return render(request, "centres/centres.html", _base(
        centres=selectors.centres_for(request.user), can_add=bool(add_scope.everything or add_scope.paths)))


@login_required
@require_GET
def centre(request, pk):
    centre = _centre(request, pk)
    today = timezone.localdate()
    return render(request, "centres/centre.html", _base(
        centre=centre, items=centre.items.order_by("-active", "name"),
        coverage=centre.coverage.order_by("path"),
        rep_days=centre.representative_days.annotate(visit_count=Count("visits")).order_by("-day")[:20],
        waiting=selectors.booking_queue(centre).filter(day__gte=today).count(),
        can_change=can(request.user, "change", centre)))


def _centre_form(request, data, initial, centre=None):
    scope = user_scope(request.user, "add" if centre is None else "change")
    orgs = Organization.objects.restrict(request.user, "view")
    if not scope.everything:
        orgs = orgs.filter(pk__in=Organization.objects.filter(Organization.scope_filter(scope, "add")).values("pk"))
    orgs = orgs.order_by("path")
    return CentreForm(data, organizations=orgs, coverage=orgs, initial=initial)


@login_required
def centre_new(request):
    scope = user_scope(request.user, "add")
    if not (scope.everything or scope.paths):
        raise PermissionDenied
    form = _centre_form(request, request.POST or None,
                        {"open_days": [0, 1, 2, 3, 4], "opens": datetime.time(9), "closes": datetime.time(17),
                         "kind": "station"})
    if request.method == "POST" and form.is_valid() and not covers(scope, form.cleaned_data["organization"]):
        raise PermissionDenied
    done = submit(request, form, lambda data: services.centre_create(actor=request.user, **data),
                  message=_("The centre is added."), next_url=centre_url)
    return done or render(request, "centres/form.html", _base(
        form=form, title=_("Add a service centre"), submit=_("Add the centre"), back=reverse("centres:centres")))


@login_required
def centre_edit(request, pk):
    centre = _centre(request, pk, "change")
    initial = {k: getattr(centre, k) for k in services.CENTRE_FIELDS}
    initial["open_days"] = centre.day_numbers
    initial["coverage"] = list(centre.coverage.values_list("pk", flat=True))
    form = _centre_form(request, request.POST or None, initial, centre)
    if request.method == "POST" and form.is_valid() and not covers(user_scope(request.user, "change"),
                                                                   form.cleaned_data["organization"]):
        raise PermissionDenied
    done = submit(request, form, lambda data: services.centre_update(actor=request.user, centre=centre, **data),
                  message=_("The centre is saved."), next_url=centre_url(centre))
    return done or render(request, "centres/form.html", _base(
        form=form, title=_("Edit %(name)s") % {"name": centre.name}, submit=_("Save"), back=centre_url(centre)))


@login_required
def item_add(request, pk):
    centre = _centre(request, pk, "change")
    form = ItemForm(request.POST or None)
    done = submit(request, form, lambda data: services.item_create(actor=request.user, centre=centre, **data),
                  message=_("The service is added to the catalogue."), next_url=centre_url(centre))
    return done or render(request, "centres/form.html", _base(
        form=form, title=_("Add a service to %(name)s") % {"name": centre.name}, submit=_("Add the service"),
        back=centre_url(centre)))


@login_required
def item_edit(request, pk):
    item = get_for(request.user, ServiceItem.objects.select_related("centre"), "change", pk=pk)
    form = ItemForm(request.POST or None, initial={k: getattr(item, k) for k in services.ITEM_FIELDS})
    done = submit(request, form, lambda data: services.item_update(actor=request.user, item=item, **data),
                  message=_("The service is saved."), next_url=centre_url(item.centre))
    return done or render(request, "centres/form.html", _base(
        form=form, title=_("Edit %(name)s") % {"name": item.name}, submit=_("Save"), back=centre_url(item.centre)))


@login_required
@require_GET
def bookings(request, pk):
    """The bookings queue of a centre: staff mark attended or not come."""
    centre = _centre(request, pk)
    status = request.GET.get("status", BookingStatus.BOOKED)
    page = Paginator(selectors.booking_queue(centre, status=status), 50).get_page(request.GET.get("page"))
    return render(request, "centres/bookings.html", _base(
        centre=centre, page_obj=page, status=status, statuses=BookingStatus.choices,
        today=timezone.localdate(), can_change=can(request.user, "transition", centre)))


@login_required
@require_POST
def booking_step(request, pk, to):
    """Staff mark a booking attended, not come or cancelled."""
    booking = get_for(request.user, Booking.objects.select_related("item__centre"), "view", pk=pk)
    if not can(request.user, "transition", booking):
        raise PermissionDenied
    try:
        services.booking_step(actor=request.user, booking=booking, to=to, note=request.POST.get("note", ""))
        messages.success(request, _("The booking is now: %(status)s.") % {"status": booking.get_status_display()})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("centres:bookings", pk=booking.item.centre_id)


@login_required
@require_GET
def records(request, pk):
    centre = _centre(request, pk)
    items = centre.records.select_related("item", "booking").order_by("-served_on", "-id")
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "centres/records.html", _base(
        centre=centre, page_obj=page, can_change=can(request.user, "change", centre)))


@login_required
def record_add(request, pk):
    """Record what was done, for a booking (``?booking=``) or a walk-in."""
    centre = _centre(request, pk, "change")
    booking = None
    if request.GET.get("booking"):
        booking = get_object_or_404(Booking.objects.select_related("item"), pk=request.GET["booking"],
                                    item__centre=centre)
    form = RecordForm(request.POST or None, items=centre.items.order_by("name"),
                      initial={"item": booking.item_id if booking else None})
    done = submit(request, form, lambda data: services.service_record_add(
        actor=request.user, centre=centre, booking=booking, **data),
        message=_("The service is recorded."), next_url=reverse("centres:records", args=[centre.pk]))
    title = _("Record a service") if booking is None else _("Record the service for booking %(when)s") % {
        "when": f"{booking.day:%Y-%m-%d} {booking.start:%H:%M}"}
    return done or render(request, "centres/form.html", _base(
        form=form, title=title, submit=_("Record"), back=reverse("centres:records", args=[centre.pk])))


@login_required
def rep_day_add(request, pk):
    centre = _centre(request, pk, "change")
    form = RepresentativeDayForm(request.POST or None)
    done = submit(request, form, lambda data: services.representative_day_add(actor=request.user, centre=centre,
                                                                              **data),
                  message=_("The representative day is announced."), next_url=centre_url(centre))
    return done or render(request, "centres/form.html", _base(
        form=form, title=_("Announce a representative reception day"), submit=_("Announce"),
        back=centre_url(centre)))


@login_required
def rep_visit_add(request, pk):
    rep_day = get_for(request.user, RepresentativeDay.objects.select_related("centre"), "change", pk=pk)
    form = RepresentativeVisitForm(request.POST or None)
    done = submit(request, form, lambda data: services.representative_visit_add(actor=request.user, day=rep_day,
                                                                                **data),
                  message=_("The visit is recorded."), next_url=centre_url(rep_day.centre))
    visits = rep_day.visits.order_by("created_at")
    return done or render(request, "centres/form.html", _base(
        form=form, title=_("Visits received by %(name)s on %(day)s") % {"name": rep_day.delegate_name,
                                                                         "day": rep_day.day},
        submit=_("Record the visit"), back=centre_url(rep_day.centre), visits=visits))


# Residents ----------------------------------------------------------------------------------------------------


@login_required
@rate_limited("resident_post", group="centres.book")
def book(request, pk):
    """A resident books a service of a centre: choose the service, the day, then a free time."""
    centre = get_object_or_404(ServiceCentre.objects.filter(active=True), pk=pk)
    items = centre.items.filter(active=True, needs_booking=True).order_by("name")
    data = request.POST or None
    item_id = (data or request.GET).get("item")
    item = items.filter(pk=item_id).first() if item_id and str(item_id).isdigit() else items.first()
    today = timezone.localdate()
    day = None
    try:
        day = datetime.date.fromisoformat((data or request.GET).get("day", ""))
    except ValueError:
        day = next((today + datetime.timedelta(days=n) for n in range(1, 15)
                    if centre.is_open_on(today + datetime.timedelta(days=n))), None)
    times = services.slot_times(item) if item else []
    taken = selectors.slots_taken(item, day) if item and day else {}
    free = [t for t in times if taken.get(t, 0) < item.capacity] if item and day and centre.is_open_on(day) else []
    form = BookingForm(data, items=items, times=free if not data else times,
                       initial={"item": item, "day": day})
    add_consent(form, Purpose.BOOKING)
    done = submit(request, form, lambda d: with_consent(
        actor=request.user, purpose=Purpose.BOOKING, data=d,
        run=lambda data: services.booking_make(actor=request.user, **data)),
                  message=_("Your booking is made. Please come on time."), next_url=reverse("centres:my_bookings"))
    return done or render(request, "centres/book.html", _base(
        centre=centre, form=form, item=item, day=day, free=free, open_today=centre.is_open_on(day) if day else False))


@login_required
def my_bookings(request):
    """The resident's own bookings; a coming booking can be cancelled here (POST ``cancel``)."""
    mine = Booking.objects.filter(user=request.user).select_related("item__centre").defer("contact_phone")
    if request.method == "POST":
        booking = get_object_or_404(mine, pk=request.POST.get("cancel"))
        try:
            services.booking_step(actor=request.user, booking=booking, to=BookingStatus.CANCELLED, staff=False)
            messages.success(request, _("Your booking is cancelled."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("centres:my_bookings")
    today = timezone.localdate()
    return render(request, "centres/my_bookings.html", _base(
        coming=mine.filter(day__gte=today, status=BookingStatus.BOOKED).order_by("day", "start"),
        past=mine.exclude(day__gte=today, status=BookingStatus.BOOKED).order_by("-day", "-start")[:30],
        nav="my_bookings"))
