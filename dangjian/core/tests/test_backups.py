"""Backup and restore drill: a backup taken, the data changed, the backup restored, the database's
fingerprint identical to the one taken at backup time; an altered backup refused.

The drill runs on a scratch copy of the test database (SQLite: a file copied through the backup API;
PostgreSQL, when the tests run on it: a database created from the test database as template and
dropped afterwards), never on the test database itself nor on ``dangjian``.
"""
import json
import os
import shutil
import sqlite3
import stat
import tarfile
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from dangjian.core import backups


def _scratch_sqlite(tmp_path):
    target = tmp_path / "scratch.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    connection.connection.backup(copy)
    copy.close()
    return {**connection.settings_dict, "NAME": str(target)}


@pytest.fixture
def scratch_database(tmp_path, django_db_setup, django_db_blocker):
    """A settings dict of a throw-away copy of the test database (the small demo city)."""
    # No ``db`` fixture: its open transaction would block the copy (SQLite's backup API, PostgreSQL's
    # template copy). The module's django_db test makes pytest-django set the test database up.
    with django_db_blocker.unblock():
        name = str(connection.settings_dict["NAME"])
        assert name.startswith(("test_", "file:memorydb")) or name == ":memory:", "never the real database"
        if connection.vendor == "sqlite":
            yield _scratch_sqlite(tmp_path)
            return
        if connection.vendor != "postgresql":
            pytest.skip("backups support PostgreSQL and SQLite")
        from psycopg import sql

        source = connection.settings_dict["NAME"]
        name = f"dangjian_backup_drill_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        connections.close_all()
        with backups.pg_connect(connection.settings_dict, dbname="postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(source)))
        try:
            yield {**connection.settings_dict, "NAME": name}
        finally:
            with backups.pg_connect(connection.settings_dict, dbname="postgres", autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def media(tmp_path):
    root = tmp_path / "media"
    (root / "meetings" / "2026" / "11").mkdir(parents=True)
    (root / "meetings" / "2026" / "11" / "minutes.docx").write_bytes(b"PK\x03\x04 minutes" * 100)
    (root / "exports").mkdir()
    (root / "exports" / "members.xlsx").write_bytes(os.urandom(4096))
    return root


def _change_data(database):
    """Add one audit entry and delete another, as the site would between backup and restore."""
    with backups.raw_cursor(database) as cursor:
        cursor.execute("SELECT min(id), max(id) FROM core_auditentry")
        low, high = cursor.fetchone()
        assert low is not None and low != high, "the demo city has audit entries"
        cursor.execute("INSERT INTO core_auditentry (at, actor_name, action, object_id, object_repr, changes, note) "
                       "VALUES ('2026-12-01 10:00:00+08:00', 'drill', 'member.updated', '', '', '{}', 'drill')")
        cursor.execute(f"DELETE FROM core_auditentry WHERE id = {low}")
        cursor.connection.commit()


def _media_files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _kept_media(tmp_path):
    return sorted(tmp_path.glob("media.before-restore-*"))


def test_backup_restore_drill(scratch_database, media, tmp_path, monkeypatch, settings):
    """The drill through the commands: backup → change → restore refused without --yes → restore → same
    fingerprint and files as at backup time; the files replaced are kept, a second restore keeps both."""
    monkeypatch.setattr(backups, "database_settings", lambda: scratch_database)
    settings.MEDIA_ROOT = media
    before = backups.database_fingerprint(scratch_database)
    files_before = _media_files(media)

    out = StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    [backup] = (tmp_path / "backups").iterdir()
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["fingerprint"] == before
    assert manifest["engine"] == connection.vendor
    assert manifest["migrations"]["core"].startswith("00")
    assert manifest["tables"]["organizations_organization"] > 10
    assert {entry["path"] for entry in manifest["media_files"]} == set(files_before)
    assert set(manifest["files"]) == {backups.DUMP[connection.vendor], "media.tar"}
    assert (backup / "manifest.json.sig").is_file()

    _change_data(scratch_database)
    (media / "exports" / "members.xlsx").write_bytes(b"changed")
    (media / "exports" / "new.xlsx").write_bytes(b"new")
    changed = backups.database_fingerprint(scratch_database)
    assert changed["digest"] != before["digest"]
    assert changed["tables"]["core_auditentry"]["rows"] == before["tables"]["core_auditentry"]["rows"]
    assert changed["tables"]["core_auditentry"]["checksum"] != before["tables"]["core_auditentry"]["checksum"]

    with pytest.raises(backups.BackupError) as refused:
        call_command("restore", str(backup))
    assert refused.value.code == "not_empty"
    assert backups.database_fingerprint(scratch_database) == changed

    call_command("restore", str(backup / "manifest.json"), yes=True, stdout=StringIO(), stderr=StringIO())
    assert backups.database_fingerprint(scratch_database) == before
    assert _media_files(media) == files_before
    [kept] = _kept_media(tmp_path)
    assert (kept / "exports" / "new.xlsx").read_bytes() == b"new"

    # A second restore never deletes the files the first one kept.
    (media / "exports" / "second.xlsx").write_bytes(b"second")
    call_command("restore", str(backup), yes=True, stdout=StringIO(), stderr=StringIO())
    assert _media_files(media) == files_before
    first, second = _kept_media(tmp_path)
    assert (first / "exports" / "new.xlsx").read_bytes() == b"new"
    assert (second / "exports" / "second.xlsx").read_bytes() == b"second"


def test_backup_is_readable_by_its_owner_only(scratch_database, media, tmp_path):
    """The dump holds password hashes, API tokens, TOTP secrets and sessions: whatever the umask, the
    backup directory is 0700 and its files 0600 (and a new output directory 0700)."""
    previous = os.umask(0o022)
    try:
        result = backups.create_backup(tmp_path / "new" / "backups", database=scratch_database, media_root=media)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new" / "backups").stat().st_mode) == 0o700
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o700
    names = {file.name: stat.S_IMODE(file.stat().st_mode) for file in result.path.iterdir()}
    assert names == {name: 0o600 for name in (backups.DUMP[connection.vendor], "media.tar", "manifest.json",
                                              "manifest.json.sig")}


def test_fingerprint_mismatch_fails_the_command(scratch_database, media, tmp_path, monkeypatch, settings):
    """A restore whose database does not give the manifest's fingerprint exits non-zero."""
    monkeypatch.setattr(backups, "database_settings", lambda: scratch_database)
    settings.MEDIA_ROOT = media
    result = backups.create_backup(tmp_path / "backups", database=scratch_database, media_root=media)
    manifest = json.loads((result.path / "manifest.json").read_text())
    manifest["fingerprint"]["digest"] = "0" * 64
    (result.path / "manifest.json").write_text(json.dumps(manifest))
    backups.sign_manifest(result.path)
    with pytest.raises(CommandError) as failed:
        call_command("restore", str(result.path), yes=True, stdout=StringIO(), stderr=StringIO())
    assert failed.value.code == "fingerprint_mismatch"


def _altered_copy(result, tmp_path, name):
    copy = tmp_path / name
    shutil.copytree(result.path, copy)
    return copy


def test_altered_backup_is_refused(scratch_database, media, tmp_path, settings):
    """A flipped byte in the dump or the media tar, an edited or unsigned manifest, one signed with another
    key, one not listing the dump, a forged media tar: each refused before anything is touched."""
    result = backups.create_backup(tmp_path / "backups", database=scratch_database, media_root=media)
    _change_data(scratch_database)
    changed = backups.database_fingerprint(scratch_database)
    (media / "exports" / "members.xlsx").write_bytes(b"after")

    def refused_with(copy):
        with pytest.raises(backups.BackupError) as refused:
            backups.restore_backup(copy, yes=True, database=scratch_database, media_root=media)
        return refused.value.code

    for victim in (backups.DUMP[connection.vendor], "media.tar"):
        copy = _altered_copy(result, tmp_path, f"altered-{victim}")
        data = bytearray((copy / victim).read_bytes())
        data[len(data) // 2] ^= 0xFF
        (copy / victim).write_bytes(bytes(data))
        assert refused_with(copy) == "hash_mismatch", victim

    # The attacker who alters the dump and writes its new hash into the manifest lacks the key.
    forged = _altered_copy(result, tmp_path, "forged-dump")
    dump = forged / backups.DUMP[connection.vendor]
    dump.write_bytes(dump.read_bytes() + b"\0")
    manifest = json.loads((forged / "manifest.json").read_text())
    manifest["files"][dump.name] = {"size": dump.stat().st_size, "sha256": backups.sha256_file(dump)}
    (forged / "manifest.json").write_text(json.dumps(manifest))
    assert refused_with(forged) == "bad_signature"
    (forged / "manifest.json.sig").unlink()
    assert refused_with(forged) == "bad_signature"

    # Signed with another site's key: refused; a backup signed with SECRET_KEY still restores after
    # BACKUP_KEY is set.
    settings.BACKUP_KEY = "another site's backup key"
    other = _altered_copy(result, tmp_path, "other-key")
    backups.sign_manifest(other)
    assert backups.verify_backup(result.path)["fingerprint"] == result.manifest["fingerprint"]
    settings.BACKUP_KEY = ""
    assert refused_with(other) == "bad_signature"

    # Signed (the key leaked, say) but not a backup: an unreadable manifest, one that leaves the dump out
    # of the check, a media tar with forged or extra files.
    unreadable = _altered_copy(result, tmp_path, "unreadable")
    (unreadable / "manifest.json").write_text("{not json")
    backups.sign_manifest(unreadable)
    assert refused_with(unreadable) == "bad_manifest"
    unlisted = _altered_copy(result, tmp_path, "unlisted")
    manifest = json.loads((unlisted / "manifest.json").read_text())
    del manifest["files"][backups.DUMP[connection.vendor]]
    (unlisted / "manifest.json").write_text(json.dumps(manifest))
    backups.sign_manifest(unlisted)
    assert refused_with(unlisted) == "bad_manifest"
    for name, extra in (("forged-tar", False), ("extra-tar", True)):
        forged, other = tmp_path / name, tmp_path / f"{name}-files"
        shutil.copytree(result.path, forged)
        if extra:  # the genuine files, plus one
            with tarfile.open(result.path / "media.tar") as tar:
                tar.extractall(other, filter="data")
            (other / "planted.html").write_bytes(b"<script>")
        else:
            for entry in result.manifest["media_files"]:
                (other / entry["path"]).parent.mkdir(parents=True, exist_ok=True)
                (other / entry["path"]).write_bytes(b"forged")
        backups.write_media_tar(other, forged / "media.tar")
        manifest = json.loads((forged / "manifest.json").read_text())
        manifest["files"]["media.tar"] = {"size": (forged / "media.tar").stat().st_size,
                                          "sha256": backups.sha256_file(forged / "media.tar")}
        (forged / "manifest.json").write_text(json.dumps(manifest))
        backups.sign_manifest(forged)
        assert refused_with(forged) == "hash_mismatch", name

    (result.path / "media.tar").unlink()
    assert refused_with(result.path) == "missing_file"
    assert backups.database_fingerprint(scratch_database) == changed, "nothing was touched"
    assert (media / "exports" / "members.xlsx").read_bytes() == b"after"
    assert not _kept_media(tmp_path) and not list(tmp_path.glob(".media-restore-*"))


def test_media_swap_checked_before_the_database(scratch_database, media, tmp_path, monkeypatch):
    """MEDIA_ROOT on another filesystem than its parent (a mount point) cannot be swapped by renaming:
    refused before the database is touched, the unpacked copy removed."""
    result = backups.create_backup(tmp_path / "backups", database=scratch_database, media_root=media)
    _change_data(scratch_database)
    changed = backups.database_fingerprint(scratch_database)
    monkeypatch.setattr(backups, "_same_filesystem", lambda first, second: False)
    with pytest.raises(backups.BackupError) as refused:
        backups.restore_backup(result.path, yes=True, database=scratch_database, media_root=media)
    assert refused.value.code == "media_not_swappable"
    assert backups.database_fingerprint(scratch_database) == changed
    assert not _kept_media(tmp_path) and not list(tmp_path.glob(".media-restore-*"))
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: str(path) != str(media.parent)
                        and real_access(path, mode, **kw))  # the parent directory not writable
    with pytest.raises(backups.BackupError) as refused:
        backups.restore_backup(result.path, yes=True, database=scratch_database, media_root=media)
    assert refused.value.code == "media_not_swappable"
    assert backups.database_fingerprint(scratch_database) == changed


def test_tables_newer_than_the_backup(scratch_database, media, tmp_path):
    """A database migrated further than the backup has tables the dump does not: refused without --yes,
    dropped with it, so a later migrate starts from the backup's state."""
    result = backups.create_backup(tmp_path / "backups", database=scratch_database, media_root=media)
    with backups.raw_cursor(scratch_database) as cursor:
        cursor.execute("CREATE TABLE core_newerfeature (id integer PRIMARY KEY, note text)")
        cursor.execute("INSERT INTO core_newerfeature VALUES (1, 'after the backup')")
        cursor.connection.commit()
    with pytest.raises(backups.BackupError) as refused:
        backups.restore_backup(result.path, database=scratch_database, media_root=media)
    assert refused.value.code == "extra_tables"
    with backups.raw_cursor(scratch_database) as cursor:
        assert "core_newerfeature" in backups.existing_tables(cursor, connection.vendor)

    restored = backups.restore_backup(result.path, yes=True, database=scratch_database, media_root=media)
    assert restored.dropped_tables == ["core_newerfeature"]
    assert restored.fingerprint_matches
    with backups.raw_cursor(scratch_database) as cursor:
        assert "core_newerfeature" not in backups.existing_tables(cursor, connection.vendor)


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="an empty PostgreSQL database is covered by make backup-drill")
def test_restore_into_empty_database_needs_no_yes(scratch_database, media, tmp_path):
    result = backups.create_backup(tmp_path / "backups", database=scratch_database, media_root=media)
    empty = {**scratch_database, "NAME": str(tmp_path / "new.sqlite3")}
    restored = backups.restore_backup(result.path, database=empty, media_root=tmp_path / "new-media")
    assert restored.fingerprint_matches
    assert backups.database_fingerprint(empty) == result.manifest["fingerprint"]


@pytest.mark.django_db
def test_db_fingerprint_command_follows_the_data():
    from dangjian.organizations.models import Organization

    def run():
        out = StringIO()
        call_command("db_fingerprint", "--json", stdout=out)
        return json.loads(out.getvalue())

    first = run()
    table = first["tables"]["organizations_organization"]
    assert table["rows"] == Organization.objects.count()
    assert "core_auditentry" in first["tables"] and "auth_group" in first["tables"]
    assert run() == first
    organization = Organization.objects.order_by("pk").first()
    Organization.objects.filter(pk=organization.pk).update(name=organization.name + "（改）")
    second = run()
    assert second["tables"]["organizations_organization"]["rows"] == table["rows"]
    assert second["tables"]["organizations_organization"]["checksum"] != table["checksum"]
    assert second["digest"] != first["digest"]
