"""Pages of service teams (组团式服务团队), their members, and the request categories."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.access import can, get_for, user_scope
from dangjian.core.forms import submit
from dangjian.organizations.choices import OrgType, UnitKind
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import visible_ancestors

from .. import services_teams as services
from ..choices import FINISHED, TeamLevel
from ..forms_teams import CategoryForm, TeamForm, TeamMemberForm
from ..models import RequestCategory, ServiceRequest, ServiceTeam, TeamMember
from ..models.scope import grid_scope


def team_url(team):
    return reverse("grid:team", args=[team.pk])


def _count(queryset):
    return Coalesce(Subquery(queryset.values("team").annotate(n=Count("pk")).values("n")[:1],
                             output_field=IntegerField()), 0)


def with_counts(teams, now=None):
    """Teams with their active members, open requests and overdue open requests (subqueries, no joins)."""
    now = now or timezone.now()
    open_requests = ServiceRequest.objects.filter(team=OuterRef("pk")).exclude(status__in=FINISHED).order_by()
    return teams.annotate(
        member_count=_count(TeamMember.objects.filter(team=OuterRef("pk"), active=True).order_by()),
        open_count=_count(open_requests),
        overdue_count=_count(open_requests.filter(stage_due_at__lt=now).exclude(status="parked")),
    )


def eligible_organizations(user, action="add"):
    """Organizations where ``user`` may set up teams: communities' and sub-districts' organizations."""
    fits = Q(unit_kind=UnitKind.COMMUNITY, org_type__in=services.COMMUNITY_TYPES) | Q(grids__isnull=False) | (
        Q(org_type__in=(OrgType.WORKING_COMMITTEE, OrgType.COMMITTEE)) & ~Q(unit_kind=UnitKind.COMMUNITY))
    ids = Organization.objects.restrict(user, action).filter(fits).values("pk")
    return Organization.objects.filter(pk__in=ids).order_by("path")


def _base(request, org, nav="teams"):
    return {"nav": nav, "org": org, "ancestors": visible_ancestors(org, request.user) + [org] if org else []}


@login_required
@require_GET
def teams(request):
    """The service teams in view, community and sub-district level, with their figures."""
    scope = grid_scope(request.user, "view")
    if not (scope.everything or scope.paths or scope.team_ids):
        raise PermissionDenied
    level = request.GET.get("level", "")
    rows = ServiceTeam.objects.restrict(request.user, "view").select_related("organization")
    if level in TeamLevel.values:
        rows = rows.filter(level=level)
    show_inactive = request.GET.get("inactive") == "1"
    if not show_inactive:
        rows = rows.filter(active=True)
    rows = with_counts(rows).prefetch_related("categories").order_by("organization__path", "level", "name")
    return render(request, "grid/teams/list.html", {
        "nav": "teams", "teams": rows, "level": level, "levels": TeamLevel.choices, "show_inactive": show_inactive,
        "can_add": bool(user_scope(request.user, "add").everything or user_scope(request.user, "add").paths)
        and eligible_organizations(request.user).exists(),
    })


def _team(request, pk, action="view"):
    return get_for(request.user, ServiceTeam.objects.select_related("organization"), action, pk=pk)


@login_required
@require_GET
def team_detail(request, pk):
    """A team: its members (with their accounts), the categories it takes, its open requests."""
    team = _team(request, pk)
    team = with_counts(ServiceTeam.objects.filter(pk=team.pk)).select_related("organization").get()
    open_requests = (ServiceRequest.objects.restrict(request.user, "view").filter(team=team)
                     .exclude(status__in=FINISHED).select_related("category", "grid")
                     .defer("contact_phone", "contact_email").order_by("stage_due_at", "id"))
    return render(request, "grid/teams/detail.html", {
        **_base(request, team.organization), "team": team,
        "members": team.members.select_related("user").order_by("-active", "-is_leader", "name"),
        "categories": team.categories.order_by("order", "code"),
        "open_requests": open_requests[:20], "now": timezone.now(),
        "requests_url": f"/grid/requests/?team={team.pk}",
        "can_change": can(request.user, "change", team),
    })


@login_required
def team_create(request):
    """Set up a service team at community or sub-district level."""
    organizations = eligible_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied
    initial = {}
    if request.GET.get("org"):
        initial["organization"] = get_object_or_404(organizations, pk=request.GET["org"]) \
            if str(request.GET["org"]).isdigit() else None
    form = TeamForm(request.POST or None, organizations=organizations, initial=initial)
    done = submit(request, form, lambda data: services.team_create(actor=request.user, **data),
                  message=lambda team: _("The team %(name)s is set up.") % {"name": team.name}, next_url=team_url)
    return done or render(request, "grid/teams/team_form.html", {
        "nav": "teams", "form": form, "title": _("Set up a service team"), "submit": _("Set up the team"),
        "back": reverse("grid:teams"),
    })


@login_required
def team_edit(request, pk):
    """Change a team: name, level, categories, default owner, active."""
    team = _team(request, pk, "change")
    organizations = Organization.objects.filter(Q(pk__in=eligible_organizations(request.user, "change").values("pk"))
                                                | Q(pk=team.organization_id)).order_by("path")
    initial = {"organization": team.organization, "name": team.name, "level": team.level,
               "description": team.description, "categories": list(team.categories.all()),
               "is_default": team.is_default, "active": team.active}
    form = TeamForm(request.POST or None, organizations=organizations, initial=initial, editing=True)
    done = submit(request, form, lambda data: services.team_update(actor=request.user, team=team, **data),
                  message=_("The team is saved."), next_url=team_url(team))
    return done or render(request, "grid/teams/team_form.html", {
        **_base(request, team.organization), "form": form, "team": team,
        "title": _("Change %(name)s") % {"name": team.name}, "submit": _("Save"), "back": team_url(team),
    })


@login_required
def team_member_add(request, pk):
    """Add a member to a team (sub-district staff, community staff or a partner unit's)."""
    team = _team(request, pk, "change")
    form = TeamMemberForm(request.POST or None)
    done = submit(request, form, lambda data: services.team_member_add(actor=request.user, team=team, **data),
                  message=lambda m: _("%(name)s is added to the team.") % {"name": m.name}, next_url=team_url(team))
    return done or render(request, "grid/teams/form.html", {
        **_base(request, team.organization), "form": form, "team": team,
        "title": _("Add a member to %(team)s") % {"team": team.name}, "submit": _("Add"), "back": team_url(team),
    })


@login_required
def team_member_edit(request, pk):
    """Change a team member, or take them off the team (inactive)."""
    member = get_object_or_404(TeamMember.objects.select_related("user"), pk=pk)
    team = _team(request, member.team_id, "change")
    initial = {"name": member.name, "unit_kind": member.unit_kind, "unit_name": member.unit_name,
               "duty": member.duty, "is_leader": member.is_leader, "active": member.active,
               "user": member.user.get_username() if member.user else ""}
    form = TeamMemberForm(request.POST or None, initial=initial, editing=True)
    done = submit(request, form, lambda data: services.team_member_update(actor=request.user, member=member, **data),
                  message=_("The member is saved."), next_url=team_url(team))
    return done or render(request, "grid/teams/form.html", {
        **_base(request, team.organization), "form": form, "team": team,
        "title": _("Change %(name)s of %(team)s") % {"name": member.name, "team": team.name}, "submit": _("Save"),
        "back": team_url(team),
    })


# ----- categories (administrators) ------------------------------------------------------------

def _require_admin(user):
    if not user_scope(user, "change").everything:
        raise PermissionDenied


@login_required
@require_GET
def categories(request):
    """The request categories (Open311 services), with the teams responsible and requests filed."""
    _require_admin(request.user)
    rows = RequestCategory.objects.annotate(
        team_count=Count("teams", filter=Q(teams__active=True), distinct=True),
        request_count=Count("requests", distinct=True)).order_by("order", "code")
    return render(request, "grid/teams/categories.html", {"nav": "categories", "categories": rows})


@login_required
def category_create(request):
    _require_admin(request.user)
    form = CategoryForm(request.POST or None)
    done = submit(request, form, lambda data: services.request_category_create(actor=request.user, **data),
                  message=lambda c: _("The category %(name)s is added.") % {"name": c.name},
                  next_url=reverse("grid:categories"))
    return done or render(request, "grid/teams/form.html", {
        "nav": "categories", "form": form, "title": _("Add a request category"), "submit": _("Add"),
        "back": reverse("grid:categories"), "wide": True,
    })


@login_required
def category_edit(request, pk):
    _require_admin(request.user)
    category = get_object_or_404(RequestCategory, pk=pk)
    initial = {f: getattr(category, f) for f in services.CATEGORY_FIELDS}
    form = CategoryForm(request.POST or None, initial=initial, editing=True)
    done = submit(request, form,
                  lambda data: services.request_category_update(actor=request.user, category=category, **data),
                  message=_("The category is saved."), next_url=reverse("grid:categories"))
    return done or render(request, "grid/teams/form.html", {
        "nav": "categories", "form": form, "category": category,
        "title": _("Change the category %(name)s (%(code)s)") % {"name": category.name, "code": category.code},
        "submit": _("Save"), "back": reverse("grid:categories"), "wide": True,
    })
