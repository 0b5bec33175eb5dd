"""Protected personal data (个人信息保护): encryption at rest, blind indexes, masking.

ID numbers, phones and addresses are stored encrypted. Two cipher suites are supported and may
live side by side in one table while values are moved from one to the other:

* ``fernet`` (default): Fernet tokens (AES-128-CBC + HMAC-SHA256) under ``PII_KEYS``.
* ``sm4`` (国密): SM4-CBC with a random IV and HMAC-SM3 over prefix+IV+ciphertext
  (encrypt-then-MAC), tokens ``sm4:1:<base64url>``, keys ``PII_SM4_KEYS`` (each 64 hex
  characters: 32 for the SM4 key, 32 for the MAC key).

``PII_CIPHER`` names the suite that encrypts; ``decrypt`` reads either kind by its prefix. In
each suite the first key encrypts and every key decrypts, so keys are rotated by putting a new
key first and running ``manage.py rotate_pii_keys``, which re-encrypts every stored value under
the configured suite's first key (also the way to move from Fernet to SM4).

Look-ups use a keyed hash (blind index: HMAC-SHA256, or HMAC-SM3 under ``PII_CIPHER=sm4``, with
``PII_HASH_KEY``) and the last four digits kept in clear; whole tables are never decrypted. A new
hash key or a new cipher changes every blind index: ``manage.py reindex_pii`` recomputes them.
"""
import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

FERNET = "fernet"
SM4 = "sm4"
CIPHERS = (FERNET, SM4)
SM4_PREFIX = "sm4:1:"

# Blind indexes kept beside encrypted fields: encrypted field → (hash field, kind of value).
# ``reindex_pii`` recomputes every model field pair named here that a model has.
BLIND_INDEXES = {
    "id_number": ("id_number_hash", "id"),
    "phone": ("phone_hash", "phone"),
    "contact_phone": ("phone_hash", "phone"),
}


def cipher() -> str:
    """The suite that encrypts new values (``PII_CIPHER``)."""
    name = (getattr(settings, "PII_CIPHER", "") or FERNET).lower()
    if name not in CIPHERS:
        raise ImproperlyConfigured(f"PII_CIPHER must be one of {', '.join(CIPHERS)}, not {name!r}.")
    return name


# Fernet ------------------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("PII_KEYS is not set: personal data cannot be encrypted.")
    return MultiFernet([Fernet(k.encode()) for k in keys])


def _fernet_keys() -> tuple[str, ...]:
    return tuple(settings.PII_KEYS)


# SM4 (国密) ---------------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _sm4_keys(keys: tuple[str, ...]) -> tuple[tuple[bytes, bytes], ...]:
    """``PII_SM4_KEYS`` as (encryption key, MAC key) pairs of 16 bytes each."""
    if not keys:
        raise ImproperlyConfigured("PII_SM4_KEYS is not set: personal data cannot be encrypted with SM4.")
    pairs = []
    for key in keys:
        try:
            raw = bytes.fromhex(key)
        except ValueError:
            raw = b""
        if len(raw) != 32:
            raise ImproperlyConfigured("Each PII_SM4_KEYS key must be 64 hex characters (SM4 key + MAC key).")
        pairs.append((raw[:16], raw[16:]))
    return tuple(pairs)


def _sm4_mac(mac_key: bytes, data: bytes) -> bytes:
    mac = crypto_hmac.HMAC(mac_key, hashes.SM3())
    mac.update(SM4_PREFIX.encode() + data)
    return mac.finalize()


def _sm4_encrypt(value: bytes, pair: tuple[bytes, bytes]) -> str:
    enc_key, mac_key = pair
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(value) + padder.finalize()
    encryptor = Cipher(algorithms.SM4(enc_key), modes.CBC(iv)).encryptor()
    body = iv + encryptor.update(padded) + encryptor.finalize()
    return SM4_PREFIX + base64.urlsafe_b64encode(body + _sm4_mac(mac_key, body)).decode()


