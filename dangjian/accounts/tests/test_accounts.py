"""Login and the administrator's password reset (no e-mail needed)."""
from django.conf import settings
from django.contrib.auth import authenticate

from dangjian.core.models import AuditEntry


def test_login_page_and_redirect_to_the_workbench(client, personas):
    assert "登录" in client.get("/login/").content.decode()
    response = client.post("/login/", {"username": "branch", "password": "dangjian-demo"})
    assert response.status_code == 302 and response["Location"] == "/"
    client.logout()
    response = client.post("/login/", {"username": "branch", "password": "wrong"})
    assert "请输入一个正确的" in response.content.decode()


def test_admin_resets_a_password_and_it_is_logged(client_for, personas):
    client = client_for("admin")
    target = personas["member"]
    weak = client.post(f"/accounts/users/{target.pk}/password/", {"password": "123", "confirm": "123"})
    assert weak.status_code == 200 and "密码" in weak.content.decode()
    response = client.post(f"/accounts/users/{target.pk}/password/",
                           {"password": "Hongqi-2026-piao", "confirm": "Hongqi-2026-piao"})
    assert response.status_code == 302
    assert authenticate(username="member", password="Hongqi-2026-piao") is not None
    entry = AuditEntry.objects.get(action="user.password_reset", object_id=str(target.pk))
    assert "Hongqi" not in str(entry.changes) + entry.note


def test_only_administrators_reset_passwords(client_for, personas):
    assert client_for("organizer").get(f"/accounts/users/{personas['member'].pk}/password/").status_code == 403


def test_production_hashes_passwords_with_argon2():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"
