"""Protected personal data (个人信息保护): encryption at rest, blind indexes, masking.

ID numbers, phones and addresses are stored encrypted with Fernet keys from the environment
(``PII_KEYS``; the first encrypts, all decrypt, so keys can be rotated). Look-ups use a keyed
hash (blind index) and the last four digits kept in clear; whole tables are never decrypted.
"""
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("PII_KEYS is not set: personal data cannot be encrypted.")
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt(value: str) -> str:
    return _fernet(tuple(settings.PII_KEYS)).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(tuple(settings.PII_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("Personal data cannot be decrypted with the configured PII_KEYS.") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token under the first (newest) key."""
    return _fernet(tuple(settings.PII_KEYS)).rotate(token.encode()).decode()


def blind_index(kind: str, value: str) -> str:
    """A keyed hash of a normalized value, for exact look-ups and duplicate checks."""
    if not settings.PII_HASH_KEY:
        raise ImproperlyConfigured("PII_HASH_KEY is not set.")
    normalized = f"{kind}:{value.strip().upper()}".encode()
    return hmac.new(settings.PII_HASH_KEY.encode(), normalized, hashlib.sha256).hexdigest()[:40]


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
    """A text field stored as a Fernet token and read back as plain text.

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
