"""Backups of the platform: the database and the stored files, and how to put them back.

A backup is one directory ``dangjian-backup-<time>/`` holding

- the database: ``database.dump`` (PostgreSQL, ``pg_dump -Fc``) or ``database.sqlite3`` (SQLite, an
  online copy through ``sqlite3.Connection.backup``, safe while the site runs in WAL mode);
- ``media.tar``: every file under ``MEDIA_ROOT`` (meeting files, attachments, evidence, exports);
- ``manifest.json``: when it was taken, the database engine, the migration state (last applied
  migration per app), the row count and checksum of every model table (:func:`fingerprint`), the
  SHA-256 of each file of the backup and of each stored file inside the tar, and the app version.

On PostgreSQL the dump and the fingerprint in the manifest are taken from the same snapshot
(``pg_export_snapshot`` + ``pg_dump --snapshot``), so a restored database must give exactly the
manifest's fingerprint. :func:`restore_backup` checks every hash before it touches anything and
refuses a backup whose files do not match. Backups are not encrypted here: keep them on an
encrypted volume, and keep the personal-data keys (``PII_KEYS``, ``PII_HASH_KEY``) apart from them
(see docs/backups.md).

Everything works on a database *settings dict* (``settings.DATABASES["default"]`` unless told
otherwise) through its own connections, never Django's, so that a restore can replace the
database under a closed Django connection.
"""
from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

MANIFEST = "manifest.json"
MEDIA_TAR = "media.tar"
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(CommandError):
    """A backup that cannot be made or must not be restored; ``code`` names the reason for tests and
    scripts (``hash_mismatch``, ``missing_file``, ``not_empty``, ``engine_mismatch``, ``bad_manifest``,
    ``tool_failed``)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def database_settings() -> dict:
    """The database backed up and restored by the commands: the configured default one."""
    return settings.DATABASES["default"]


def vendor_of(database: dict) -> str:
    engine = database["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(_("Backups support PostgreSQL and SQLite only, not %(engine)s.") % {"engine": engine},
                      code="engine_unsupported")


# --- connections -------------------------------------------------------------------------------

def pg_environment(database: dict) -> dict:
    """The libpq environment of the configured PostgreSQL database: the password goes through
    ``PGPASSWORD``, never on a command line."""
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):
        if database.get(key):
            env[var] = str(database[key])
        else:
            env.pop(var, None)
    options = database.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def pg_connect(database: dict, *, dbname: str | None = None, autocommit: bool = False):
    import psycopg

    params = {"dbname": dbname or database["NAME"], "autocommit": autocommit}
    for key, param in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if database.get(key):
            params[param] = str(database[key])
    options = database.get("OPTIONS") or {}
    for key in ("sslmode", "options"):
        if options.get(key):
            params[key] = options[key]
    return psycopg.connect(**params)


def sqlite_path(database: dict) -> Path:
    name = str(database["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError(_("An in-memory SQLite database cannot be backed up."), code="engine_unsupported")
    return Path(name)


# --- fingerprint -------------------------------------------------------------------------------

def model_tables() -> list[tuple[str, list[str]]]:
    """Every table of a concrete model in the app registry (many-to-many tables included) with its
    primary-key columns, sorted by table name."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in tables:
            continue
        tables[meta.db_table] = [field.column for field in meta.pk_fields]
    return sorted(tables.items())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def fingerprint(cursor, vendor: str) -> dict:
    """Row count and checksum of every model table, read through a DB-API ``cursor``.

    The checksum hashes the rows' values as text in primary-key order, so a dump restored on the
    same engine gives the same answer: on PostgreSQL ``md5`` over the ``md5`` of each row's text
    (``t::text``); on SQLite SHA-256 over each row's columns as ``quote()`` gives them. A table the
    database does not have (a backup from before a migration) is reported as missing.
    Returns ``{"tables": {table: {"rows": n, "checksum": hex}}, "digest": hex of all}``.
    """
    present = existing_tables(cursor, vendor)
    tables = {}
    for table, pk in model_tables():
        if table not in present:
            tables[table] = {"rows": None, "checksum": "missing"}
            continue
        order = ", ".join(_quote(column) for column in pk)
        if vendor == "postgresql":
            cursor.execute(f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY {order}), '')) "
                           f"FROM {_quote(table)} AS t")
            rows, checksum = cursor.fetchone()
        else:
            cursor.execute(f"PRAGMA table_info({_quote(table)})")
            columns = [row[1] for row in cursor.fetchall()]
            expression = " || ',' || ".join(f"quote({_quote(column)})" for column in columns)
            cursor.execute(f"SELECT {expression} FROM {_quote(table)} ORDER BY {order}")
            digest, rows = hashlib.sha256(), 0
            for (text,) in cursor.fetchall():
                digest.update(text.encode() + b"\n")
                rows += 1
            checksum = digest.hexdigest()
        tables[table] = {"rows": rows, "checksum": checksum}
    overall = hashlib.sha256(json.dumps(tables, sort_keys=True).encode()).hexdigest()
    return {"tables": tables, "digest": overall}


