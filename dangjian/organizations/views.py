"""Pages of the organization tree: tree, detail, history, and the structural changes."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.access import can, get_for
from dangjian.core.audit import history_for
from dangjian.core.forms import submit
from dangjian.core.models import AuditEntry

from . import selectors, services
from .choices import OrgStatus
from .forms import (
    AsOfForm,
    DissolveForm,
    MergeForm,
    MoveForm,
    OrganizationForm,
    PostAppointForm,
    PostEndForm,
    SplitForm,
)
from .models import LeadershipPost, Organization


def org_url(org):
    return reverse("organizations:detail", args=[org.pk])


def _org(request, pk, action="view"):
    return get_for(request.user, Organization.objects, action, pk=pk)


def _render_form(request, org, form, title, submit, *, template="organizations/form.html", **extra):
    return render(request, template, {
        "nav": "orgs", "org": org, "form": form, "title": title, "submit": submit,
        "ancestors": selectors.visible_ancestors(org, request.user) + [org], **extra,
    })


@login_required
@require_GET
def tree(request):
    """The organization tree of the user's scope; with ``on`` the tree as it stood that day."""
    roots = selectors.scope_roots(request.user)
    if request.GET.get("root"):
        roots = [_org(request, request.GET["root"])]
    as_of = AsOfForm(request.GET or None)
    on = as_of.cleaned_data.get("on") if as_of.is_valid() else None
    if on:
        rows = []
        for root in roots:
            rows += selectors.tree_as_of(root, on)
        return render(request, "organizations/tree_as_of.html", {"nav": "orgs", "rows": rows, "as_of": as_of, "on": on})
    for root in roots:
        root.children_list = selectors.children_of(root, request.user)
    # One count over the roots' subtrees serves the roots and their children.
    nodes = roots + [child for root in roots for child in root.children_list]
    counts = selectors.subtree_member_counts(nodes)
    for node in nodes:
        node.member_count = counts.get(node.pk, 0)
    return render(request, "organizations/tree.html", {"nav": "orgs", "roots": roots, "as_of": as_of})


@login_required
@require_GET
def children(request, pk):
    """The children of one node, loaded when the user expands it (htmx)."""
    org = _org(request, pk)
    return render(request, "organizations/_children.html", {"children": selectors.children_with_counts(org, request.user)})


@login_required
@require_GET
def detail(request, pk):
    """One organization: its facts, leadership team, members, sub-organizations and warnings."""
    org = _org(request, pk)
    posts = org.posts.current().select_related("kind", "member").order_by("kind__order", "id")
    return render(request, "organizations/detail.html", {
        "nav": "orgs", "org": org,
        "ancestors": selectors.visible_ancestors(org, request.user),
        "posts": posts,
        "children": selectors.children_with_counts(org, request.user),
        "breakdown": selectors.member_breakdown(org),
        "warnings": selectors.structure_warnings(org, limit=30),
        "terms": selectors.terms_ending(org)[:30],
        "can_change": can(request.user, "change", org),
        "can_add": can(request.user, "add", org),
        "can_delete": can(request.user, "delete", org),
        "today": timezone.localdate(),
    })


@login_required
@require_GET
def history(request, pk):
    """The audit history of an organization: every change to it and to its leadership posts."""
    org = _org(request, pk)
    entries = (history_for(org) | AuditEntry.objects.filter(organization=org)).distinct()[:200]
    return render(request, "organizations/history.html", {
        "nav": "orgs", "org": org, "entries": entries, "versions": org.versions.select_related("parent"),
        "ancestors": selectors.visible_ancestors(org, request.user) + [org],
    })


@login_required
def create(request, pk):
    """Set up an organization under this one (成立党组织)."""
    parent = _org(request, pk, "add")
    form = OrganizationForm(request.POST or None, initial={"unit_kind": parent.unit_kind})
    done = submit(request, form, lambda data: services.organization_create(actor=request.user, parent=parent, **data),
                  message=lambda new: _("%(name)s has been set up.") % {"name": new.name},
                  next_url=lambda new: reverse("organizations:detail", args=[new.pk]))
    return done or _render_form(request, parent, form, _("New organization under %(name)s") % {"name": parent.name},
                                _("Create"))


@login_required
def edit(request, pk):
    org = _org(request, pk, "change")
    form = OrganizationForm(request.POST or None, instance=Organization.objects.get(pk=org.pk))
    done = submit(request, form, lambda data: services.organization_update(actor=request.user, organization=org, **data),
                  message=_("Saved."), next_url=org_url(org))
    return done or _render_form(request, org, form, _("Edit %(name)s") % {"name": org.name}, _("Save"))


