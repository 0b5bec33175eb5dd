"""Pages of the mobile-member register (流动党员): the register, registering and return, activities
where they are, and setting up a temporary branch."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.access import can, get_for, has_any_scope
from dangjian.core.dates import add_months
from dangjian.core.forms import submit
from dangjian.core.rules import rule
from dangjian.members.models import PROTECTED_FIELDS, Member
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import visible_ancestors

from . import mobile, selectors
from .forms import MobileActivityForm, MobileRegisterForm, MobileReturnForm, TemporaryBranchForm
from .models import MobileMember


def mobile_url(registration):
    return reverse("transfers:mobile_detail", args=[registration.pk])


def _registration(request, pk, action="view"):
    return get_for(request.user, MobileMember.objects.select_related("member", "member__organization",
                                                                     "contact_organization")
                   .defer(*(f"member__{f}" for f in PROTECTED_FIELDS)), action, pk=pk)


def _root(request):
    if request.GET.get("org"):
        return get_for(request.user, Organization.objects, "view", pk=request.GET["org"])
    return None


@login_required
@require_GET
def mobile_list(request):
    """The register of members away (流动党员名册): active or returned, by destination."""
    root = _root(request)
    today = timezone.localdate()
    returned = request.GET.get("tab") == "returned"
    destination = request.GET.get("destination", "").strip()
    months = rule("mobile.transfer_after_months", organization=root, on=today) if root else rule(
        "mobile.transfer_after_months", on=today)
    long_before = add_months(today, -int(months.value))
    long_only = request.GET.get("long") == "1" and not returned
    items = selectors.mobile_list(request.user, root=root, returned=returned, destination=destination,
                                  long_away_before=long_before if long_only else None)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "transfers/mobile_list.html", {
        "nav": "mobile", "org": root, "page_obj": page, "returned": returned, "destination": destination,
        "long_only": long_only, "long_before": long_before, "months": int(months.value),
        "summary": selectors.destination_summary(request.user, root=root, returned=returned),
        "can_add": has_any_scope(request.user, "add"),
        "ancestors": (visible_ancestors(root, request.user) + [root]) if root else [],
    })


@login_required
def register(request, pk):
    """Register a member as away (from the member's page)."""
    member = get_for(request.user, Member.objects.without_protected().select_related("organization"), "change", pk=pk)
    form = MobileRegisterForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda data: mobile.mobile_register(actor=request.user, member=member, **data),
                  message=_("%(name)s is registered as a mobile member.") % {"name": member.name},
                  next_url=mobile_url)
    months = rule("mobile.transfer_after_months", organization=member.organization)
    return done or render(request, "transfers/form.html", {
        "nav": "mobile", "form": form, "title": _("Register %(name)s as away") % {"name": member.name},
        "submit": _("Register"), "back": reverse("members:detail", args=[member.pk]),
        "intro": _("Use this for a stay of less than %(months)d months, or when the relation cannot be transferred; "
                   "otherwise issue a transfer letter.") % {"months": int(months.value)},
    })


@login_required
@require_GET
def mobile_detail(request, pk):
    """One member's time away: where, since when, where they take part, what they did there."""
    registration = _registration(request, pk)
    return render(request, "transfers/mobile_detail.html", {
        "nav": "mobile", "registration": registration, "member": registration.member,
        "activities": registration.activities.select_related("recorded_by"),
        "can_change": can(request.user, "change", registration),
        "can_see_member": can(request.user, "view", registration.member),
        "history": MobileMember.objects.filter(member=registration.member).exclude(pk=registration.pk)
        .order_by("-left_on")[:10],
    })


@login_required
def mobile_return(request, pk):
    registration = _registration(request, pk, "change")
    form = MobileReturnForm(request.POST or None)
    done = submit(request, form, lambda data: mobile.mobile_return(actor=request.user, registration=registration,
                                                                   **data),
                  message=_("%(name)s's return is recorded.") % {"name": registration.member.name},
                  next_url=mobile_url(registration))
    return done or render(request, "transfers/form.html", {
        "nav": "mobile", "form": form, "title": _("%(name)s is back") % {"name": registration.member.name},
        "submit": _("Record the return"), "back": mobile_url(registration),
    })


@login_required
def activity(request, pk):
    """Record what a mobile member did where they are; study hours are credited."""
    registration = _registration(request, pk, "change")
    form = MobileActivityForm(request.POST or None)
    done = submit(request, form, lambda data: mobile.mobile_activity_record(actor=request.user,
                                                                            registration=registration, **data),
                  message=_("Saved."), next_url=mobile_url(registration))
    return done or render(request, "transfers/form.html", {
        "nav": "mobile", "form": form, "title": _("Activity of %(name)s while away") % {"name": registration.member.name},
        "submit": _("Save"), "back": mobile_url(registration),
    })


@login_required
def temporary_branch(request):
    """Set up a temporary branch (临时党支部) for mobile members in one place."""
    if not has_any_scope(request.user, "add"):
        raise PermissionDenied
    initial = {}
    if request.GET.get("org"):
        initial["parent"] = get_for(request.user, Organization.objects, "add", pk=request.GET["org"])
    form = TemporaryBranchForm(request.POST or None, initial=initial, user=request.user)
    done = submit(request, form, lambda data: mobile.temporary_branch_create(actor=request.user, **data),
                  message=lambda org: _("%(name)s is set up.") % {"name": org.name},
                  next_url=lambda org: reverse("organizations:detail", args=[org.pk]))
    minimum = rule("mobile.temporary_branch_min_members")
    return done or render(request, "transfers/form.html", {
        "nav": "mobile", "form": form, "title": _("Set up a temporary branch for mobile members"),
        "submit": _("Set up"), "back": reverse("transfers:mobile_list"),
        "intro": _("%(n)d or more members away in one place may form a temporary branch (rule %(rule)s). "
                   "They take part in its meetings; their relations stay with their home organizations.")
        % {"n": int(minimum.value), "rule": minimum.version},
    })