def existing_tables(cursor, vendor: str) -> set[str]:
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return {row[0] for row in cursor.fetchall()}


def migration_state(cursor) -> dict:
    """The last applied migration of each app, from ``django_migrations`` (empty if there is none)."""
    try:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    except Exception:  # noqa: BLE001 - no table: a database never migrated
        return {}
    state = {}
    for app, name in cursor.fetchall():
        state[app] = name
    return dict(sorted(state.items()))


@contextlib.contextmanager
def raw_cursor(database: dict):
    """A DB-API cursor on the database, read-only in spirit, closed afterwards."""
    vendor = vendor_of(database)
    if vendor == "postgresql":
        with pg_connect(database) as conn, conn.cursor() as cursor:
            yield cursor
    else:
        conn = sqlite3.connect(sqlite_path(database))
        try:
            yield conn.cursor()
        finally:
            conn.close()


def database_fingerprint(database: dict | None = None) -> dict:
    """:func:`fingerprint` of the whole database now."""
    database = database or database_settings()
    with raw_cursor(database) as cursor:
        return fingerprint(cursor, vendor_of(database))


def is_empty(database: dict) -> bool:
    """Whether the database holds no tables at all (a new database, or a missing SQLite file)."""
    vendor = vendor_of(database)
    if vendor == "sqlite" and not sqlite_path(database).exists():
        return True
    with raw_cursor(database) as cursor:
        return not existing_tables(cursor, vendor)


# --- files -------------------------------------------------------------------------------------

def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def app_version() -> str:
    """``git describe`` of the code when it is a git checkout, else the package version."""
    root = Path(settings.BASE_DIR)
    if (root / ".git").exists() and shutil.which("git"):
        try:
            found = subprocess.run(["git", "describe", "--always", "--tags", "--dirty"], cwd=root,
                                   capture_output=True, text=True, timeout=10)
            if found.returncode == 0 and found.stdout.strip():
                return found.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dangjian")
    except PackageNotFoundError:
        return "unknown"


