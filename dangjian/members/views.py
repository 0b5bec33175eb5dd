"""Roster pages: list with search and filters, detail, add and edit, reveal, history."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core.access import can, get_for, has_any_scope, user_scope
from dangjian.core.audit import history_for
from dangjian.core.forms import RevealForm, add_service_errors, submit
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import visible_ancestors
from dangjian.orglife.selectors import study_standings
from dangjian.volunteers.selectors import member_service_hours

from . import services
from .forms import DutyPostForm, MemberForm, MoveForm, PledgeForm
from .models import PROTECTED_FIELDS, LostContactCase, Member, MemberStatusChange, ReserveCadre
from .selectors import roster_filter

PAGE_SIZES = (20, 50, 100)


def member_url(member):
    return reverse("members:detail", args=[member.pk])


def _member(request, pk, action="view"):
    return get_for(request.user, Member.objects.without_protected().select_related("organization", "party_group"),
                   action, pk=pk)


@login_required
@require_GET
def member_list(request):
    """The roster (党员名册): search by name, pinyin initials or last ID digits; filter; sort; page."""
    members = roster_filter(user=request.user, params=request.GET)
    try:
        per_page = int(request.GET.get("per_page", 20))
    except ValueError:
        per_page = 20
    per_page = per_page if per_page in PAGE_SIZES else 20
    page = Paginator(members.qs, per_page).get_page(request.GET.get("page"))
    org = members.form.cleaned_data.get("org") if members.is_bound and members.form.is_valid() else None
    context = {
        "nav": "members", "filter": members, "page_obj": page, "org": org,
        "can_add": has_any_scope(request.user, "add"),
        "can_export": has_any_scope(request.user, "export"),
        "ancestors": visible_ancestors(org, request.user) + [org] if org else [],
    }
    template = "members/_roster_table.html" if request.htmx and not request.htmx.boosted else "members/list.html"
    return render(request, template, context)


def _sees_standing(user, member) -> bool:
    scope = user_scope(user, "view")
    return bool(scope.everything or scope.paths or scope.member_id == member.pk)


@login_required
@require_GET
def detail(request, pk):
    """A member's register entry: facts, protected data masked, posts, duties, pledges, periods."""
    member = _member(request, pk)
    return render(request, "members/detail.html", {
        "nav": "me" if member.user_id == request.user.pk else "members",
        "member": member,
        "ancestors": visible_ancestors(member.organization, request.user) + [member.organization],
        "memberships": member.memberships.select_related("organization"),
        "posts": member.posts.select_related("organization", "kind"),
        "duty_posts": member.duty_posts.prefetch_related("reviews"),
        "pledges": member.pledges.prefetch_related("progress"),
        # Standing, lost contact and the cadre pool are for those over the branch and the member themself.
        "standing_changes": MemberStatusChange.objects.restrict(request.user, "view").filter(member=member)[:10],
        "lost_contact_case": LostContactCase.objects.restrict(request.user, "view").filter(member=member)
        .order_by("-since", "-id").first(),
        "cadre_entries": ReserveCadre.objects.restrict(request.user, "view").filter(member=member)
        .select_related("organization", "intended_kind").order_by("-added_on"),
        "sees_standing": _sees_standing(request.user, member),
        "study": study_standings([member], timezone.localdate().year, organization=member.organization)[0],
        "study_records": member.study_records.filter(on__year=timezone.localdate().year)[:20],
        "volunteer_hours": member_service_hours(member, timezone.localdate().year),
        "can_change": can(request.user, "change", member),
        "can_reveal": can(request.user, "reveal", member),
        "protected": [(f, Member._meta.get_field(f).verbose_name, getattr(member, f"{f}_masked")) for f in PROTECTED_FIELDS],
    })


@login_required
def create(request):
    """Add a member to the register (党员信息录入)."""
    if not has_any_scope(request.user, "add"):
        raise PermissionDenied
    initial = {}
    if request.GET.get("org"):
        org = get_for(request.user, Organization.objects, "add", pk=request.GET["org"])
        initial["organization"] = org
    form = MemberForm(request.POST or None, initial=initial, user=request.user)
    done = submit(request, form, lambda data: services.member_create(actor=request.user, data=data),
                  message=lambda member: _("%(name)s has been added to the register.") % {"name": member.name},
                  next_url=member_url)
    return done or render(request, "members/form.html", {"nav": "members", "form": form, "title": _("Add a member")})


@login_required
def edit(request, pk):
    """Correct or update a member's register entry."""
    member = _member(request, pk, "change")
    form = MemberForm(request.POST or None, instance=member, user=request.user)
    done = submit(request, form, lambda data: services.member_update(actor=request.user, member=member, data=data),
                  message=_("Saved."), next_url=member_url(member))
    return done or render(request, "members/form.html", {
        "nav": "members", "form": form, "member": member, "title": _("Edit %(name)s") % {"name": member.name},
    })


@login_required
@require_http_methods(["GET", "POST"])
def reveal(request, pk, field):
    """Show one protected value in full after the user states why (logged with the purpose)."""
    if field not in PROTECTED_FIELDS:
        raise Http404
    member = _member(request, pk, "reveal")
    form = RevealForm(request.POST or None)
    value = None
    if request.method == "POST" and form.is_valid():
        try:
            value = services.member_reveal(actor=request.user, member=member, field=field,
                                           purpose=form.cleaned_data["purpose"])
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = {"member": member, "field": field, "form": form, "value": value,
               "label": Member._meta.get_field(field).verbose_name}
    template = "members/_reveal.html" if request.htmx else "members/reveal.html"
    return render(request, template, {**context, "nav": "members"})


@login_required
@require_GET
def history(request, pk):
    member = _member(request, pk)
    return render(request, "members/history.html", {
        "nav": "members", "member": member, "entries": history_for(member)[:200],
        "ancestors": visible_ancestors(member.organization, request.user) + [member.organization],
    })


@login_required
def move(request, pk):
    """Move a member's relation to another organization in the user's scope (within the same system)."""
    member = _member(request, pk, "change")
    form = MoveForm(request.POST or None, user=request.user, member=member)
    done = submit(request, form, lambda data: services.member_move(
        actor=request.user, member=member, organization=data["organization"], on=data["on"]),
        message=_("Saved."), next_url=member_url(member))
    return done or render(request, "members/form.html", {
        "nav": "members", "form": form, "member": member,
        "title": _("Move %(name)s to another organization") % {"name": member.name},
    })


@login_required
def duty_post_add(request, pk):
    """Assign a duty (设岗定责) or a model post (党员示范岗) to a member."""
    member = _member(request, pk, "change")
    form = DutyPostForm(request.POST or None)
    done = submit(request, form, lambda data: services.duty_post_create(actor=request.user, member=member, **data),
                  message=_("Saved."), next_url=member_url(member))
    return done or render(request, "members/form.html", {
        "nav": "members", "form": form, "member": member, "title": _("Assign a duty to %(name)s") % {"name": member.name},
    })


@login_required
def pledge_add(request, pk):
    """Record a member's public commitment (公开承诺)."""
    member = _member(request, pk, "change")
    form = PledgeForm(request.POST or None)
    done = submit(request, form, lambda data: services.pledge_create(actor=request.user, member=member, **data),
                  message=_("Saved."), next_url=member_url(member))
    return done or render(request, "members/form.html", {
        "nav": "members", "form": form, "member": member, "title": _("Record a pledge of %(name)s") % {"name": member.name},
    })
