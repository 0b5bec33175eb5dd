"""Addresses of the records behind a figure: the reports' own as-of lists of organizations and
members, or a module's list filtered to what a figure counts."""
from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from .base import Scope


def with_params(name: str, **params) -> str:
    """``reverse(name)`` with the non-empty ``params`` as its query string."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def organization_records(scope: Scope, figure: str, key: str = "") -> str:
    """The organizations a figure of the organizations section counts, on the scope's day."""
    return with_params("reports:organizations", org=scope.root.pk, date=scope.on.isoformat(), figure=figure, key=key)


def member_records(scope: Scope, figure: str, key: str = "") -> str:
    """The members a figure of the members section counts, on the scope's day."""
    return with_params("reports:members", org=scope.root.pk, date=scope.on.isoformat(), figure=figure, key=key)
