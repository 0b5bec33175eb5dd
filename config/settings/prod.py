"""Production: everything from the environment; refuse to start without the secrets.

``manage.py check --deploy`` is clean with these settings (a test holds it so). HTTPS is ended by
nginx, which passes ``X-Forwarded-Proto``; plain-HTTP requests are redirected, except ``/healthz``
for load balancers and monitoring on the private network.
"""
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import PII_CIPHER, PII_HASH_KEY, PII_KEYS, PII_SM4_KEYS, SECRET_KEY, env_bool

# The keys of the configured cipher (docs/personal-data.md): Fernet keys, or SM4 keys for 国密.
cipher_keys = {"PII_SM4_KEYS": PII_SM4_KEYS} if PII_CIPHER == "sm4" else {"PII_KEYS": PII_KEYS}
for name, value in {"SECRET_KEY": SECRET_KEY, **cipher_keys, "PII_HASH_KEY": PII_HASH_KEY}.items():
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000
# Government intranets often serve other systems on sibling sub-domains over plain HTTP; a site
# whose whole domain is on HTTPS turns this on.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SILENCED_SYSTEM_CHECKS = [
    "security.W005",  # HSTS for sub-domains: a site's choice (above).
    "security.W021",  # HSTS preload: intranet domains cannot be on the browsers' public preload list.
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
