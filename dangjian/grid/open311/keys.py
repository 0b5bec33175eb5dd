"""API keys of Open311 client applications: registering a client (the key is shown once; only its
SHA-256 hash and first 8 characters are kept), revoking it, and finding the client of a key.

Only system administrators and organizers manage clients: the ``delete`` action over the
client's organization (or a superuser)."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import user_scope
from dangjian.core.audit import audit_log

from ..models import Open311Client


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def may_manage(user, organization=None) -> bool:
    """Whether ``user`` manages Open311 clients (at ``organization``, or anywhere when None)."""
    if user is None or not user.is_authenticated:
        return False
    scope = user_scope(user, "delete")
    if scope.everything:
        return True
    if organization is None:
        return bool(scope.paths)
    return any(organization.path.startswith(p) for p in scope.paths)


def managed_clients(user):
    """The clients ``user`` manages: those taking requests in within the user's ``delete`` scope."""
    scope = user_scope(user, "delete")
    clients = Open311Client.objects.select_related("organization", "created_by")
    if scope.everything:
        return clients
    if not scope.paths:
        return clients.none()
    q = Q(pk__in=[])
    for path in scope.paths:
        q |= Q(organization__path__startswith=path)
    return clients.filter(q)


def open311_client_create(*, actor, name: str, organization, contact: str = "") -> tuple[Open311Client, str]:
    """Register a client application; returns the client and its key, which is never shown again."""
    if not may_manage(actor, organization):
        raise PermissionDenied
    name, contact = (name or "").strip(), (contact or "").strip()
    if not name:
        raise ValidationError({"name": _("Please name the application.")})
    if organization is None:
        raise ValidationError({"organization": _("Please choose where its requests are taken in.")})
    plain = secrets.token_urlsafe(32)
    with transaction.atomic():
        client = Open311Client.objects.create(
            name=name[:100], contact=contact[:200], organization=organization, key_prefix=plain[:8],
            key_hash=key_hash(plain), created_by=actor if getattr(actor, "pk", None) else None)
        audit_log(actor=actor, action="open311_client.created", obj=client, organization=organization,
                  changes={"name": client.name, "key_prefix": client.key_prefix})
    return client, plain


def open311_client_revoke(*, actor, client: Open311Client, note: str = "") -> Open311Client:
    """Revoke a client's key: its calls are refused from now on; requests it filed stay."""
    if not may_manage(actor, client.organization):
        raise PermissionDenied
    if not client.active:
        raise ValidationError(_("This key has already been revoked."))
    with transaction.atomic():
        client.active, client.revoked_at = False, timezone.now()
        client.save(update_fields=["active", "revoked_at"])
        audit_log(actor=actor, action="open311_client.revoked", obj=client, organization=client.organization,
                  changes={"key_prefix": client.key_prefix}, note=note)
    return client


def client_for_key(key: str | None) -> Open311Client | None:
    """The active client holding ``key``, or None (unknown or revoked key)."""
    if not key or len(key) > 200:
        return None
    digest = key_hash(key)
    client = Open311Client.objects.select_related("organization").filter(key_hash=digest, active=True).first()
    if client is None or not hmac.compare_digest(client.key_hash, digest):
        return None
    return client
