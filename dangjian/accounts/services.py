"""Writes to accounts: users, roles, password resets, sign-ins, lockouts and the second factor."""
import time
from binascii import unhexlify

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.core.audit import audit_log

from .models import RoleAssignment, User

BACKUP_CODE_COUNT = 10


def role_grant(*, actor, user: User, role: str, organization=None) -> RoleAssignment:
    """Give ``user`` a role over ``organization``'s subtree."""
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, organization=organization)
        if created:
            audit_log(actor=actor, action="role.granted", obj=user, organization=organization,
                      changes={"role": role})
    user.__dict__.pop("_scope_cache", None)
    user.__dict__.pop("_role_rows", None)
    return assignment


def user_password_reset(*, actor, user: User, password: str) -> None:
    """An administrator sets a new password (no e-mail needed); logged, the password is not."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password", "password_changed_at"])
        audit_log(actor=actor, action="user.password_reset", obj=user)


# Sign-ins (等保: every sign-in, failed sign-in and lockout is audited) ---------------------------

def login_succeeded(*, user: User, address: str, where: str) -> None:
    """A user signed in (password, single sign-on or API token) from ``address``."""
    with transaction.atomic():
        audit_log(actor=user, action="user.logged_in", obj=user, note=f"{address} · {where}")


def masked_username(username: str) -> str:
    """What the audit keeps of a user name nobody has: its first two characters and its length.

    The name field often holds a password typed into the wrong box, so it is never stored whole.
    """
    return f"{username[:2]}…({len(username)})"


def login_failed(*, username: str | None, address: str, where: str, locked_now: bool = False,
                 refused_while_locked: bool = False, detail: str = "") -> None:
    """A sign-in failed: a wrong password, a refusal for the second factor or an old password, or an
    unknown single sign-on subject.

    ``locked_now``: this failure reached the limit and locked the user name at this address
    (recorded as ``user.locked_out``). The actor is unknown: whoever typed the password. The entry
    names the user when the name is one (``changes["user"]`` is their id), else keeps only a masked
    form of what was typed (``changes["username"]``). A refusal while the name is locked writes no
    entry (``refused_while_locked``): django-axes counts those, and a flood of them would flood the log.
    """
    if refused_while_locked:
        return
    user = User.objects.filter(username=username).first() if username else None
    changes = {"user": user.pk} if user is not None else {"username": masked_username(username or "")}
    parts = [address, where]
    if detail:
        parts.append(detail)
    with transaction.atomic():
        audit_log(actor=None, action="user.locked_out" if locked_now else "user.login_failed", obj=user,
                  changes=changes, note=" · ".join(parts))


def user_unlock(*, actor, user: User) -> int:
    """An administrator lifts a lockout of ``user`` (every address); returns how many were lifted."""
    from axes.utils import reset

    with transaction.atomic():
        count = reset(username=user.username)
        audit_log(actor=actor, action="user.unlocked", obj=user, changes={"lockouts": count})
    return count


# The second factor (TOTP, 动态口令) -------------------------------------------------------------

def totp_matches(key_hex: str, token: str) -> bool:
    """Whether ``token`` is the current code (or one step either side) of the secret ``key_hex``."""
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit() or len(token) != 6:
        return False
    totp = TOTP(unhexlify(key_hex.encode()))
    totp.time = time.time()
    return totp.verify(int(token), tolerance=1)


def otp_enable(*, user: User, key: str, token: str) -> list[str]:
    """Turn on two-step verification with the secret ``key`` the user scanned, once they type its
    current code. Replaces any earlier device; returns the new one-time backup codes (shown once)."""
    if not totp_matches(key, token):
        raise ValidationError({"token": _("The code is not right. Type the six digits your app shows now.")},
                              code="otp_invalid")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name=_("Authenticator app"), key=key, confirmed=True)
        backup = StaticDevice.objects.create(user=user, name=_("Backup codes"), confirmed=True)
        codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
        audit_log(actor=user, action="user.otp_enabled", obj=user)
    return codes


def otp_disable(*, actor, user: User, token: str) -> None:
    """Turn off two-step verification; the user proves it is them with a current code of the app."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not device.verify_token((token or "").strip()):
        otp_failed(user=user, address="", where="disable")
        raise ValidationError({"token": _("The code is not right. Type the six digits your app shows now.")},
                              code="otp_invalid")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_log(actor=actor, action="user.otp_disabled", obj=user)


def otp_failed(*, user: User, address: str, where: str) -> None:
    """A wrong second-factor code was typed for ``user``."""
    with transaction.atomic():
        audit_log(actor=user, action="user.otp_failed", obj=user, note=" · ".join(p for p in (address, where) if p))
