"""Session expiry and what a signed-in user must do first (second factor, an old password).

``SessionIdleMiddleware`` ends a session after ``SESSION_IDLE_MINUTES`` without a request (the
absolute limit is ``SESSION_COOKIE_AGE``): the next request goes to the login page, which says
why; an htmx request gets ``HX-Redirect`` so the whole page follows; the API answers 401.

``SignInRequirementsMiddleware`` sends a user who has two-step verification to the verify page
until they type a code, a user whose role requires it to the set-up page, and a user whose
password is too old to the change page. What the second factor demands is remembered in the
session and computed again when the user's ``security_version`` changed (a role granted, a device
added or removed). The API token endpoint checks the same before it gives a token
(``requirements.token_refusal``, used by ``core.api.ObtainTokenView``).
"""
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _

from .requirements import otp_state, otp_state_current, password_expired
from .signals import LAST_SEEN, OTP_STATE

# Write the time of the last request at most once a minute (each write is a session save).
TOUCH_SECONDS = 60


def send_to(request, url):
    """Redirect, in the form the client follows: a plain redirect, HX-Redirect for htmx, 401/403 for the API."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _api(request) -> bool:
    return request.path.startswith("/api/")


class SessionIdleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        minutes = settings.SESSION_IDLE_MINUTES
        if minutes > 0 and request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > minutes * 60:
                logout(request)
                if _api(request):
                    return JsonResponse({"detail": _("Your session ended after a time without use. Log in again."),
                                         "code": "session_expired"}, status=401)
                query = {"expired": "1"}
                if request.method == "GET" and not request.headers.get("HX-Request"):
                    query["next"] = request.get_full_path()
                return send_to(request, f"{resolve_url(settings.LOGIN_URL)}?{urlencode(query)}")
            if last is None or now - last >= TOUCH_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class SignInRequirementsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            redirect_to = self.requirement(request, user)
            if redirect_to:
                if _api(request):
                    return JsonResponse({"detail": _("Finish signing in on the web page first."),
                                         "code": "sign_in_incomplete"}, status=403)
                return send_to(request, redirect_to)
        return self.get_response(request)

    @staticmethod
    def exempt(request, *names) -> bool:
        path = request.path
        if path.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"):
            return True
        return any(path == reverse(name) for name in ("logout", "login", "healthz", *names))

    def requirement(self, request, user) -> str | None:
        """Where the user must go first, if anywhere."""
        state = request.session.get(OTP_STATE)
        if not otp_state_current(state, user):
            state = request.session[OTP_STATE] = otp_state(user)
        verified = getattr(user, "is_verified", lambda: False)()
        if state["device"] and not verified:
            if not self.exempt(request, "accounts:otp_verify"):
                return f"{reverse('accounts:otp_verify')}?{urlencode({'next': request.get_full_path()})}"
            return None
        if state["required"] and not state["device"]:
            if not self.exempt(request, "accounts:otp_setup"):
                return reverse("accounts:otp_setup")
            return None
        if password_expired(user) and not self.exempt(request, "password_change", "password_change_done"):
            return f"{reverse('password_change')}?expired=1"
        return None