def write_media_tar(media_root: Path, target: Path) -> list[dict]:
    """Every regular file under ``media_root`` into the tar ``target`` (paths relative to it); returns
    the list of ``{"path", "size", "sha256"}``. Files changing while they are read are taken as read."""
    files = []
    with tarfile.open(target, "w") as tar:
        if media_root.is_dir():
            for path in sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink()):
                relative = path.relative_to(media_root).as_posix()
                data = path.read_bytes()
                info = tarfile.TarInfo(relative)
                info.size, info.mtime, info.mode = len(data), int(path.stat().st_mtime), 0o644
                tar.addfile(info, io.BytesIO(data))
                files.append({"path": relative, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    return files


# --- making a backup ---------------------------------------------------------------------------

@dataclass
class BackupResult:
    path: Path
    manifest: dict
    seconds: float


def create_backup(output: Path | str, *, database: dict | None = None, media_root: Path | str | None = None,
                  now: datetime.datetime | None = None) -> BackupResult:
    """Back up the database and ``MEDIA_ROOT`` into a new directory under ``output``."""
    import time

    started = time.monotonic()
    database = database or database_settings()
    vendor = vendor_of(database)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    now = now or datetime.datetime.now(datetime.UTC)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    target = output / f"dangjian-backup-{now:%Y%m%d-%H%M%S}"
    suffix = 1
    while target.exists():
        suffix += 1
        target = output / f"dangjian-backup-{now:%Y%m%d-%H%M%S}-{suffix}"
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        dump = partial / DUMP[vendor]
        if vendor == "postgresql":
            state, prints = _dump_postgresql(database, dump)
        else:
            state, prints = _copy_sqlite(database, dump)
        media_files = write_media_tar(media_root, partial / MEDIA_TAR)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "engine": vendor,
            "database": str(database["NAME"]) if vendor == "postgresql" else Path(database["NAME"]).name,
            "app_version": app_version(),
            "migrations": state,
            "tables": {table: facts["rows"] for table, facts in prints["tables"].items()},
            "fingerprint": prints,
            "files": {name: {"size": (partial / name).stat().st_size, "sha256": sha256_file(partial / name)}
                      for name in (DUMP[vendor], MEDIA_TAR)},
            "media_files": media_files,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(target, manifest, time.monotonic() - started)


def _run_tool(command: list[str], env: dict) -> None:
    if not shutil.which(command[0]):
        raise BackupError(_("The program %(tool)s is not installed (PostgreSQL client tools).") % {"tool": command[0]},
                          code="tool_failed")
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(_("%(tool)s failed: %(error)s") % {"tool": command[0], "error": done.stderr.strip()[-2000:]},
                          code="tool_failed")


def _dump_postgresql(database: dict, target: Path) -> tuple[dict, dict]:
    """``pg_dump -Fc`` from a snapshot exported by a repeatable-read transaction in which the
    fingerprint and migration state are read too: all three describe the same moment."""
    import psycopg

    with pg_connect(database) as conn:
        conn.isolation_level, conn.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        _run_tool(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={target}"],
                  pg_environment(database))
        with conn.cursor() as cursor:
            state = migration_state(cursor)
            prints = fingerprint(cursor, "postgresql")
        conn.rollback()
    return state, prints


def _copy_sqlite(database: dict, target: Path) -> tuple[dict, dict]:
    """An online copy through SQLite's backup API (consistent even while the site writes), then
    the fingerprint and migration state read from the copy."""
    source = sqlite3.connect(sqlite_path(database))
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        cursor = copy.cursor()
        return migration_state(cursor), fingerprint(cursor, "sqlite")
    finally:
        copy.close()
        source.close()


# --- checking and restoring --------------------------------------------------------------------

def backup_directory(path: Path | str) -> Path:
    """The backup directory named by ``path`` (the directory itself or its manifest)."""
    path = Path(path)
    return path.parent if path.name == MANIFEST else path


def read_manifest(directory: Path) -> dict:
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
        manifest["engine"], manifest["files"]  # noqa: B018 - the keys every check needs
    except FileNotFoundError:
        raise BackupError(_("%(path)s is not a backup: it has no manifest.json.") % {"path": directory},
                          code="missing_file") from None
    except (ValueError, KeyError, TypeError):
        raise BackupError(_("The manifest of the backup %(path)s cannot be read.") % {"path": directory},
                          code="bad_manifest") from None
    return manifest


def verify_backup(path: Path | str) -> dict:
    """Check that every file of the backup has the size and SHA-256 the manifest records; returns the
    manifest or raises :class:`BackupError` (``missing_file`` / ``hash_mismatch``)."""
    directory = backup_directory(path)
    manifest = read_manifest(directory)
    for name, expected in manifest["files"].items():
        file = directory / name
        if not file.is_file():
            raise BackupError(_("The backup is incomplete: the file %(name)s is missing.") % {"name": name},
                              code="missing_file")
        if file.stat().st_size != expected["size"] or sha256_file(file) != expected["sha256"]:
            raise BackupError(
                _("The backup has been altered or damaged: the file %(name)s does not match its SHA-256 in the "
                  "manifest. Nothing was restored.") % {"name": name}, code="hash_mismatch")
    return manifest


def _extract_media(directory: Path, manifest: dict, media_root: Path) -> Path:
    """Unpack ``media.tar`` beside ``MEDIA_ROOT`` into a new directory and check each file's hash."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".media-restore-", dir=media_root.parent))
    try:
        with tarfile.open(directory / MEDIA_TAR) as tar:
            tar.extractall(staging, filter="data")
        for entry in manifest.get("media_files", []):
            file = staging / entry["path"]
            if not file.is_file() or sha256_file(file) != entry["sha256"]:
                raise BackupError(
                    _("The backup has been altered or damaged: the stored file %(name)s does not match its SHA-256 "
                      "in the manifest. Nothing was restored.") % {"name": entry["path"]}, code="hash_mismatch")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


@dataclass
class RestoreResult:
    manifest: dict
    fingerprint_matches: bool
    seconds: float
    previous_media: Path | None


def restore_backup(path: Path | str, *, yes: bool = False, database: dict | None = None,
                   media_root: Path | str | None = None) -> RestoreResult:
    """Put a backup back: check its hashes, refuse a non-empty database unless ``yes``, restore the
    database (PostgreSQL: ``pg_restore --clean --if-exists --no-owner --single-transaction``; SQLite:
    copied back through the backup API — stop the site first), then replace ``MEDIA_ROOT`` with the
    backup's files (the old directory is kept as ``<MEDIA_ROOT>.before-restore``). Finally compares
    the database's fingerprint with the manifest's."""
    import time

    started = time.monotonic()
    database = database or database_settings()
    vendor = vendor_of(database)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    directory = backup_directory(path)
    manifest = verify_backup(directory)
    if manifest["engine"] != vendor:
        raise BackupError(_("This backup is of a %(backup)s database; the configured database is %(configured)s.")
                          % {"backup": manifest["engine"], "configured": vendor}, code="engine_mismatch")
    if not yes and not is_empty(database):
        raise BackupError(_("The database %(name)s is not empty: restoring replaces everything in it. Stop the "
                            "site and run the command again with --yes to go ahead.") % {"name": database["NAME"]},
                          code="not_empty")
    staging = _extract_media(directory, manifest, media_root)
    try:
        from django.db import connections

        connections.close_all()
        dump = directory / DUMP[vendor]
        if vendor == "postgresql":
            _run_tool(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                       "--exit-on-error", f"--dbname={database['NAME']}", str(dump)], pg_environment(database))
        else:
            source = sqlite3.connect(dump)
            target = sqlite3.connect(sqlite_path(database))
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    previous = None
    if media_root.exists():
        previous = media_root.with_name(media_root.name + ".before-restore")
        shutil.rmtree(previous, ignore_errors=True)
        media_root.rename(previous)
    staging.rename(media_root)
    expected = (manifest.get("fingerprint") or {}).get("digest")
    matches = bool(expected) and database_fingerprint(database)["digest"] == expected
    return RestoreResult(manifest, matches, time.monotonic() - started, previous)
