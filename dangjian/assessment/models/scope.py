"""Scope filters shared by the assessment models."""
from django.db.models import Q

from dangjian.core.access import path_filter
from dangjian.organizations.models import Organization


def orgs_in(scope):
    """The organizations a scope's subtrees reach, as a subquery."""
    return Organization.objects.filter(path_filter(scope)).values("pk")


def subtree_q(scope, field: str = "organization") -> Q:
    """Records whose ``field`` organization lies in one of the scope's subtrees."""
    return Q(**{f"{field}__in": orgs_in(scope)}) if scope.paths else Q(pk__in=[])


def lineage_paths(scope) -> list[str]:
    """Paths of every organization at or above the scope's subtrees and own organizations: the
    organizations whose schemes, surveys or rounds reach down to the user."""
    paths: set[str] = set()
    for path in scope.paths:
        paths.update(path[:end] for end in range(Organization.steplen, len(path) + 1, Organization.steplen))
    for org in Organization.objects.filter(pk__in=scope.own_org_ids).only("path"):
        paths.update(org.lineage_paths)
    return sorted(paths)
