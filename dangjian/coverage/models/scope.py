"""Scope filters shared by the coverage models."""
from django.db.models import Q

from dangjian.organizations.models import organizations_in


def of_org(field: str = "organization") -> Q:
    """A ``scope_filter`` for records that belong to the organization in ``field``: seen by those
    whose subtree covers it."""
    def scope_filter(cls, scope, action) -> Q:
        if not scope.paths:
            return Q(pk__in=[])
        return Q(**{f"{field}__in": organizations_in(scope, action)})
    return classmethod(scope_filter)
