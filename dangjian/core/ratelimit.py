"""Rate limits on public pages and residents' forms (fixed windows in Django's cache), the same
way the Open311 API limits its callers (``grid/open311/limits.py``) but for ordinary pages.

``settings.RATE_LIMITS`` names the rates (``{"resident_post": "10/min", "public_page": "60/min"}``);
a view is wrapped with ``@rate_limited("resident_post", group="wishes.new")``. Calls are counted
per signed-in user, else per client address, separately for each group. Beyond the rate the
answer is HTTP 429 with a plain page (``429.html``) and ``Retry-After``; the view does not run,
so nothing is written. A failing cache lets the call through (never a 500 because of a limit)."""
from __future__ import annotations

import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from .clients import client_ip

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
DEFAULT_RATES = {"resident_post": "10/min", "public_page": "60/min"}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"10/min"`` → (10, 60). A count of 0 means no limit."""
    count, _slash, period = str(rate).partition("/")
    return int(count), PERIODS.get(period.strip().lower() or "min", 60)


def who(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    return f"ip:{client_ip(request) or 'unknown'}"


def count_call(bucket: str, rate: str) -> int:
    """Count one call in the fixed window of ``rate`` (``"10/min"``) for ``bucket``; the seconds to wait
    if that call is over the limit, else 0. A failing cache lets the call through."""
    limit, period = parse_rate(rate)
    if limit <= 0:
        return 0
    now = time.time()
    key = f"{bucket}:{int(now // period)}"
    try:
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=period + 1)
            count = 1
    except Exception:  # a cache that is down must not take the page down with it
        logger.warning("Rate limit cache unavailable; %s let through", bucket, exc_info=True)
        return 0
    return int(period - now % period) + 1 if count > limit else 0


def over_limit(request, rate_name: str, group: str) -> int:
    """Count one call; the seconds to wait if it is over the limit, else 0."""
    rates = {**DEFAULT_RATES, **getattr(settings, "RATE_LIMITS", {})}
    return count_call(f"rl:{group}:{who(request)}", rates.get(rate_name, "0/min"))


def too_many(request, retry: int):
    response = render(request, "429.html", {"retry": retry}, status=429)
    response["Retry-After"] = str(retry)
    return response


def rate_limited(rate_name: str, *, group: str, methods=("POST",)):
    """Limit the calls of a view with ``methods`` (POST by default; ``None`` for every method)."""
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if methods is None or request.method in methods:
                retry = over_limit(request, rate_name, group)
                if retry:
                    return too_many(request, retry)
            return view(request, *args, **kwargs)
        return wrapped
    return decorator
