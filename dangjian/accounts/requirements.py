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
    """What the session remembers from sign-in: whether the user has a confirmed device and must have one.

    Kept in the session so that ordinary requests cost no query; the two-step pages refresh it.
    """
    return {"device": user_has_device(user, confirmed=True), "required": otp_required(user)}


def password_expired(user, now=None) -> bool:
    """Whether ``user``'s password is older than ``PASSWORD_MAX_AGE_DAYS`` (never, when that is 0).

    Users whose password has no recorded date (set before the date was kept) count from the
    migration that added it.
    """
    days = settings.PASSWORD_MAX_AGE_DAYS
    if days <= 0 or not user.is_authenticated or not user.password_changed_at:
        return False
    return (now or timezone.now()) - user.password_changed_at > timedelta(days=days)
