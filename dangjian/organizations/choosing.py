"""Which organization a page is about: the one named by ``?org=``, else the user's own top one."""
from django.core.exceptions import PermissionDenied

from dangjian.core.access import can, covers, get_for, user_scope

from .models import Organization
from .selectors import scope_roots


def chosen_organization(request, action: str = "view") -> Organization:
    """The organization named by ``?org=`` (404 out of sight, 403 if ``action`` is not allowed),
    or the user's first top organization."""
    if request.GET.get("org"):
        return get_for(request.user, Organization.objects, action, pk=request.GET["org"])
    roots = scope_roots(request.user)
    if not roots or (action != "view" and not can(request.user, action, roots[0])):
        raise PermissionDenied
    return roots[0]


def require_subtree_view(user):
    """Overviews are for those with a subtree in view (organizers, secretaries, auditors), not for
    ordinary members, whose scope is only their own record and branch."""
    scope = user_scope(user, "view")
    if not (scope.everything or scope.paths):
        raise PermissionDenied


def chosen_subtree_organization(request, action: str = "view") -> Organization:
    """The organization of ``?org=`` (404 out of sight, 403 outside the user's subtrees for
    ``action``) or the first subtree of the user's scope; 403 without a subtree. For overviews that
    only those with a subtree see (ordinary members' own branch is not enough)."""
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
