"""Login, password changes, two-step verification and the administrators' user list."""
from base64 import b32encode
from binascii import unhexlify

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from dangjian.core.forms import add_service_errors

from . import services
from .forms import LoginForm, OtpCodeForm, PasswordResetForm
from .lockout import client_ip, lockouts_by_username
from .models import User
from .requirements import otp_required, otp_state
from .services import user_password_reset
from .signals import OTP_STATE


class LoginView(auth_views.LoginView):
    """The login page: a password, and single sign-on when it is configured. Says why a session ended
    (``?expired=1``) and when a locked user name may try again."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            expired=self.request.GET.get("expired") == "1", sso_enabled=settings.SSO_OIDC_ENABLED, **kwargs)


def _require_admin(user):
    if not user.is_superuser:
        raise PermissionDenied


@login_required
def user_list(request):
    """Users with their roles, for system administrators."""
    _require_admin(request.user)
    users = User.objects.prefetch_related("role_assignments__organization").order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    locked = lockouts_by_username([u.username for u in page])
    for u in page:
        u.lockouts = locked.get(u.username, [])
    return render(request, "accounts/user_list.html", {"nav": "users", "page_obj": page, "q": q})


@login_required
@require_POST
def user_unlock_view(request, pk):
    """An administrator lifts the lockout of a user name (at every address)."""
    _require_admin(request.user)
    target = get_object_or_404(User, pk=pk)
    services.user_unlock(actor=request.user, user=target)
    messages.success(request, _("%(user)s can log in again.") % {"user": target})
    return redirect("accounts:users")


@login_required
def user_password_reset_view(request, pk):
    """An administrator sets a new password for a user, without e-mail."""
    _require_admin(request.user)
    target = get_object_or_404(User, pk=pk)
    form = PasswordResetForm(request.POST or None, user=target)
    if request.method == "POST" and form.is_valid():
        user_password_reset(actor=request.user, user=target, password=form.cleaned_data["password"])
        messages.success(request, _("The password of %(user)s has been reset.") % {"user": target})
        return redirect("accounts:users")
    return render(request, "accounts/password_reset.html", {"nav": "users", "form": form, "target": target})


# Two-step verification (两步验证) ----------------------------------------------------------------

def _refresh_otp_state(request):
    request.session[OTP_STATE] = otp_state(request.user)


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(default)


@login_required
def otp_overview(request):
    """Whether two-step verification is on for me, with the way to turn it on or off."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    backup = StaticDevice.objects.filter(user=request.user, confirmed=True).first()
    return render(request, "accounts/otp_overview.html", {
        "device": device, "backup_left": backup.token_set.count() if backup else 0,
        "required": otp_required(request.user), "form": OtpCodeForm()})


@login_required
def otp_setup(request):
    """Scan a QR code with an authenticator app, type its code; then the backup codes are shown once.

    The secret stays in the session until the code is confirmed, so opening the page writes nothing.
    """
    key = request.session.get("accounts_otp_setup_key")
    if not key:
        key = request.session["accounts_otp_setup_key"] = random_hex(20)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.otp_enable(user=request.user, key=key, token=form.cleaned_data["token"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            services.otp_failed(user=request.user, address=client_ip(request) or "", where=request.path)
        else:
            del request.session["accounts_otp_setup_key"]
            otp_login(request, TOTPDevice.objects.get(user=request.user, confirmed=True))
            _refresh_otp_state(request)
            return render(request, "accounts/otp_backup_codes.html", {"codes": codes})
    device = TOTPDevice(user=request.user, key=key, name="")
    secret = b32encode(unhexlify(key.encode())).decode()
    return render(request, "accounts/otp_setup.html", {
        "form": form, "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "already_on": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        "required": otp_required(request.user)})


@login_required
def otp_verify(request):
    """The second step after the password: a code from the app, or one of the backup codes."""
    form = OtpCodeForm(request.POST or None)
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    if request.method == "POST" and form.is_valid() and has_device:
        device = match_token(request.user, form.cleaned_data["token"].replace(" ", "").lower())
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        services.otp_failed(user=request.user, address=client_ip(request) or "", where=request.path)
        form.add_error("token", ValidationError(
            _("The code is not right. Type the six digits your app shows now, or a backup code."), code="otp_invalid"))
    return render(request, "accounts/otp_verify.html", {
        "form": form, "has_device": has_device, "next": _safe_next(request)})


@login_required
@require_POST
def otp_disable(request):
    """Turn two-step verification off (with a current code); refused where the user's role requires it."""
    if otp_required(request.user):
        messages.error(request, _("Your role requires two-step verification: it cannot be turned off."))
        return redirect("accounts:otp")
    form = OtpCodeForm(request.POST)
    if form.is_valid():
        try:
            services.otp_disable(actor=request.user, user=request.user, token=form.cleaned_data["token"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _refresh_otp_state(request)
            messages.success(request, _("Two-step verification is off."))
            return redirect("accounts:otp")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    backup = StaticDevice.objects.filter(user=request.user, confirmed=True).first()
    return render(request, "accounts/otp_overview.html", {
        "device": device, "form": form, "required": False, "backup_left": backup.token_set.count() if backup else 0},
        status=400)


def sso_refused(request):
    """Single sign-on recognized the person but the platform has no account for them (or sign-on failed)."""
    return render(request, "accounts/sso_refused.html", {"unknown": request.session.pop("sso_refused", False)})
