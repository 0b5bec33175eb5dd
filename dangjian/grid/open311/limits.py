"""A small rate limiter for the public Open311 endpoints (fixed one-minute or one-hour windows in
Django's cache): per API key for filing when a key is given, else per client address.

``settings.OPEN311_RATE = {"post": "60/min", "get": "600/min"}``; beyond it the answer is HTTP 429
in the Open311 error format, with ``Retry-After``."""
from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from dangjian.core.clients import client_ip
from dangjian.core.ratelimit import count_call

from .errors import Open311Error
from .keys import key_hash

DEFAULT_RATE = {"post": "60/min", "get": "600/min"}


def client_address(request) -> str:
    return client_ip(request) or "unknown"


def check_rate(request, kind: str) -> None:
    """Count one call of ``kind`` (``get`` or ``post``); raise 429 when over the limit."""
    rates = {**DEFAULT_RATE, **getattr(settings, "OPEN311_RATE", {})}
    key = request.POST.get("api_key") or request.GET.get("api_key") if kind == "post" else None
    who = f"key:{key_hash(key)[:32]}" if key else f"ip:{client_address(request)}"
    retry = count_call(f"open311:{kind}:{who}", rates[kind])
    if retry:
        raise Open311Error(429, _("Too many calls; please wait %(n)s seconds.") % {"n": retry}, retry_after=retry)
