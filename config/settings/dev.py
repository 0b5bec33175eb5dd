"""Development and the demo: a local SQLite database and fixed, public demo keys.

The demo keys below are for the demo city only; production reads real keys from the
environment (see docs/deployment.md).
"""
import os

os.environ.setdefault("SECURE_COOKIES", "false")

from .base import *  # noqa: E402, F403
from .base import env_bool, env_list  # noqa: E402

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-secret-key-for-the-demo-city"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
PII_KEYS = env_list("PII_KEYS") or ["ZGV2LW9ubHktcGlpLWtleS1mb3ItdGhlLWRlbW8tMDA="]
PII_HASH_KEY = os.environ.get("PII_HASH_KEY") or "dev-only-blind-index-key"