def _targets(request, org, action):
    """Active organizations the user may act on, outside ``org``'s own subtree."""
    return (Organization.objects.restrict(request.user, action).filter(status=OrgStatus.ACTIVE)
            .exclude(path__startswith=org.path))


@login_required
def move(request, pk):
    """Place the organization under another superior (隶属关系调整)."""
    org = _org(request, pk, "change")
    form = MoveForm(request.POST or None, targets=_targets(request, org, "add"))
    done = submit(request, form, lambda data: services.organization_move(
        actor=request.user, organization=org, new_parent=data["new_parent"], on=data["on"]),
        message=_("%(name)s has been moved.") % {"name": org.name}, next_url=org_url(org))
    return done or _render_form(request, org, form, _("Move %(name)s") % {"name": org.name}, _("Move"))


@login_required
def merge(request, pk):
    """Merge this organization into another (合并)."""
    org = _org(request, pk, "delete")
    form = MergeForm(request.POST or None, targets=_targets(request, org, "change"))
    done = submit(request, form, lambda data: services.organization_merge(
        actor=request.user, sources=[org], target=data["target"], on=data["on"]),
        message=lambda target: _("%(a)s has been merged into %(b)s.") % {"a": org.name, "b": target.name},
        next_url=lambda target: reverse("organizations:detail", args=[target.pk]))
    return done or _render_form(request, org, form, _("Merge %(name)s into another organization") % {"name": org.name},
                                _("Merge"), confirm=_("Merging cannot be undone. Continue?"))


@login_required
def split(request, pk):
    """Split off a new organization that takes over some of the members (拆分)."""
    org = _org(request, pk, "change")
    parent = Organization.objects.get_parent(org)
    if parent is None or not can(request.user, "add", parent):
        raise PermissionDenied
    form = SplitForm(request.POST or None, organization=org)
    done = submit(request, form, lambda data: services.organization_split(
        actor=request.user, organization=org, on=data["on"], parts=[{
            "name": data["name"], "code": data["code"], "org_type": data["org_type"],
            "member_ids": [m.pk for m in data["members"]],
        }])[0],
        message=lambda new: _("%(name)s has been set up.") % {"name": new.name},
        next_url=lambda new: reverse("organizations:detail", args=[new.pk]))
    return done or _render_form(request, org, form, _("Split %(name)s") % {"name": org.name}, _("Split"))


@login_required
def dissolve(request, pk):
    """Dissolve the organization (撤销) once it is empty."""
    org = _org(request, pk, "delete")
    form = DissolveForm(request.POST or None)
    done = submit(request, form, lambda data: services.organization_dissolve(
        actor=request.user, organization=org, on=data["on"]),
        message=_("%(name)s has been dissolved.") % {"name": org.name}, next_url=org_url(org))
    return done or _render_form(request, org, form, _("Dissolve %(name)s") % {"name": org.name}, _("Dissolve"),
                                confirm=_("Dissolving cannot be undone. Continue?"))


@login_required
def post_add(request, pk):
    """Fill a leadership post (任职) for a term."""
    org = _org(request, pk, "change")
    form = PostAppointForm(request.POST or None, organization=org)
    done = submit(request, form, lambda data: services.post_appoint(actor=request.user, organization=org, **data),
                  message=_("Saved."), next_url=org_url(org))
    return done or _render_form(request, org, form, _("Fill a post in %(name)s") % {"name": org.name}, _("Save"))


@login_required
def post_end(request, pk):
    """Someone leaves a post (离任)."""
    try:
        post = LeadershipPost.objects.restrict(request.user, "view").select_related("organization").get(pk=pk)
    except LeadershipPost.DoesNotExist as exc:
        raise Http404 from exc
    org = _org(request, post.organization_id, "change")
    form = PostEndForm(request.POST or None)
    done = submit(request, form, lambda data: services.post_end(actor=request.user, post=post, ended_on=data["ended_on"]),
                  message=_("Saved."), next_url=org_url(org))
    title = _("%(member)s leaves the post of %(post)s") % {"member": post.member, "post": post.kind}
    return done or _render_form(request, org, form, title, _("Save"))


@login_required
@require_GET
def terms(request):
    """Leadership terms ending within the warning window, or already past, in the user's scope."""
    rows = []
    for root in selectors.scope_roots(request.user):
        rows += list(selectors.terms_ending(root))
    rows.sort(key=lambda p: p.term_end)
    return render(request, "organizations/terms.html", {"nav": "terms", "posts": rows, "today": timezone.localdate()})
