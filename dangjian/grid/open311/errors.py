"""Open311 errors: HTTP 404 for an unknown resource, 403 for a missing or bad ``api_key``, 429 when
calls come too fast and 400 for anything else, with the body ``[{"code": <int>, "description": …}]``."""
from __future__ import annotations


class Open311Error(Exception):
    """One or more problems answered with ``status``; each problem is ``(code, description)``."""

    def __init__(self, status: int, *descriptions: str, retry_after: int | None = None):
        super().__init__(*descriptions)
        self.status = status
        self.errors = [{"code": status, "description": str(d)} for d in descriptions]
        self.retry_after = retry_after


def not_found(description: str) -> Open311Error:
    return Open311Error(404, description)


def forbidden(description: str) -> Open311Error:
    return Open311Error(403, description)


def bad_request(*descriptions: str) -> Open311Error:
    return Open311Error(400, *descriptions)
