"""Production: everything from the environment; refuse to start without the secrets."""
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import PII_HASH_KEY, PII_KEYS, SECRET_KEY

for name, value in {"SECRET_KEY": SECRET_KEY, "PII_KEYS": PII_KEYS, "PII_HASH_KEY": PII_HASH_KEY}.items():
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment")

SECURE_HSTS_SECONDS = 31536000
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
