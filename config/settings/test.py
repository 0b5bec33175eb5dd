"""Tests: fast hashing, tasks run at once, the database from DATABASE_URL or a local SQLite."""
from .dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests change the working-day calendar inside transactions that are rolled back: never keep it in memory.
WORK_CALENDAR_CACHE_SECONDS = 0

# Statistics are computed afresh in every test (rolled-back records never reach a cache); the
# cache itself is tested with a local-memory cache put in place by the test.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "stats": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}

# Rate limits count across tests in one process (the cache outlives a test); tests of the limits set
# their own rates with override_settings.
RATE_LIMITS = {"resident_post": "10000/min", "public_page": "10000/min"}
