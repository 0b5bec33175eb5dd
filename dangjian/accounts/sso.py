"""Single sign-on (统一身份认证): the one mapping from a provider's claims to a local user.

The platform never creates accounts or roles from a sign-on: an administrator creates the user
and grants roles as for anyone else, and either stores the person's identifier at the provider
in ``User.sso_subject`` or relies on the provider's user name matching the local one. A person
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


def user_for_claims(claims: dict, *, request=None) -> User | None:
    """The local, active user the provider's ``claims`` name, or None.

    First by the stored subject (``User.sso_subject == claims["sub"]``); else by user name
    (``SSO_OIDC_USERNAME_CLAIM``, default ``preferred_username``; empty turns this off) for a user
    not yet bound to another subject, whose subject is then stored so later sign-ons match by it.
    A refusal is noted on ``request`` for the audit entry and the refusal page.
    """
    subject = str(claims.get("sub") or "").strip()
    user = None
    if subject:
        user = User.objects.filter(sso_subject=subject, is_active=True).first()
        claim = getattr(settings, "SSO_OIDC_USERNAME_CLAIM", "preferred_username")
        username = str(claims.get(claim) or "").strip() if claim else ""
        if user is None and username:
            with transaction.atomic():
                user = (User.objects.select_for_update().filter(username=username, is_active=True, sso_subject__isnull=True)
                        .first())
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
