"""Backups of the platform: the database and the stored files, and how to put them back.

A backup is one directory ``dangjian-backup-<time>/`` holding

- the database: ``database.dump`` (PostgreSQL, ``pg_dump -Fc``) or ``database.sqlite3`` (SQLite, an
  online copy through ``sqlite3.Connection.backup``, safe while the site runs in WAL mode);
- ``media.tar``: every file under ``MEDIA_ROOT`` (meeting files, attachments, evidence, exports);
- ``manifest.json``: when it was taken, the database engine, the migration state (last applied
  migration per app), the row count and checksum of every model table (:func:`fingerprint`), the
  SHA-256 of each file of the backup and of each stored file inside the tar, and the app version;
- ``manifest.json.sig``: the HMAC-SHA256 of ``manifest.json`` under a key derived from ``BACKUP_KEY``
  (or ``SECRET_KEY`` when that is empty). The key lives with the site, never in the backup, so whoever
  alters a dump cannot write a manifest that vouches for it.

The directory is created 0700 and every file 0600: the dump holds password hashes, API tokens, TOTP
secrets and sessions in clear.

On PostgreSQL the dump and the fingerprint in the manifest are taken from the same snapshot
(``pg_export_snapshot`` + ``pg_dump --snapshot``), so a restored database must give exactly the
manifest's fingerprint. :func:`restore_backup` checks the signature and every hash, and that the
stored files can be swapped in, before it touches anything; it refuses a backup whose files do not
match. It never deletes the stored files it replaces: they are kept as
``<MEDIA_ROOT>.before-restore-<time>``. Backups are not encrypted here: keep them on an
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
import hmac
import io
import json
import os
import re
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
SIGNATURE = "manifest.json.sig"
MEDIA_TAR = "media.tar"
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(CommandError):
    """A backup that cannot be made or must not be restored; ``code`` names the reason for tests and
    scripts (``hash_mismatch``, ``missing_file``, ``bad_signature``, ``no_key``, ``not_empty``,
    ``extra_tables``, ``engine_mismatch``, ``bad_manifest``, ``media_not_swappable``, ``media_swap_failed``,
    ``fingerprint_mismatch``, ``tool_failed``)."""

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


# --- signing the manifest ----------------------------------------------------------------------

def _derive_key(secret: str) -> bytes:
    """The manifest-signing key derived from a site secret (never the secret itself)."""
    return hmac.new(secret.encode(), b"dangjian.core.backups manifest signing key v1", hashlib.sha256).digest()


def signing_key() -> tuple[str, bytes]:
    """The key that signs new backups and the setting it comes from: ``BACKUP_KEY`` when set, else
    ``SECRET_KEY``."""
    for setting in ("BACKUP_KEY", "SECRET_KEY"):
        secret = getattr(settings, setting, "")
        if secret:
            return setting, _derive_key(str(secret))
    raise BackupError(_("Neither BACKUP_KEY nor SECRET_KEY is set: backups cannot be signed or checked."),
                      code="no_key")


def verification_keys() -> list[bytes]:
    """Every key a backup may have been signed with on this site: ``BACKUP_KEY``, ``SECRET_KEY`` and the
    ``SECRET_KEY_FALLBACKS`` (a backup taken before ``BACKUP_KEY`` was set, or before a key rotation)."""
    secrets = [getattr(settings, "BACKUP_KEY", ""), getattr(settings, "SECRET_KEY", ""),
               *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_derive_key(str(secret)) for secret in secrets if secret]


def manifest_hmac(data: bytes, key: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def sign_manifest(directory: Path, *, key: tuple[str, bytes] | None = None) -> None:
    """Write ``manifest.json.sig`` for the ``manifest.json`` in ``directory``."""
    setting, secret = key or signing_key()
    signature = {"algorithm": "HMAC-SHA256", "key": setting,
                 "hmac": manifest_hmac((directory / MANIFEST).read_bytes(), secret)}
    (directory / SIGNATURE).write_text(json.dumps(signature) + "\n")


def check_signature(directory: Path, data: bytes) -> None:
    """Refuse (``bad_signature``) a manifest whose signature is missing or made with none of
    :func:`verification_keys`."""
    try:
        signature = json.loads((directory / SIGNATURE).read_text())
        given = str(signature["hmac"])
    except FileNotFoundError:
        raise BackupError(_("The backup %(path)s has no signature (manifest.json.sig): it cannot be trusted. "
                            "Nothing was restored.") % {"path": directory}, code="bad_signature") from None
    except (ValueError, KeyError, TypeError):
        given = ""
    keys = verification_keys()
    if not keys:
        raise BackupError(_("Neither BACKUP_KEY nor SECRET_KEY is set: backups cannot be signed or checked."),
                          code="no_key")
    if not any(hmac.compare_digest(given, manifest_hmac(data, key)) for key in keys):
        raise BackupError(
            _("The signature of the backup's manifest does not match: the backup has been altered, or it was "
              "signed with a BACKUP_KEY or SECRET_KEY this site does not have. Nothing was restored."),
            code="bad_signature")


# --- making a backup ---------------------------------------------------------------------------

@dataclass
class BackupResult:
    path: Path
    manifest: dict
    seconds: float


def create_backup(output: Path | str, *, database: dict | None = None, media_root: Path | str | None = None,
                  now: datetime.datetime | None = None) -> BackupResult:
    """Back up the database and ``MEDIA_ROOT`` into a new directory under ``output``: the directory
    0700, its files 0600 (``output`` itself is created 0700 when it does not exist), the manifest
    signed."""
    import time

    started = time.monotonic()
    database = database or database_settings()
    vendor = vendor_of(database)
    key = signing_key()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    now = now or datetime.datetime.now(datetime.UTC)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = output / f"dangjian-backup-{now:%Y%m%d-%H%M%S}"
    suffix = 1
    while target.exists():
        suffix += 1
        target = output / f"dangjian-backup-{now:%Y%m%d-%H%M%S}-{suffix}"
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)
    partial.chmod(0o700)  # whatever the umask: nobody else may even list it
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
        sign_manifest(partial, key=key)
        for file in partial.iterdir():
            file.chmod(0o600)
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(target, manifest, time.monotonic() - started)


def _require_tool(tool: str) -> None:
    if not shutil.which(tool):
        raise BackupError(_("The program %(tool)s is not installed (PostgreSQL client tools).") % {"tool": tool},
                          code="tool_failed")


def _tool_failed(tool: str, error: str) -> BackupError:
    return BackupError(_("%(tool)s failed: %(error)s") % {"tool": tool, "error": error.strip()[-2000:]},
                       code="tool_failed")


def _run_tool(command: list[str], env: dict) -> str:
    """Run a PostgreSQL client tool (umask 077: what it writes is the owner's only); returns its output."""
    _require_tool(command[0])
    done = subprocess.run(command, env=env, capture_output=True, text=True, umask=0o077)
    if done.returncode != 0:
        raise _tool_failed(command[0], done.stderr)
    return done.stdout


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
    """The manifest of the backup in ``directory``, once its signature is checked; it must name exactly
    the files of a backup of its engine (the dump and the media tar), so no file escapes the hash check."""
    try:
        data = (directory / MANIFEST).read_bytes()
    except FileNotFoundError:
        raise BackupError(_("%(path)s is not a backup: it has no manifest.json.") % {"path": directory},
                          code="missing_file") from None
    check_signature(directory, data)
    try:
        manifest = json.loads(data)
        expected = {DUMP[manifest["engine"]], MEDIA_TAR}
        names = set(manifest["files"])
        for entry in manifest.get("media_files", []):
            str(entry["path"]), str(entry["sha256"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackupError(_("The manifest of the backup %(path)s cannot be read.") % {"path": directory},
                          code="bad_manifest") from None
    if names != expected:
        raise BackupError(_("The manifest of the backup %(path)s does not list exactly the files of a backup "
                            "(%(expected)s). Nothing was restored.")
                          % {"path": directory, "expected": ", ".join(sorted(expected))}, code="bad_manifest")
    return manifest


def verify_backup(path: Path | str) -> dict:
    """Check the manifest's signature and that every file of the backup has the size and SHA-256 the
    manifest records; returns the manifest or raises :class:`BackupError` (``bad_signature`` /
    ``bad_manifest`` / ``missing_file`` / ``hash_mismatch``)."""
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


def dump_tables(directory: Path, manifest: dict) -> set[str]:
    """The names of the tables in the backup's database dump."""
    dump = directory / DUMP[manifest["engine"]]
    if manifest["engine"] == "sqlite":
        conn = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            return existing_tables(conn.cursor(), "sqlite")
        finally:
            conn.close()
    listing = _run_tool(["pg_restore", "--list", str(dump)], {**os.environ})
    # "215; 1259 16390 TABLE public accounts_user postgres" (not "TABLE DATA …")
    return {found.group(2) for found in re.finditer(r"^\d+; \d+ \d+ TABLE (?!DATA )(\S+) (\S+) ", listing, re.M)}


def tables_not_in_dump(database: dict, directory: Path, manifest: dict) -> list[str]:
    """The tables of the target database the backup does not have (the code was migrated further than
    the backup): ``pg_restore --clean`` would leave them, and a later ``migrate`` would fail on them."""
    if is_empty(database):
        return []
    with raw_cursor(database) as cursor:
        present = existing_tables(cursor, vendor_of(database))
    return sorted(present - dump_tables(directory, manifest))


def _extract_media(directory: Path, manifest: dict, media_root: Path) -> Path:
    """Unpack ``media.tar`` beside ``MEDIA_ROOT`` into a new directory and check that it holds exactly
    the manifest's stored files, each with its hash."""
    try:
        media_root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".media-restore-", dir=media_root.parent))
    except OSError as exc:
        raise _not_swappable(media_root, exc.strerror or str(exc)) from None
    try:
        with tarfile.open(directory / MEDIA_TAR) as tar:
            tar.extractall(staging, filter="data")
        listed = set()
        for entry in manifest.get("media_files", []):
            file = staging / entry["path"]
            listed.add(file)
            if not file.is_file() or sha256_file(file) != entry["sha256"]:
                raise BackupError(
                    _("The backup has been altered or damaged: the stored file %(name)s does not match its SHA-256 "
                      "in the manifest. Nothing was restored.") % {"name": entry["path"]}, code="hash_mismatch")
        for file in staging.rglob("*"):
            if file not in listed and (file.is_symlink() or not file.is_dir()):
                raise BackupError(
                    _("The backup has been altered or damaged: the stored file %(name)s is not in the manifest. "
                      "Nothing was restored.") % {"name": file.relative_to(staging).as_posix()},
                    code="hash_mismatch")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _not_swappable(media_root: Path, reason: str) -> BackupError:
    return BackupError(
        _("The stored files cannot be put back in %(media)s: %(reason)s. MEDIA_ROOT must be a directory in a "
          "writable directory on the same filesystem (not a mount point itself; mount the volume one level "
          "up). Nothing was restored.") % {"media": media_root, "reason": reason}, code="media_not_swappable")


def _same_filesystem(first: Path, second: Path) -> bool:
    return os.stat(first).st_dev == os.stat(second).st_dev


def _plan_media_swap(media_root: Path, staging: Path, now: datetime.datetime) -> Path | None:
    """Check, before the database is touched, that the unpacked files in ``staging`` can replace
    ``MEDIA_ROOT`` by two renames in its parent directory; returns the new name the current files will
    be kept under (``<MEDIA_ROOT>.before-restore-<time>``, never deleted), or None if there are none."""
    parent = media_root.parent
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _not_swappable(media_root, _("its parent directory is not writable"))
    if not media_root.exists():
        return None
    if not media_root.is_dir():
        raise _not_swappable(media_root, _("it is not a directory"))
    if not (_same_filesystem(media_root, parent) and _same_filesystem(staging, media_root)):
        raise _not_swappable(media_root, _("it is a mount point"))
    kept = media_root.with_name(f"{media_root.name}.before-restore-{now:%Y%m%d-%H%M%S}")
    suffix = 1
    while kept.exists():
        suffix += 1
        kept = media_root.with_name(f"{media_root.name}.before-restore-{now:%Y%m%d-%H%M%S}-{suffix}")
    return kept


def _swap_media(media_root: Path, staging: Path, kept: Path | None) -> None:
    """Rename ``MEDIA_ROOT`` to ``kept`` and ``staging`` to ``MEDIA_ROOT`` (checked possible beforehand)."""
    try:
        if kept is not None:
            staging.chmod(media_root.stat().st_mode & 0o7777)
            media_root.rename(kept)
        try:
            staging.rename(media_root)
        except OSError:
            if kept is not None:
                kept.rename(media_root)
            raise
    except OSError as exc:
        raise BackupError(
            _("The database was restored, but the stored files could not be put in place (%(error)s): the "
              "backup's files are in %(staging)s, the previous ones still in %(media)s. Move them by hand.")
            % {"error": exc, "staging": staging, "media": media_root}, code="media_swap_failed") from exc


def _restore_postgresql(database: dict, dump: Path, drop: list[str]) -> None:
    """One transaction: drop the tables the dump does not have, then run the dump's script
    (``pg_restore --clean --if-exists --no-owner`` into ``psql``); it is committed only when pg_restore
    finished without error and psql stops at the first error, so a failure leaves the database as it was."""
    for tool in ("pg_restore", "psql"):
        _require_tool(tool)
    env = pg_environment(database)
    prelude = "BEGIN;\n" + "".join(f"DROP TABLE IF EXISTS {_quote(table)} CASCADE;\n" for table in drop)
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as load_errors:
        load = subprocess.Popen(["psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
                                 f"--dbname={database['NAME']}"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=load_errors, env=env)
        restore = subprocess.Popen(["pg_restore", "--clean", "--if-exists", "--no-owner", "--file=-", str(dump)],
                                   stdout=subprocess.PIPE, stderr=restore_errors, env=env)
        try:
            load.stdin.write(prelude.encode())
            shutil.copyfileobj(restore.stdout, load.stdin, CHUNK)
            if restore.wait() == 0:
                load.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:  # psql stopped at an error: it says which below
            pass
        finally:
            if restore.poll() is None:
                restore.kill()
            restore.wait()
            restore.stdout.close()
            with contextlib.suppress(BrokenPipeError):
                load.stdin.close()
            load.wait()
        for process, errors, tool in ((load, load_errors, "psql"), (restore, restore_errors, "pg_restore")):
            if process.returncode != 0:
                errors.seek(0)
                raise _tool_failed(tool, errors.read().decode(errors="replace") or f"exit {process.returncode}")


@dataclass
class RestoreResult:
    manifest: dict
    fingerprint_matches: bool
    seconds: float
    previous_media: Path | None
    dropped_tables: list[str]


def restore_backup(path: Path | str, *, yes: bool = False, database: dict | None = None,
                   media_root: Path | str | None = None) -> RestoreResult:
    """Put a backup back.

    Before anything is touched: the signature and every hash are checked; a database that is not empty
    is refused unless ``yes`` (``extra_tables`` when it has tables the backup does not, i.e. it was
    migrated further; ``not_empty`` otherwise); the stored files are unpacked beside ``MEDIA_ROOT`` and
    checked, and the swap is checked possible (writable parent, same filesystem). Then the database is
    replaced — PostgreSQL: in one transaction, the extra tables dropped and the dump's ``--clean``
    script run; SQLite: copied back through the backup API (stop the site first) — and the stored files
    swapped in, the previous ones kept as ``<MEDIA_ROOT>.before-restore-<time>`` (never deleted).
    Finally the database's fingerprint is compared with the manifest's."""
    import time

    started = time.monotonic()
    database = database or database_settings()
    vendor = vendor_of(database)
    media_root = Path(media_root or settings.MEDIA_ROOT).resolve()
    directory = backup_directory(path)
    manifest = verify_backup(directory)
    if manifest["engine"] != vendor:
        raise BackupError(_("This backup is of a %(backup)s database; the configured database is %(configured)s.")
                          % {"backup": manifest["engine"], "configured": vendor}, code="engine_mismatch")
    extra = tables_not_in_dump(database, directory, manifest)
    if not yes and extra:
        raise BackupError(
            _("The database %(name)s has tables the backup does not have (%(tables)s): it was migrated further "
              "than the backup. Restoring with --yes drops them and replaces everything else; then run migrate.")
            % {"name": database["NAME"], "tables": ", ".join(extra[:10]) + (" …" if len(extra) > 10 else "")},
            code="extra_tables")
    if not yes and not is_empty(database):
        raise BackupError(_("The database %(name)s is not empty: restoring replaces everything in it. Stop the "
                            "site and run the command again with --yes to go ahead.") % {"name": database["NAME"]},
                          code="not_empty")
    staging = _extract_media(directory, manifest, media_root)
    try:
        kept = _plan_media_swap(media_root, staging, datetime.datetime.now(datetime.UTC))
        from django.db import connections

        connections.close_all()
        dump = directory / DUMP[vendor]
        if vendor == "postgresql":
            _restore_postgresql(database, dump, extra)
        else:
            source = sqlite3.connect(dump)
            target = sqlite3.connect(sqlite_path(database))
            try:
                source.backup(target)  # the whole file: tables the backup does not have are gone too
            finally:
                target.close()
                source.close()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_media(media_root, staging, kept)
    expected = (manifest.get("fingerprint") or {}).get("digest")
    matches = bool(expected) and database_fingerprint(database)["digest"] == expected
    return RestoreResult(manifest, matches, time.monotonic() - started, kept, extra)
