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
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
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


def test_backup_restore_drill(scratch_database, media, tmp_path, monkeypatch, settings):
    """The drill through the commands: backup → change → restore refused without --yes → restore → same
    fingerprint and files as at backup time."""
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
    assert (tmp_path / "media.before-restore" / "exports" / "new.xlsx").exists()


def test_altered_backup_is_refused(scratch_database, media, tmp_path):
    """A flipped byte in the dump or the media tar, or an unreadable manifest: refused before anything is
    touched."""
    result = backups.create_backup(tmp_path / "backups", database=scratch_database, media_root=media)
    _change_data(scratch_database)
    changed = backups.database_fingerprint(scratch_database)
    (media / "exports" / "members.xlsx").write_bytes(b"after")
    for victim, expected in ((backups.DUMP[connection.vendor], "hash_mismatch"), ("media.tar", "hash_mismatch"),
                             ("manifest.json", "bad_manifest")):
        copy = tmp_path / f"altered-{victim}"
        shutil.copytree(result.path, copy)
        if victim == "manifest.json":
            (copy / victim).write_text("{not json")
        else:
            data = bytearray((copy / victim).read_bytes())
            data[len(data) // 2] ^= 0xFF
            (copy / victim).write_bytes(bytes(data))
        with pytest.raises(backups.BackupError) as refused:
            backups.restore_backup(copy, yes=True, database=scratch_database, media_root=media)
        assert refused.value.code == expected, victim
    # A media tar rebuilt with forged files and its new hash written into the manifest still fails: the
    # per-file hashes do not match.
    forged, other = tmp_path / "forged", tmp_path / "other"
    shutil.copytree(result.path, forged)
    for entry in result.manifest["media_files"]:
        (other / entry["path"]).parent.mkdir(parents=True, exist_ok=True)
        (other / entry["path"]).write_bytes(b"forged")
    backups.write_media_tar(other, forged / "media.tar")
    manifest = json.loads((forged / "manifest.json").read_text())
    manifest["files"]["media.tar"] = {"size": (forged / "media.tar").stat().st_size,
                                      "sha256": backups.sha256_file(forged / "media.tar")}
    (forged / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(backups.BackupError) as refused:
        backups.restore_backup(forged, yes=True, database=scratch_database, media_root=media)
    assert refused.value.code == "hash_mismatch"

    (result.path / "media.tar").unlink()
    with pytest.raises(backups.BackupError) as refused:
        backups.restore_backup(result.path, yes=True, database=scratch_database, media_root=media)
    assert refused.value.code == "missing_file"
    assert backups.database_fingerprint(scratch_database) == changed, "nothing was touched"
    assert (media / "exports" / "members.xlsx").read_bytes() == b"after"


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
