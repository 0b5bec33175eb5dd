"""Who is calling: the client's network address, for sign-in lockout, rate limits and audit notes."""
import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind ``LOGIN_TRUSTED_PROXY_COUNT`` reverse proxies the
    address the outermost trusted proxy saw (counted from the right of ``X-Forwarded-For``). Behind nginx
    the setting must be 1, or every caller looks like 127.0.0.1."""
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "LOGIN_TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            try:
                ipaddress.ip_address(candidate)
            except ValueError:
                return remote
            return candidate
    return remote
