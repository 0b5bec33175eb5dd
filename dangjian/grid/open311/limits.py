"""A small rate limiter for the public Open311 endpoints (fixed one-minute or one-hour windows in
Django's cache): per API key for filing when a key is given, else per client address.

``settings.OPEN311_RATE = {"post": "60/min", "get": "600/min"}``; beyond it the answer is HTTP 429
in the Open311 error format, with ``Retry-After``."""
from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from dangjian.core.clients import client_ip

from .errors import Open311Error
from .keys import key_hash

PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
DEFAULT_RATE = {"post": "60/min", "get": "600/min"}


def parse_rate(rate: str) -> tuple[int, int]:
    count, _slash, period = str(rate).partition("/")
    return int(count), PERIODS.get(period.strip().lower() or "min", 60)


def client_address(request) -> str:
    return client_ip(request) or "unknown"


def check_rate(request, kind: str) -> None:
    """Count one call of ``kind`` (``get`` or ``post``); raise 429 when over the limit."""
    rates = {**DEFAULT_RATE, **getattr(settings, "OPEN311_RATE", {})}
    limit, period = parse_rate(rates[kind])
    if limit <= 0:
        return
    key = request.POST.get("api_key") or request.GET.get("api_key") if kind == "post" else None
    who = f"key:{key_hash(key)[:32]}" if key else f"ip:{client_address(request)}"
    window = int(time.time() // period)
    bucket = f"open311:{kind}:{who}:{window}"
    cache.add(bucket, 0, timeout=period + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=period + 1)
        count = 1
    if count > limit:
        retry = int(period - time.time() % period) + 1
        raise Open311Error(429, _("Too many calls; please wait %(n)s seconds.") % {"n": retry}, retry_after=retry)
