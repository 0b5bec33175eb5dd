"""What a signed-in user must do before anything else: verify the second factor, set it up when
their role requires it, change a password that is too old."""
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_otp import user_has_device


def otp_required(user) -> bool:
    """Whether ``user`` must use two-step verification: they hold one of ``OTP_REQUIRED_ROLES``, or are a
    superuser while ``OTP_REQUIRED_FOR_ADMINS`` is on."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and settings.OTP_REQUIRED_FOR_ADMINS:
        return True
    roles = settings.OTP_REQUIRED_ROLES
    return bool(roles) and user.role_assignments.filter(role__in=roles).exists()


def otp_state(user) -> dict:
    """What the session remembers from sign-in: whether the user has a confirmed device and must have one,
    and the user's ``security_version`` it was computed at.

    Kept in the session so that ordinary requests cost no query: the middleware compares the version
    with the one on the user loaded for the request and computes the state again when roles or devices
    changed since (a role granted later applies at the next request, not the next login).
    """
    from .models import User

    version = User.objects.filter(pk=user.pk).values_list("security_version", flat=True).first()
    return {"device": user_has_device(user, confirmed=True), "required": otp_required(user), "version": version}


def otp_state_current(state, user) -> bool:
    """Whether a remembered ``otp_state`` still holds for ``user`` (as loaded for this request)."""
    return bool(state) and state.get("version") is not None and state["version"] == getattr(
        user, "security_version", None)


def password_expired(user, now=None) -> bool:
    """Whether ``user``'s password is older than ``PASSWORD_MAX_AGE_DAYS`` (never, when that is 0).

    Every save that sets a password dates it (``User.save``), and the migrations dated the passwords
    of existing users, so a password without a date is only one written around the model (a bulk
    insert, as the demo data does); it is not counted.
    """
    days = settings.PASSWORD_MAX_AGE_DAYS
    if days <= 0 or not user.is_authenticated or not user.password_changed_at:
        return False
    return (now or timezone.now()) - user.password_changed_at > timedelta(days=days)


def token_refusal(user) -> tuple[str, str] | None:
    """Why ``user``, whose password was right, gets no API token for it: ``(code, message)``, or None.

    Two-step users (with a device, or whose role requires one) get tokens from an administrator only;
    a password past its maximum age must be changed on the web page first.
    """
    from django.utils.translation import gettext as _

    if user_has_device(user, confirmed=True) or otp_required(user):
        return "otp_required", _("This account uses two-step verification: API tokens are given by an "
                                 "administrator, not for a password alone.")
    if password_expired(user):
        return "password_expired", _("Your password is too old. Change it on the web page, then ask for a "
                                     "token again.")
    return None
