"""Who reaches which grid records: organizers and secretaries over the community's subtree,
grid staff over their grids, team members over the requests dispatched to their team, and a
resident over the requests they filed."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from dangjian.core.access import path_filter, user_scope
from dangjian.organizations.models import Organization


@dataclass(frozen=True)
class GridScope:
    everything: bool = False
    paths: tuple[str, ...] = ()
    grid_ids: tuple[int, ...] = ()
    team_ids: tuple[int, ...] = ()
    user_id: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.everything or self.paths or self.grid_ids or self.team_ids or self.user_id)


def team_ids_of(user) -> tuple[int, ...]:
    """Teams ``user`` serves on (cached on the user object)."""
    if not user.is_authenticated:
        return ()
    if "_team_ids" not in user.__dict__:
        from .teams import TeamMember

        user.__dict__["_team_ids"] = tuple(
            TeamMember.objects.filter(user=user, active=True, team__active=True).values_list("team_id", flat=True))
    return user.__dict__["_team_ids"]


def grid_scope(user, action: str = "view") -> GridScope:
    """The scope of ``user`` over grid records for ``action``.

    Team members may view and transition their team's requests; a resident (any signed-in user)
    views the requests they filed themselves.
    """
    scope = user_scope(user, action)
    if scope.everything:
        return GridScope(everything=True)
    teams = team_ids_of(user) if action in ("view", "transition") else ()
    own = user.pk if action == "view" and user.is_authenticated else None
    return GridScope(paths=scope.paths, grid_ids=scope.grid_ids, team_ids=teams, user_id=own)


def orgs_reached(scope: GridScope):
    """Organizations inside the scope's subtrees, as a subquery."""
    return Organization.objects.filter(path_filter(scope)).values("pk")


class GridQuerySet(models.QuerySet):
    """``restrict(user, action)`` through :func:`grid_scope`; each model says how with ``scope_filter``."""

    def restrict(self, user, action: str = "view"):
        scope = grid_scope(user, action)
        if scope.everything:
            return self
        if scope.empty:
            return self.none()
        return self.filter(self.model.scope_filter(scope, action))


def by_org_or_grid(org_field: str, grid_field: str):
    """A ``scope_filter`` for records reached through their organization or their grid."""
    def scope_filter(cls, scope: GridScope, action) -> Q:
        q = Q(pk__in=[])
        if scope.paths:
            q |= Q(**{f"{org_field}__in": orgs_reached(scope)})
        if scope.grid_ids:
            q |= Q(**{f"{grid_field}__in": scope.grid_ids})
        return q
    return classmethod(scope_filter)
