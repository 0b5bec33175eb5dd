"""Lockout after repeated failed logins (登录失败锁定), built on django-axes.

A user name tried from one address is locked once ``LOGIN_FAILURE_LIMIT`` attempts have failed,
for ``LOGIN_LOCKOUT_MINUTES`` counted from the failure that locked it (attempts while locked do
not extend it). A success clears the count. The login page, the administration site's login and
the API token endpoint all count through ``django.contrib.auth.authenticate``, so they share the
count. Administrators see locked user names in the user list and lift a lockout there.
"""
from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.clients import client_ip

from .forms import LoginForm


def cool_off():
    return settings.AXES_COOLOFF_TIME


def _locked_attempts():
    """Attempt rows that lock their user name and address right now."""
    return AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                                        attempt_time__gte=timezone.now() - cool_off())


def locked_until(username: str, address: str | None) -> datetime | None:
    """Until when ``username`` is locked at ``address``; None if it is not."""
    attempt = _locked_attempts().filter(username=username, ip_address=address).order_by("-attempt_time").first()
    return attempt.attempt_time + cool_off() if attempt else None


@dataclass(frozen=True)
class Lockout:
    """A user name locked at one address until a time."""

    username: str
    address: str | None
    until: datetime


def lockouts_by_username(usernames=None) -> dict[str, list[Lockout]]:
    """Lockouts in force, by user name (for the administrators' user list)."""
    rows = _locked_attempts().order_by("username", "-attempt_time")
    if usernames is not None:
        rows = rows.filter(username__in=list(usernames))
    found: dict[str, list[Lockout]] = {}
    for row in rows.values("username", "ip_address", "attempt_time"):
        found.setdefault(row["username"], []).append(
            Lockout(row["username"], row["ip_address"], row["attempt_time"] + cool_off()))
    return found


def lockout_message(until: datetime | None) -> str:
    """What a locked user is told: why, and until when (local time)."""
    if until is None:
        return _("This account is locked after too many failed logins. Try again later, or ask your system "
                 "administrator to unlock it.")
    return _("This account is locked after %(limit)s failed logins. Try again after %(until)s, or ask your system "
             "administrator to unlock it.") % {
        "limit": settings.AXES_FAILURE_LIMIT, "until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M")}


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked attempt (``AXES_LOCKOUT_CALLABLE``).

    The login page already shows the message in its form and is kept (with status 429); the
    API answers JSON; any other login form (the administration site) gets the platform's
    login page with the message.
    """
    username = (credentials or {}).get("username") or ""
    until = locked_until(username, getattr(request, "axes_ip_address", None) or client_ip(request))
    message = lockout_message(until)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out",
                             "locked_until": until.isoformat() if until else None}, status=429)
    if original_response is not None and getattr(request, "lockout_shown", False):
        original_response.status_code = 429
        return original_response
    form = LoginForm(request)
    return render(request, "accounts/login.html", {"form": form, "lockout_message": message}, status=429)
