"""The statistics cache: computed figures kept until a record changes, served stale while they are
computed afresh.

Every answer is kept under a key holding the current *generation*; any save or delete of a domain
record (through the ORM) or change of a many-to-many relation moves the generation on once its
transaction commits. The latest answer for the same question is also kept apart: when the current
generation has no answer yet, a reader gets the latest one (it says when it was computed) and one
background task computes the new one, so a busy city never waits for its whole-city figures. Bulk
updates that bypass the ORM's signals are caught by the expiry (``STATS_CACHE_SECONDS``).
"""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

ALIAS = "stats"
GENERATION = "stats:generation"
# Records whose changes never move a figure: the audit trail, sessions, notifications, tasks, users'
# own accounts (logins), exports and the reports app's own records.
IGNORED_APPS = {"admin", "auth", "authtoken", "contenttypes", "sessions", "django_tasks_database", "notices",
                "reports"}
IGNORED_MODELS = {("core", "auditentry"), ("core", "export"), ("accounts", "user")}
# How long the latest answer may stand in for a missing one, and how long a refresh is trusted to run.
LATEST_SECONDS = 7 * 24 * 3600
REFRESH_SECONDS = 600


def _cache():
    return caches[ALIAS]


def _key(*parts) -> str:
    return "stats:" + hashlib.sha1(repr(parts).encode()).hexdigest()


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


def current(parts: tuple):
    """The answer kept for ``parts`` in this generation, or None."""
    return _cache().get(_key(generation(), *parts))


def latest(parts: tuple):
    """The latest answer kept for ``parts``, of whatever generation, or None."""
    return _cache().get(_key("latest", *parts))


def keep(parts: tuple, answer, *, at_generation: int | None = None) -> None:
    """Keep ``answer`` as this generation's (or ``at_generation``'s) and as the latest one."""
    cache = _cache()
    cache.set(_key(at_generation or generation(), *parts), answer, settings.STATS_CACHE_SECONDS)
    cache.set(_key("latest", *parts), answer, LATEST_SECONDS)
    cache.delete(_key("refreshing", *parts))


def claim_refresh(parts: tuple) -> bool:
    """Whether the caller is the one to have ``parts`` computed afresh (no refresh running)."""
    return _cache().add(_key("refreshing", *parts), 1, REFRESH_SECONDS)


def _changed(sender, **kwargs):
    meta = sender._meta
    if meta.app_label in IGNORED_APPS or (meta.app_label, meta.model_name) in IGNORED_MODELS:
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(func is bump for _sids, func, _robust in connection.run_on_commit):
        return  # one move per transaction, however many records it writes
    transaction.on_commit(bump)


def connect_signals() -> None:
    """Drop kept answers whenever a domain record is saved or deleted, or a relation changes."""
    post_save.connect(_changed, dispatch_uid="reports-stats-saved")
    post_delete.connect(_changed, dispatch_uid="reports-stats-deleted")
    m2m_changed.connect(_changed, dispatch_uid="reports-stats-related")
