"""Audit of sign-ins: every success, failure and lockout goes to the audit log (等保 2.0).

Only sign-ins over the network are recorded, that is requests with a client address; the test
client's ``force_login``/``login`` and the shell have none. These receivers run after
django-axes' own (``axes`` comes before ``accounts`` in ``INSTALLED_APPS``), so its verdict on
the attempt — counted, locked now, refused while locked — is on the request.
"""
import time

from axes.signals import user_locked_out  # noqa: F401  (axes' receivers are connected by importing it)
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from . import services
from .lockout import client_ip

LAST_SEEN = "accounts_last_seen"
OTP_STATE = "accounts_otp"


def _from_network(request) -> bool:
    return request is not None and bool(request.META.get("REMOTE_ADDR"))


@receiver(user_logged_in, dispatch_uid="accounts_login_audit")
def on_logged_in(sender, request, user, **kwargs):
    if request is None:
        return
    session = getattr(request, "session", None)
    if session is not None:
        from .requirements import otp_state

        session[LAST_SEEN] = int(time.time())
        session[OTP_STATE] = otp_state(user)
    if _from_network(request):
        services.login_succeeded(user=user, address=client_ip(request) or "", where=request.path)


@receiver(user_login_failed, dispatch_uid="accounts_login_failed_audit")
def on_login_failed(sender, credentials, request=None, **kwargs):
    if not _from_network(request):
        return
    locked = bool(getattr(request, "axes_locked_out", False))
    inner = getattr(request, "_request", None)
    if inner is not None and locked:
        # A DRF request wraps the Django one, which axes' middleware reads: pass the verdict on.
        inner.axes_locked_out = True
        inner.axes_credentials = getattr(request, "axes_credentials", None) or credentials
        inner.axes_ip_address = getattr(request, "axes_ip_address", None)
    counted = getattr(request, "axes_failures_since_start", None) is not None
    sso_subject = getattr(request, "sso_refused_subject", None)
    services.login_failed(
        username=credentials.get("username"), address=client_ip(request) or "", where=request.path,
        locked_now=locked and counted, refused_while_locked=locked and not counted,
        detail=f"sso {sso_subject}" if sso_subject else "",
    )
