"""Audit of sign-ins: every success, failure and lockout goes to the audit log (等保 2.0), and the
``security_version`` of a user whose roles or two-step devices change.

Only sign-ins over the network are recorded, that is requests with a client address; the test
client's ``force_login``/``login`` and the shell have none. These receivers run after
django-axes' own (``axes`` comes before ``accounts`` in ``INSTALLED_APPS``), so its verdict on
the attempt — counted, locked now, refused while locked — is on the request.
"""
import time

from axes.signals import user_locked_out  # noqa: F401  (axes' receivers are connected by importing it)
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .lockout import client_ip
from .models import RoleAssignment, bump_security_version

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


# What sign-in demands (OTP_REQUIRED_ROLES, a confirmed device) depends on roles and devices: when they
# change, the user's sessions re-check it at their next request (SignInRequirementsMiddleware).

@receiver(post_save, sender=RoleAssignment, dispatch_uid="accounts_role_saved_version")
@receiver(post_delete, sender=RoleAssignment, dispatch_uid="accounts_role_deleted_version")
def on_role_changed(sender, instance, **kwargs):
    bump_security_version(instance.user_id)


@receiver(pre_save, sender=TOTPDevice, dispatch_uid="accounts_totp_confirmed_check")
@receiver(pre_save, sender=StaticDevice, dispatch_uid="accounts_static_confirmed_check")
def on_device_saving(sender, instance, **kwargs):
    # Devices are saved at every verification (throttling counters): only a change of ``confirmed``
    # (or the owner) matters, so remember whether it changed.
    if instance.pk is None:
        instance._security_changed = True
        return
    before = sender.objects.filter(pk=instance.pk).values("confirmed", "user_id").first()
    instance._security_changed = before != {"confirmed": instance.confirmed, "user_id": instance.user_id}
    if before and before["user_id"] != instance.user_id:
        bump_security_version(before["user_id"])


@receiver(post_save, sender=TOTPDevice, dispatch_uid="accounts_totp_saved_version")
@receiver(post_save, sender=StaticDevice, dispatch_uid="accounts_static_saved_version")
def on_device_saved(sender, instance, created, **kwargs):
    if created or getattr(instance, "_security_changed", False):
        bump_security_version(instance.user_id)


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="accounts_totp_deleted_version")
@receiver(post_delete, sender=StaticDevice, dispatch_uid="accounts_static_deleted_version")
def on_device_deleted(sender, instance, **kwargs):
    bump_security_version(instance.user_id)
