"""Cipher suites (Fernet, 国密 SM4), key rotation and blind-index recomputation on real rows."""
import os

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from dangjian.core import pii
from dangjian.core.pii_maintenance import rotate_keys
from dangjian.members.models import Member

SM4_KEY = os.urandom(32).hex()


def _raw(member, field="phone"):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {field} FROM members_member WHERE id = %s", [member.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def sm4(settings):
    settings.PII_CIPHER = "sm4"
    settings.PII_SM4_KEYS = [SM4_KEY]
    return settings


@pytest.fixture
def member(db):
    return Member.objects.exclude(phone_hash="").order_by("pk").first()


def test_sm4_round_trip_and_prefix(sm4):
    token = pii.encrypt("13812345678")
    assert token.startswith("sm4:1:")
    assert pii.decrypt(token) == "13812345678"
    assert pii.encrypt("13812345678") != token  # random IV
    assert pii.is_current(token)


def test_sm4_tampering_and_unknown_keys_are_refused(sm4):
    token = pii.encrypt("110105194912310020")
    body = bytearray(token.encode())
    body[12] = ord("A") if body[12] != ord("A") else ord("B")
    with pytest.raises(ImproperlyConfigured):
        pii.decrypt(body.decode())
    sm4.PII_SM4_KEYS = [os.urandom(32).hex()]
    with pytest.raises(ImproperlyConfigured):
        pii.decrypt(token)


def test_sm4_keys_must_be_64_hex_characters(sm4):
    sm4.PII_SM4_KEYS = ["abcd"]
    with pytest.raises(ImproperlyConfigured):
        pii.encrypt("x")


def test_mixed_tokens_decrypt_by_prefix(settings, sm4):
    fernet_token = Fernet(settings.PII_KEYS[0].encode()).encrypt(b"13900001111").decode()
    sm4_token = pii.encrypt("13900002222")
    assert pii.decrypt(fernet_token) == "13900001111"
    assert pii.decrypt(sm4_token) == "13900002222"
    assert not pii.is_current(fernet_token)
    assert pii.decrypt(pii.rotate(fernet_token)) == "13900001111"
    assert pii.rotate(fernet_token).startswith("sm4:1:")


def test_blind_index_follows_the_cipher(settings):
    sha = pii.blind_index("phone", "13812345678")
    settings.PII_CIPHER = "sm4"
    sm3 = pii.blind_index("phone", "13812345678")
    assert sha != sm3 and len(sm3) == 40


def test_encrypted_fields_are_found_from_the_registry():
    found = {model._meta.label: [f.name for f in fields] for model, fields in pii.encrypted_fields()}
    assert found["members.Member"] == ["id_number", "phone", "address"]
    assert found["recruitment.Applicant"] == ["id_number", "phone", "address"]
    assert {"grid.Household", "grid.ServiceRequest", "volunteers.Volunteer"} <= set(found)


def test_rotation_to_a_new_fernet_key_on_real_rows(settings, member, capsys):
    phone = member.phone
    new_key = Fernet.generate_key().decode()
    settings.PII_KEYS = [new_key, *settings.PII_KEYS]
    with pytest.raises(SystemExit) as stale:
        call_command("rotate_pii_keys", "--check")
    assert stale.value.code == 1
    call_command("rotate_pii_keys", "--dry-run")
    assert not pii.is_current(_raw(member))  # a dry run writes nothing
    call_command("rotate_pii_keys", "--batch", "500")
    out = capsys.readouterr().out
    assert "members_member:" in out
    settings.PII_KEYS = [new_key]  # the old key is gone: everything must still read
    assert Member.objects.get(pk=member.pk).phone == phone
    assert Fernet(new_key.encode()).decrypt(_raw(member).encode()).decode() == phone
    call_command("rotate_pii_keys", "--check")  # exits 0: nothing left


def test_rotation_is_resumable_and_leaves_current_values(settings, member):
    new_key = Fernet.generate_key().decode()
    settings.PII_KEYS = [new_key, *settings.PII_KEYS]
    first = rotate_keys(batch=1000)
    members = next(r for r in first if r.label == "members_member")
    assert members.rewritten == members.stale > 0
    token = _raw(member)
    again = rotate_keys(batch=1000)
    assert sum(r.stale for r in again) == 0
    assert _raw(member) == token  # left as it is


def test_switching_fernet_to_sm4_then_reindexing(settings, member):
    phone, id_number = member.phone, member.id_number
    settings.PII_CIPHER = "sm4"
    settings.PII_SM4_KEYS = [SM4_KEY]
    call_command("rotate_pii_keys")
    assert _raw(member).startswith("sm4:1:") and _raw(member, "id_number").startswith("sm4:1:")
    settings.PII_KEYS = []  # Fernet keys no longer needed
    fresh = Member.objects.get(pk=member.pk)
    assert (fresh.phone, fresh.id_number) == (phone, id_number)
    # The blind indexes are still HMAC-SHA256 ones: look-ups fail until reindex_pii.
    assert not Member.objects.filter(id_number_hash=pii.blind_index("id", id_number)).exists()
    with pytest.raises(SystemExit):
        call_command("reindex_pii", "--check")
    call_command("reindex_pii")
    assert Member.objects.get(id_number_hash=pii.blind_index("id", id_number)).pk == member.pk
    assert Member.objects.filter(phone_hash=pii.blind_index("phone", phone), pk=member.pk).exists()
    call_command("reindex_pii", "--check")


def test_new_hash_key_is_applied_by_reindex(settings, member):
    settings.PII_HASH_KEY = "a-new-blind-index-key"
    call_command("reindex_pii", "--batch", "700")
    assert Member.objects.get(id_number_hash=pii.blind_index("id", member.id_number)).pk == member.pk


def test_a_value_edited_during_rotation_is_not_overwritten(settings, member):
    from dangjian.core.pii_maintenance import _rewrite

    old_token = _raw(member)
    settings.PII_KEYS = [Fernet.generate_key().decode(), *settings.PII_KEYS]
    Member.objects.filter(pk=member.pk).update(phone="13700000000")  # a user's edit after the batch was read
    _rewrite(Member, [(member.pk, {"phone": old_token}, ["phone"])])
    assert Member.objects.get(pk=member.pk).phone == "13700000000"


def test_a_value_edited_during_reindex_keeps_the_index_of_its_new_value(monkeypatch, member):
    from dangjian.core.pii_maintenance import reindex

    old_phone, new_phone = member.phone, "13700000001"
    Member.objects.filter(pk=member.pk).update(phone_hash="stale")  # this row needs reindexing
    real = pii.blind_index
    edited = []

    def edit_while_reading(kind, value):
        if kind == "phone" and value == old_phone and not edited:
            # A user's edit after the batch was read and before it is written.
            Member.objects.filter(pk=member.pk).update(phone=new_phone, phone_hash=real("phone", new_phone))
            edited.append(True)
        return real(kind, value)

    monkeypatch.setattr(pii, "blind_index", edit_while_reading)
    reindex(batch=500)
    assert edited
    stored = Member.objects.get(pk=member.pk)
    assert stored.phone == new_phone
    assert stored.phone_hash == real("phone", new_phone)  # not the index of the number read first