def _sm4_open(token: str) -> tuple[bytes, bytes]:
    """(IV + ciphertext, MAC) of an SM4 token."""
    try:
        raw = base64.urlsafe_b64decode(token[len(SM4_PREFIX):].encode())
    except ValueError as exc:
        raise InvalidToken from exc
    if len(raw) < 16 + 16 + 32 or (len(raw) - 32) % 16:
        raise InvalidToken
    return raw[:-32], raw[-32:]


def _sm4_key_index(body: bytes, tag: bytes, pairs) -> int:
    """Which key's MAC the token carries; InvalidToken if none (tampered or unknown key)."""
    for index, (_enc_key, mac_key) in enumerate(pairs):
        mac = crypto_hmac.HMAC(mac_key, hashes.SM3())
        mac.update(SM4_PREFIX.encode() + body)
        try:
            mac.verify(tag)
        except InvalidSignature:
            continue
        return index
    raise InvalidToken


def _sm4_decrypt(token: str) -> bytes:
    pairs = _sm4_keys(tuple(getattr(settings, "PII_SM4_KEYS", ())))
    body, tag = _sm4_open(token)
    enc_key = pairs[_sm4_key_index(body, tag, pairs)][0]
    decryptor = Cipher(algorithms.SM4(enc_key), modes.CBC(body[:16])).decryptor()
    padded = decryptor.update(body[16:]) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError as exc:
        raise InvalidToken from exc


# The suite-independent API -----------------------------------------------------------------------

def encrypt(value: str) -> str:
    """A token for ``value`` under the configured suite's first key."""
    if cipher() == SM4:
        return _sm4_encrypt(value.encode(), _sm4_keys(tuple(settings.PII_SM4_KEYS))[0])
    return _fernet(_fernet_keys()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The plain value of a token of either suite (told apart by the ``sm4:`` prefix)."""
    try:
        if token.startswith(SM4_PREFIX):
            return _sm4_decrypt(token).decode()
        return _fernet(_fernet_keys()).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("Personal data cannot be decrypted with the configured keys.") from exc


def is_current(token: str) -> bool:
    """Whether a token is of the configured suite and under its first key (nothing to rotate)."""
    if cipher() == SM4:
        if not token.startswith(SM4_PREFIX):
            return False
        try:
            body, tag = _sm4_open(token)
            return _sm4_key_index(body, tag, _sm4_keys(tuple(settings.PII_SM4_KEYS))[:1]) == 0
        except InvalidToken:
            return False
    if token.startswith(SM4_PREFIX):
        return False
    try:
        Fernet(_fernet_keys()[0].encode()).decrypt(token.encode())
    except (InvalidToken, IndexError):
        return False
    return True


def rotate(token: str) -> str:
    """Re-encrypt a token of either suite under the configured suite's first (newest) key."""
    return encrypt(decrypt(token))


def blind_index(kind: str, value: str) -> str:
    """A keyed hash of a normalized value, for exact look-ups and duplicate checks.

    HMAC-SHA256, or HMAC-SM3 when ``PII_CIPHER=sm4``; changing either the key or the suite
    needs ``manage.py reindex_pii``.
    """
    if not settings.PII_HASH_KEY:
        raise ImproperlyConfigured("PII_HASH_KEY is not set.")
    normalized = f"{kind}:{value.strip().upper()}".encode()
    if cipher() == SM4:
        mac = crypto_hmac.HMAC(settings.PII_HASH_KEY.encode(), hashes.SM3())
        mac.update(normalized)
        return mac.finalize().hex()[:40]
    return hmac.new(settings.PII_HASH_KEY.encode(), normalized, hashlib.sha256).hexdigest()[:40]


def encrypted_fields():
    """Every (model, [EncryptedTextField, …]) of the installed apps, from the app registry."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        fields = [f for f in meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return sorted(found, key=lambda item: item[0]._meta.label)


def mask_id_number(value: str) -> str:
    """``110101199003071234`` → ``1101**********1234``."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * (len(value) - 2) + value[-2:]
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(value: str) -> str:
    """Keep the first six characters (district and street), hide the rest."""
    if not value:
        return ""
    return value[:6] + "****"


class EncryptedTextField(models.TextField):
    """A text field stored as a token of the configured cipher suite and read back as plain text.

    List views should ``defer()`` it: masked values and last digits are kept beside it.
    """

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)
