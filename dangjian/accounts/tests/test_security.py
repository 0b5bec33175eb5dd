"""Sign-in security: lockout, password rules and age, idle sessions, TOTP and single sign-on."""
import time
from binascii import unhexlify
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import gettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from dangjian.accounts.lockout import locked_until, lockout_message
from dangjian.accounts.models import User
from dangjian.accounts.signals import LAST_SEEN
from dangjian.core.models import AuditEntry

PASSWORD = "dangjian-demo"


def actions(**filters):
    return list(AuditEntry.objects.filter(action__startswith="user.", **filters).order_by("id")
                .values_list("action", flat=True))


def code_for(key_hex, *, ahead=0):
    totp = TOTP(unhexlify(key_hex.encode()))
    totp.time = time.time() + 30 * ahead
    return f"{totp.token():06d}"


# Lockout -----------------------------------------------------------------------------------------

def test_five_failures_lock_the_name_at_that_address_until_an_administrator_unlocks(client, client_for, personas):
    branch = personas["branch"]
    for _ in range(4):
        response = client.post("/login/", {"username": "branch", "password": "wrong"})
        assert response.status_code == 200 and "请输入一个正确的" in response.content.decode()
    response = client.post("/login/", {"username": "branch", "password": "wrong"})
    until = locked_until("branch", "127.0.0.1")
    assert until is not None and timedelta(minutes=29) < until - timezone.now() <= timedelta(minutes=30)
    assert response.status_code == 429
    assert lockout_message(until) in response.content.decode()
    assert timezone.localtime(until).strftime("%H:%M") in response.content.decode()
    # The right password no longer helps from this address, and the lockout is not extended.
    response = client.post("/login/", {"username": "branch", "password": PASSWORD})
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert locked_until("branch", "127.0.0.1") == until
    # Tries while locked are counted by django-axes but write no audit entry (no log flooding).
    assert actions(object_id=str(branch.pk)) == ["user.login_failed"] * 4 + ["user.locked_out"]
    for _ in range(3):
        assert client.post("/login/", {"username": "branch", "password": "wrong"}).status_code == 429
    assert actions(object_id=str(branch.pk)) == ["user.login_failed"] * 4 + ["user.locked_out"]
    failed = AuditEntry.objects.filter(action="user.login_failed", object_id=str(branch.pk)).order_by("id").last()
    assert "127.0.0.1" in failed.note and failed.actor is None and failed.changes == {"user": branch.pk}
    # Another address is not locked (the lock is the user name at one address).
    assert client.post("/login/", {"username": "branch", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3").status_code == 302
    client.logout()

    admin = client_for("admin")
    page = admin.get("/accounts/users/", {"q": "branch"}).content.decode()
    assert f"/accounts/users/{branch.pk}/unlock/" in page and "user-locked" in page
    assert admin.get(f"/accounts/users/{branch.pk}/unlock/").status_code == 405
    assert client_for("organizer").post(f"/accounts/users/{branch.pk}/unlock/").status_code == 403
    admin = client_for("admin")
    assert admin.post(f"/accounts/users/{branch.pk}/unlock/").status_code == 302
    entry = AuditEntry.objects.get(action="user.unlocked", object_id=str(branch.pk))
    assert entry.actor == personas["admin"]
    assert locked_until("branch", "127.0.0.1") is None
    admin.logout()
    assert client.post("/login/", {"username": "branch", "password": PASSWORD}).status_code == 302


def test_success_clears_the_count_and_is_audited(client, personas):
    for _ in range(4):
        client.post("/login/", {"username": "member", "password": "wrong"})
    assert client.post("/login/", {"username": "member", "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(4):
        client.post("/login/", {"username": "member", "password": "wrong"})
    assert locked_until("member", "127.0.0.1") is None
    entry = AuditEntry.objects.get(action="user.logged_in", object_id=str(personas["member"].pk))
    assert entry.actor == personas["member"] and "127.0.0.1" in entry.note and "/login/" in entry.note


def test_unknown_names_are_counted_and_locked_too(client, db):
    for _ in range(5):
        response = client.post("/login/", {"username": "no-such-person", "password": "x"})
    assert response.status_code == 429
    assert AuditEntry.objects.filter(action="user.locked_out", changes__username="no…(14)").count() == 1


def test_a_password_typed_as_the_user_name_is_not_kept_in_the_audit_log(client, db):
    typed = "Hongqi-2026-piao"  # a password typed into the user-name box
    client.post("/login/", {"username": typed, "password": "x"})
    entry = AuditEntry.objects.filter(action="user.login_failed").order_by("id").last()
    assert entry.changes == {"username": "Ho…(16)"} and entry.object_id in ("", None)
    assert not AuditEntry.objects.filter(changes__icontains=typed).exists()
    assert not AuditEntry.objects.filter(note__icontains=typed).exists()


def test_successful_logins_leave_no_axes_access_log(client, personas):
    from axes.models import AccessLog

    assert client.post("/login/", {"username": "member", "password": PASSWORD}).status_code == 302
    assert not AccessLog.objects.exists()


def test_the_api_token_endpoint_counts_failures_the_same_way(client, personas):
    url = "/api/v1/auth/token/"
    for _ in range(4):
        assert client.post(url, {"username": "community", "password": "wrong"}).status_code == 400
    # One more failure on the login page locks it for the API as well: one count for both.
    assert client.post("/login/", {"username": "community", "password": "wrong"}).status_code == 429
    tokens = Token.objects.count()
    response = client.post(url, {"username": "community", "password": PASSWORD})
    assert response.status_code == 429 and response.json()["code"] == "locked_out"
    assert Token.objects.count() == tokens
    assert response.json()["locked_until"]


def test_an_api_token_sign_in_is_audited(client, personas):
    response = client.post("/api/v1/auth/token/", {"username": "member", "password": PASSWORD})
    assert response.status_code == 200 and response.json()["token"]
    assert actions(object_id=str(personas["member"].pk)) == ["user.logged_in"]


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_an_expired_password_gets_no_api_token(client, personas):
    member = personas["member"]
    User.objects.filter(pk=member.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    response = client.post("/api/v1/auth/token/", {"username": "member", "password": PASSWORD})
    assert response.status_code == 403 and response.json()["code"] == "password_expired"
    assert not Token.objects.filter(user=member).exists()
    assert actions(object_id=str(member.pk)) == ["user.login_failed"]
    assert "password_expired" in AuditEntry.objects.get(action="user.login_failed", object_id=str(member.pk)).note


def test_test_client_login_and_force_login_still_work(client, personas):
    assert client.login(username="branch", password=PASSWORD)
    assert client.get("/").status_code == 200
    client.logout()
    client.force_login(personas["branch"])
    assert client.get("/").status_code == 200
    assert authenticate(username="branch", password=PASSWORD) == personas["branch"]


def test_the_admin_site_login_counts_too(client, db):
    for _ in range(5):
        response = client.post("/django-admin/login/", {"username": "admin", "password": "wrong"})
    assert response.status_code == 429
    assert "lockout-message" in response.content.decode()


# Password rules ----------------------------------------------------------------------------------

@pytest.mark.parametrize("password, ok", [
    ("hongqipiaopiao", False),  # lower only
    ("hongqi2026piao", False),  # lower and digits
    ("hongqi-2026-piao", True),  # lower, digits, symbols
    ("Hongqi2026Piao", True),  # lower, upper, digits
    ("HONGQI-piao-piao", True),  # upper, lower, symbols
])
def test_complexity_needs_three_kinds_of_character(password, ok, personas):
    if ok:
        validate_password(password, personas["member"])
    else:
        with pytest.raises(ValidationError) as raised:
            validate_password(password, personas["member"])
        assert "password_too_simple" in [e.code for e in raised.value.error_list]


def test_a_simple_password_is_refused_on_the_change_page(client_for, personas):
    client = client_for("member")
    response = client.post("/password/", {"old_password": PASSWORD, "new_password1": "hongqi2026piao",
                                          "new_password2": "hongqi2026piao"})
    assert response.status_code == 200
    assert gettext("Your password must contain at least three of: lower-case letters, upper-case letters, digits, "
                   "symbols.") in response.content.decode()
    assert authenticate(username="member", password=PASSWORD) is not None


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_an_old_password_must_be_changed_before_anything_else(client, personas):
    member = personas["member"]
    User.objects.filter(pk=member.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    assert client.post("/login/", {"username": "member", "password": PASSWORD}).status_code == 302
    for path in ("/", "/members/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/password/?expired=1"
    assert client.get("/password/?expired=1").status_code == 200
    response = client.post("/password/", {"old_password": PASSWORD, "new_password1": "Hongqi-2026-piao",
                                          "new_password2": "Hongqi-2026-piao"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert timezone.now() - member.password_changed_at < timedelta(minutes=1)
    assert client.get("/").status_code == 200


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_every_way_of_setting_a_password_dates_it(db):
    from django.contrib.auth.hashers import make_password

    before = timezone.now()
    created = User.objects.create_user("wang", password="Hongqi-2026-piao")
    superuser = User.objects.create_superuser("root2", password="Hongqi-2026-piao")
    for user in (created, superuser):
        assert User.objects.get(pk=user.pk).password_changed_at >= before
    # A hash assigned directly (as createsuperuser's or a script's) is dated too; other saves keep the date.
    old = timezone.now() - timedelta(days=100)
    User.objects.filter(pk=created.pk).update(password_changed_at=old)
    user = User.objects.get(pk=created.pk)
    user.full_name = "王"
    user.save()
    assert User.objects.get(pk=created.pk).password_changed_at == old
    user.password = make_password("Hongqi-2027-piao")
    user.save(update_fields=["password"])
    assert User.objects.get(pk=created.pk).password_changed_at >= before


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_a_recent_password_is_left_alone(client_for, personas):
    User.objects.filter(pk=personas["member"].pk).update(password_changed_at=timezone.now() - timedelta(days=89))
    assert client_for("member").get("/").status_code == 200


# Idle sessions -----------------------------------------------------------------------------------

def idle(client, minutes):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - minutes * 60
    session.save()


def test_an_idle_session_ends_and_the_login_page_says_why(client_for):
    client = client_for("branch")
    idle(client, 29)
    assert client.get("/").status_code == 200
    idle(client, 31)
    response = client.get("/members/?q=x")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?expired=1&next=%2Fmembers%2F%3Fq%3Dx")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert gettext("Your session ended after a time without use. Log in again.") in page


def test_htmx_requests_on_an_idle_session_get_hx_redirect(client_for):
    client = client_for("branch")
    idle(client, 45)
    response = client.get("/members/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/login/?expired=1")


def test_the_session_cookie_lasts_eight_hours_at_most(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600 and settings.SESSION_IDLE_MINUTES == 30


# Two-step verification ---------------------------------------------------------------------------

def set_up_totp(client):
    page = client.get("/accounts/two-step/setup/")
    assert page.status_code == 200 and 'src="data:image/svg+xml' in page.content.decode()
    key = client.session["accounts_otp_setup_key"]
    response = client.post("/accounts/two-step/setup/", {"token": code_for(key)})
    assert response.status_code == 200
    return key, response


def test_setting_up_totp_needs_a_real_code_and_shows_ten_backup_codes(client_for, personas):
    client = client_for("branch")
    branch = personas["branch"]
    assert client.get("/accounts/two-step/setup/").status_code == 200
    assert not TOTPDevice.objects.filter(user=branch).exists()  # opening the page writes nothing
    response = client.post("/accounts/two-step/setup/", {"token": "123456"})
    assert response.status_code == 200 and not TOTPDevice.objects.filter(user=branch).exists()
    assert actions(object_id=str(branch.pk)) == ["user.otp_failed"]
    key, response = set_up_totp(client)
    device = TOTPDevice.objects.get(user=branch)
    assert device.confirmed and device.key == key
    codes = StaticDevice.objects.get(user=branch).token_set.values_list("token", flat=True)
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    assert "user.otp_enabled" in actions(object_id=str(branch.pk))
    assert client.get("/").status_code == 200  # verified by setting it up


def test_after_the_password_the_code_is_asked_for(client, client_for, personas):
    key, _ = set_up_totp(client_for("branch"))
    client.logout()
    assert client.post("/login/", {"username": "branch", "password": PASSWORD, "next": "/members/"}).status_code == 302
    response = client.get("/members/")
    assert response.status_code == 302 and response["Location"] == "/accounts/two-step/verify/?next=%2Fmembers%2F"
    assert client.get("/orgs/", HTTP_HX_REQUEST="true")["HX-Redirect"].startswith("/accounts/two-step/verify/")
    response = client.post("/accounts/two-step/verify/", {"token": "000000", "next": "/members/"})
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="user.otp_failed", object_id=str(personas["branch"].pk)).exists()
    assert client.get("/members/").status_code == 302
    time.sleep(1.1)  # django-otp slows guessing: after a wrong code the next one waits a second (doubling)
    response = client.post("/accounts/two-step/verify/", {"token": code_for(key, ahead=1), "next": "/members/"})
    assert response.status_code == 302 and response["Location"] == "/members/"
    assert client.get("/members/").status_code == 200


def test_a_backup_code_works_once(client, client_for, personas):
    set_up_totp(client_for("branch"))
    code = StaticDevice.objects.get(user=personas["branch"]).token_set.first().token
    for expected in (302, 200):
        client.logout()
        client.post("/login/", {"username": "branch", "password": PASSWORD})
        assert client.post("/accounts/two-step/verify/", {"token": code}).status_code == expected


def test_turning_totp_off_needs_a_current_code(client_for, personas):
    client = client_for("branch")
    key, _ = set_up_totp(client)
    assert client.get("/accounts/two-step/").status_code == 200
    assert client.post("/accounts/two-step/disable/", {"token": "000000"}).status_code == 400
    assert TOTPDevice.objects.filter(user=personas["branch"]).exists()
    time.sleep(1.1)  # the throttle after a wrong code
    assert client.post("/accounts/two-step/disable/", {"token": code_for(key, ahead=1)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=personas["branch"]).exists()
    assert not StaticDevice.objects.filter(user=personas["branch"]).exists()
    assert "user.otp_disabled" in actions(object_id=str(personas["branch"].pk))


def test_a_totp_user_gets_no_api_token_for_a_password_alone(client, client_for, personas):
    set_up_totp(client_for("member"))
    client.logout()
    response = client.post("/api/v1/auth/token/", {"username": "member", "password": PASSWORD})
    assert response.status_code == 403 and response.json()["code"] == "otp_required"
    # Refused before a token exists: none was created to be found or used later.
    assert not Token.objects.filter(user=personas["member"]).exists()
    assert "user.logged_in" not in actions(object_id=str(personas["member"].pk))


@override_settings(OTP_REQUIRED_ROLES=["organizer"])
def test_a_role_that_requires_totp_gets_no_api_token_either(client, personas):
    response = client.post("/api/v1/auth/token/", {"username": "organizer", "password": PASSWORD})
    assert response.status_code == 403 and response.json()["code"] == "otp_required"
    assert not Token.objects.filter(user=personas["organizer"]).exists()


@override_settings(OTP_REQUIRED_ROLES=["organizer"])
def test_roles_that_require_totp_set_it_up_before_anything_else(client, db):
    assert client.post("/login/", {"username": "organizer", "password": PASSWORD}).status_code == 302
    for path in ("/", "/members/", "/accounts/two-step/verify/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/two-step/setup/"
    assert client.get("/accounts/two-step/setup/").status_code == 200
    set_up_totp(client)
    assert client.get("/").status_code == 200
    # And it cannot be turned off.
    assert client.post("/accounts/two-step/disable/", {"token": "000000"}).status_code == 302
    assert TOTPDevice.objects.filter(user__username="organizer").exists()
    client.logout()
    assert client.post("/login/", {"username": "member", "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200  # members are not forced


@override_settings(OTP_REQUIRED_ROLES=["organizer"])
def test_a_role_granted_after_login_applies_at_the_next_request(client, personas, org):
    from dangjian.accounts.services import role_grant

    assert client.post("/login/", {"username": "member", "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200
    role_grant(actor=personas["admin"], user=personas["member"], role="organizer", organization=org["branch"])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/two-step/setup/"


def test_a_device_set_up_elsewhere_asks_open_sessions_for_the_code(client, personas):
    from django.test import Client

    assert client.post("/login/", {"username": "branch", "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200
    other = Client()
    other.force_login(personas["branch"])
    key, _ = set_up_totp(other)
    response = client.get("/members/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-step/verify/")
    # Verifying a code saves the device but changes nothing sign-in demands: no new version.
    version = User.objects.get(pk=personas["branch"].pk).security_version
    time.sleep(0.01)
    assert client.post("/accounts/two-step/verify/", {"token": code_for(key, ahead=1)}).status_code == 302
    assert User.objects.get(pk=personas["branch"].pk).security_version == version
    assert client.get("/members/").status_code == 200


@override_settings(OTP_REQUIRED_FOR_ADMINS=True)
def test_administrators_can_be_required_to_use_totp(client, db):
    client.post("/login/", {"username": "admin", "password": PASSWORD})
    assert client.get("/accounts/users/")["Location"] == "/accounts/two-step/setup/"


def test_by_default_nobody_is_forced(settings):
    assert settings.OTP_REQUIRED_ROLES == [] and settings.OTP_REQUIRED_FOR_ADMINS is False


# Single sign-on ----------------------------------------------------------------------------------

OIDC = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example.gov.cn/auth",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example.gov.cn/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.example.gov.cn/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.example.gov.cn/jwks",
    "OIDC_RP_CLIENT_ID": "dangjian",
    "OIDC_RP_CLIENT_SECRET": "secret",
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_RP_SCOPES": "openid profile",
    "OIDC_CREATE_USER": False,
    "LOGIN_REDIRECT_URL_FAILURE": "/sso/refused/",
    "SSO_OIDC_ENABLED": True,
    "ROOT_URLCONF": "dangjian.accounts.tests.sso_urls",
    "AUTHENTICATION_BACKENDS": ["dangjian.accounts.backends.LockoutBackend", "django.contrib.auth.backends.ModelBackend",
                                "dangjian.accounts.sso.OIDCBackend"],
}


def sso_callback(client, claims):
    """The provider sends the browser back with a code; its token and user-info answers are ``claims``."""
    session = client.session
    session["oidc_states"] = {"st": {"nonce": "nn", "code_verifier": None}}
    session.save()
    with mock.patch("dangjian.accounts.sso.OIDCBackend.get_token", return_value={"id_token": "i", "access_token": "a"}), \
            mock.patch("dangjian.accounts.sso.OIDCBackend.verify_token", return_value={"nonce": "nn"}), \
            mock.patch("dangjian.accounts.sso.OIDCBackend.get_userinfo", return_value=claims):
        return client.get("/oidc/callback/", {"code": "cc", "state": "st"})


@override_settings(**OIDC)
def test_sso_binds_no_one_by_user_name_by_default(client, personas):
    for name in ("admin", "branch"):
        response = sso_callback(client, {"sub": f"idp-{name}", "preferred_username": name})
        assert response["Location"] == "/sso/refused/" and "_auth_user_id" not in client.session
    assert not User.objects.filter(sso_subject__startswith="idp-").exists()
    # An administrator's stored subject is the link.
    User.objects.filter(pk=personas["branch"].pk).update(sso_subject="gov-4711")
    sso_callback(client, {"sub": "gov-4711"})
    assert client.session["_auth_user_id"] == str(personas["branch"].pk)


@override_settings(**OIDC, SSO_OIDC_MATCH_USERNAME=True, OTP_REQUIRED_ROLES=["organizer"])
def test_sso_by_user_name_never_binds_administrators_or_two_step_roles(client, personas):
    for name in ("admin", "organizer"):
        response = sso_callback(client, {"sub": f"idp-{name}", "preferred_username": name})
        assert response["Location"] == "/sso/refused/" and "_auth_user_id" not in client.session
        assert User.objects.get(username=name).sso_subject is None


@override_settings(**OIDC, SSO_OIDC_MATCH_USERNAME=True, SSO_OIDC_USERNAME_CLAIM="email")
def test_sso_by_e_mail_needs_a_verified_address(client, db):
    li = User.objects.create_user("li@example.gov.cn", password="Hongqi-2026-piao")
    claims = {"sub": "idp-li", "email": "li@example.gov.cn"}
    for unverified in ({}, {"email_verified": False}):
        assert sso_callback(client, {**claims, **unverified})["Location"] == "/sso/refused/"
    assert User.objects.get(pk=li.pk).sso_subject is None
    sso_callback(client, {**claims, "email_verified": True})
    assert client.session["_auth_user_id"] == str(li.pk)
    assert User.objects.get(pk=li.pk).sso_subject == "idp-li"


@override_settings(**OIDC, SSO_OIDC_MATCH_USERNAME=True)
def test_sso_signs_in_a_known_subject_and_binds_by_user_name_once(client, personas):
    assert "/oidc/authenticate/" in client.get("/login/").content.decode()
    response = sso_callback(client, {"sub": "gov-4711", "preferred_username": "branch"})
    assert response.status_code == 302 and response["Location"] != "/sso/refused/"
    assert client.session["_auth_user_id"] == str(personas["branch"].pk)
    assert User.objects.get(pk=personas["branch"].pk).sso_subject == "gov-4711"
    assert "/oidc/callback/" in AuditEntry.objects.filter(action="user.logged_in").order_by("id").last().note
    client.logout()
    # Later sign-ons match by the stored subject, whatever name the provider sends.
    sso_callback(client, {"sub": "gov-4711", "preferred_username": "someone-else"})
    assert client.session["_auth_user_id"] == str(personas["branch"].pk)


@override_settings(**OIDC)
def test_sso_refuses_unknown_people_without_creating_accounts(client, personas):
    users = User.objects.count()
    User.objects.filter(pk=personas["sibling"].pk).update(sso_subject="gov-1")
    for claims in ({"sub": "gov-9999", "preferred_username": "nobody"},
                   {"sub": "gov-2", "preferred_username": "sibling"}):  # sibling is bound to another subject
        response = sso_callback(client, claims)
        assert response.status_code == 302 and response["Location"] == "/sso/refused/"
        assert "_auth_user_id" not in client.session
        page = client.get("/sso/refused/").content.decode()
        assert gettext("You signed in at the unified identity service, but there is no account for you on this "
                       "platform. Ask your system administrator to create one.") in page
    assert User.objects.count() == users
    notes = list(AuditEntry.objects.filter(action="user.login_failed").values_list("note", flat=True))
    assert any("sso gov-9999" in note for note in notes) and any("sso gov-2" in note for note in notes)


def test_without_sso_settings_the_login_page_has_no_sso_button(client, settings):
    assert settings.SSO_OIDC_ENABLED is False
    assert "oidc" not in client.get("/login/").content.decode()
