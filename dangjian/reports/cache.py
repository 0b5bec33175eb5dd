"""The statistics cache: computed figures kept until a record changes.

Every answer is kept under a key holding the current *generation*; any save or delete of a
domain record (through the ORM, in any app but the bookkeeping ones) moves the generation on
once its transaction commits, so the next reader computes afresh. Bulk updates that bypass the
ORM's signals are caught by the expiry (``STATS_CACHE_SECONDS``).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save

ALIAS = "stats"
GENERATION = "stats:generation"
# Records whose changes never move a figure: the audit trail, sessions, notifications, tasks, caches.
IGNORED_APPS = {"admin", "auth", "authtoken", "accounts", "contenttypes", "sessions", "django_tasks_database",
                "notices", "reports"}
IGNORED_MODELS = {("core", "auditentry"), ("core", "export")}


def _cache():
    return caches[ALIAS]


def generation() -> int:
    """The current generation (starting at 1)."""
    return _cache().get_or_set(GENERATION, 1, None) or 1


def bump() -> None:
    """Move the generation on: every kept answer is stale from now."""
    cache = _cache()
    try:
        cache.incr(GENERATION)
    except ValueError:
        cache.set(GENERATION, 2, None)


def cached(parts: tuple, compute: Callable[[], dict]) -> dict:
    """The answer kept for ``parts`` in this generation, or ``compute()`` kept for next time."""
    key = "stats:" + hashlib.sha1(repr((generation(), *parts)).encode()).hexdigest()
    cache = _cache()
    answer = cache.get(key)
    if answer is None:
        answer = compute()
        cache.set(key, answer, settings.STATS_CACHE_SECONDS)
    return answer


def _changed(sender, **kwargs):
    meta = sender._meta
    if meta.app_label in IGNORED_APPS or (meta.app_label, meta.model_name) in IGNORED_MODELS:
        return
    transaction.on_commit(bump)


def connect_signals() -> None:
    """Drop kept answers whenever a domain record is saved or deleted."""

    post_save.connect(_changed, dispatch_uid="reports-stats-saved")
    post_delete.connect(_changed, dispatch_uid="reports-stats-deleted")
