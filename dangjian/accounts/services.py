"""Writes to accounts: users, roles, password resets."""
from django.db import transaction

from dangjian.core.audit import audit_log

from .models import RoleAssignment, User


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
        user.save(update_fields=["password"])
        audit_log(actor=actor, action="user.password_reset", obj=user)
