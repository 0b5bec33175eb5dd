"""Single sign-on (统一身份认证): the one mapping from a provider's claims to a local user.

The platform never creates accounts or roles from a sign-on: an administrator creates the user
and grants roles as for anyone else, and stores the person's identifier at the provider in
``User.sso_subject``. Only where ``SSO_OIDC_MATCH_USERNAME`` is on may a first sign-on bind an
ordinary account whose user name equals the provider's claim (never a superuser, staff, or a holder
of a role in ``OTP_REQUIRED_ROLES``: a provider account named ``admin`` must not become the
administrator). A person
the provider knows but the platform does not is sent to a page that says so ("本平台没有您的账号,
请联系系统管理员"), and the refusal is audited like a failed login.

OpenID Connect (on when every ``SSO_OIDC_*`` setting is present, see config/settings/base.py)
goes through mozilla-django-oidc: ``OIDCBackend`` below only replaces how a user is found.

A CAS server (many provincial 政务 portals speak CAS) plugs into the same mapping with
django-cas-ng: install it, add ``django_cas_ng`` to ``INSTALLED_APPS`` and its login/logout
views to the URLs, set ``CAS_SERVER_URL``, ``CAS_VERSION = "3"``, ``CAS_CREATE_USER = False``, and
use a backend such as::

    class CASBackend(django_cas_ng.backends.CASBackend):
        def authenticate(self, request, ticket, service):
            client = django_cas_ng.utils.get_cas_client(service_url=service, request=request)
            username, attributes, _ = client.verify_ticket(ticket)
            if not username:
                return None
            claims = {"sub": username, "preferred_username": attributes.get("uid", username)}
            return user_for_claims(claims, request=request)

(CAS has no separate subject, so its user name serves as ``sub``.) The audit receivers and the
refusal page then work unchanged.
"""
import logging

from django.conf import settings
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .models import User

log = logging.getLogger(__name__)


def _claimed_username(claims: dict) -> str:
    """The local user name a first sign-on may bind to, or "" when binding by name is not allowed.

    Off unless ``SSO_OIDC_MATCH_USERNAME``; the claim is ``SSO_OIDC_USERNAME_CLAIM``; an e-mail claim
    counts only when the provider says it verified the address (``email_verified``).
    """
    if not getattr(settings, "SSO_OIDC_MATCH_USERNAME", False):
        return ""
    claim = getattr(settings, "SSO_OIDC_USERNAME_CLAIM", "preferred_username")
    if not claim:
        return ""
    if "email" in claim.lower() and claims.get("email_verified") not in (True, "true", "True"):
        return ""
    return str(claims.get(claim) or "").strip()


def may_bind_by_name(user: User) -> bool:
    """Whether a first sign-on may bind ``user`` by user name: not administrators, staff or holders of a
    role that requires two-step verification; those are bound by an administrator setting ``sso_subject``."""
    if user.is_superuser or user.is_staff:
        return False
    roles = settings.OTP_REQUIRED_ROLES
    return not (roles and user.role_assignments.filter(role__in=roles).exists())


def user_for_claims(claims: dict, *, request=None) -> User | None:
    """The local, active user the provider's ``claims`` name, or None.

    By the stored subject (``User.sso_subject == claims["sub"]``). Where binding by name is on (see
    ``_claimed_username``), a first sign-on may also match an ordinary user (``may_bind_by_name``) not
    yet bound to another subject, whose subject is then stored so later sign-ons match by it.
    A refusal is noted on ``request`` for the audit entry and the refusal page.
    """
    subject = str(claims.get("sub") or "").strip()
    user = None
    if subject:
        user = User.objects.filter(sso_subject=subject, is_active=True).first()
        username = _claimed_username(claims)
        if user is None and username:
            with transaction.atomic():
                user = (User.objects.select_for_update().filter(username=username, is_active=True, sso_subject__isnull=True)
                        .first())
                if user is not None and not may_bind_by_name(user):
                    log.warning("Single sign-on: %s may not be bound by user name; set sso_subject instead.", username)
                    user = None
                if user is not None:
                    user.sso_subject = subject
                    user.save(update_fields=["sso_subject"])
    if user is None and request is not None:
        request.sso_refused_subject = subject or "?"
        if hasattr(request, "session"):
            request.session["sso_refused"] = True
    return user


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, finding users through ``user_for_claims`` and never creating them."""

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        user = user_for_claims(claims, request=getattr(self, "request", None))
        return [user] if user is not None else User.objects.none()

    def create_user(self, claims):  # never reached with OIDC_CREATE_USER = False; refuse all the same
        return None

    def get_or_create_user(self, access_token, id_token, payload):
        user_info = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(user_info):
            log.warning("Single sign-on: the provider sent no subject.")
            return None
        users = self.filter_users_by_claims(user_info)
        return self.update_user(users[0], user_info) if len(users) == 1 else None
