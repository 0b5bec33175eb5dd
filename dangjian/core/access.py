"""Access control: the one ``restrict(user, action)`` mechanism every page and endpoint uses.

A user holds role assignments, each a role over an organization's subtree. For an action, the
roles that allow it give a *scope*: the subtree path prefixes the user may act in, plus the
narrow personal scope of an ordinary member (their own record and their own branch). Each
restricted model turns a scope into a filter with ``scope_filter(scope, action)``.

Objects outside the scope answer 404 (as if missing); objects in view but not changeable
answer 403.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

ACTIONS = ("view", "add", "change", "delete", "transition", "reveal", "export", "audit")


class Role(models.TextChoices):
    """Roles a user can hold over an organization subtree."""

    ADMIN = "admin", _("System administrator")
    ORGANIZER = "organizer", _("Organizer")
    SECRETARY = "secretary", _("Secretary")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    AUDITOR = "auditor", _("Auditor")
    MEMBER = "member", _("Member")
    GRID_LEADER = "grid_leader", _("Grid leader")
    GRID_WORKER = "grid_worker", _("Grid worker")


# Roles held over one grid (``RoleAssignment.grid``), not over an organization's subtree: they
# reach the grid's buildings, households, visits and requests only (``Scope.grid_ids``).
GRID_ROLES = frozenset({Role.GRID_LEADER, Role.GRID_WORKER})


# Which actions each role allows over its subtree. A member's scope is personal (see below).
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(ACTIONS),
    Role.ORGANIZER: frozenset(ACTIONS),
    Role.SECRETARY: frozenset({"view", "add", "change", "transition", "reveal", "export"}),
    Role.COMMITTEE_MEMBER: frozenset({"view"}),
    Role.AUDITOR: frozenset({"view", "audit"}),
    Role.MEMBER: frozenset({"view"}),
    Role.GRID_LEADER: frozenset({"view", "add", "change", "transition", "reveal"}),
    Role.GRID_WORKER: frozenset({"view", "add", "change", "transition", "reveal"}),
}


@dataclass(frozen=True)
class Scope:
    """What one user may reach for one action."""

    everything: bool = False
    paths: tuple[str, ...] = ()
    # An ordinary member's personal scope: their own record and their own branch.
    member_id: int | None = None
    own_org_ids: tuple[int, ...] = field(default=())
    # Grids the user staffs (grid leader or worker). Only the grid app's records read these, so
    # they do not make the scope non-empty for anything else.
    grid_ids: tuple[int, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (self.everything or self.paths or self.member_id or self.own_org_ids)


def minimal_prefixes(paths) -> tuple[str, ...]:
    """Drop paths already covered by a shorter prefix (a subtree inside another)."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(p) for p in kept):
            kept.append(path)
    return tuple(sorted(kept))


def user_scope(user, action: str) -> Scope:
    """The scope of ``user`` for ``action``, computed once per user object and cached on it."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cache = user.__dict__.setdefault("_scope_cache", {})
    if action in cache:
        return cache[action]
    if user.is_superuser:
        cache[action] = Scope(everything=True)
        return cache[action]
    if "_role_rows" not in user.__dict__:
        # One query per user object serves every action.
        user.__dict__["_role_rows"] = list(user.role_assignments.values_list("role", "organization__path", "grid_id"))
    everything, paths, member_id, own, grids = False, [], None, [], []
    for role, path, grid_id in user.__dict__["_role_rows"]:
        if action not in ROLE_ACTIONS.get(role, ()):
            continue
        if role in GRID_ROLES:
            if grid_id:
                grids.append(grid_id)
        elif role == Role.ADMIN:
            everything = True
        elif role != Role.MEMBER and path:
            paths.append(path)
    if action == "view":
        from dangjian.members.models import Member

        # Only the keys: never read (and decrypt) the member's protected columns here.
        own_record = Member.objects.filter(user=user).values_list("pk", "organization_id", "party_group_id").first()
        if own_record:
            member_id, org_id, group_id = own_record
            own = [org_id] + ([group_id] if group_id else [])
    cache[action] = Scope(everything=everything, paths=minimal_prefixes(paths),
                          member_id=member_id, own_org_ids=tuple(own), grid_ids=tuple(sorted(set(grids))))
    return cache[action]


def covers(scope, organization) -> bool:
    """Whether a scope reaches ``organization`` through its subtrees (or everywhere)."""
    return scope.everything or any(organization.path.startswith(p) for p in scope.paths)


def path_filter(scope: Scope, field_name: str = "path") -> Q:
    """A filter on a tree path field matching every subtree of the scope."""
    q = Q(pk__in=[])
    for path in scope.paths:
        q |= Q(**{f"{field_name}__startswith": path})
    return q


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can narrow itself to what a user may do: ``.restrict(user, action)``."""

    def restrict(self, user, action: str = "view"):
        scope = user_scope(user, action)
        if scope.everything:
            return self
        if scope.empty:
            return self.none()
        return self.filter(self.model.scope_filter(scope, action))


def get_for(user, queryset, action: str = "view", **lookup):
    """The object matching ``lookup`` if ``user`` may see it and do ``action`` to it.

    Missing and out-of-sight objects both raise 404; seen but not allowed raises 403.
    """
    try:
        obj = queryset.restrict(user, "view").get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if action != "view" and not can(user, action, obj):
        raise PermissionDenied
    return obj


def can(user, action: str, obj) -> bool:
    """Whether ``user`` may do ``action`` to ``obj`` (one indexed query)."""
    return type(obj)._default_manager.restrict(user, action).filter(pk=obj.pk).exists()


def has_any_scope(user, action: str) -> bool:
    return not user_scope(user, action).empty
