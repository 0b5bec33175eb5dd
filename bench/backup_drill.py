"""Restore drill: ``make backup-drill`` or ``python -m bench.backup_drill``.

On a fresh demo database (PostgreSQL ``dangjian_bench_backup``, ``BENCH_BACKUP_DATABASE_URL``: the small
demo city and the grid demo, built by ``bench.requests_load.build_data``) and a media directory of its
own (``var/bench/backup-drill/media``, some generated files; never the site's ``MEDIA_ROOT``):

1. fingerprint, back up (``dangjian.core.backups.create_backup``) while a thread writes and commits a row
   every 20 ms (the site at work), note time and size;
2. change data (one audit entry added, one deleted) and files;
3. restore with ``yes`` over the changed database → the fingerprint equals the manifest's (the moment of
   the backup's snapshot) and the files those at backup time;
4. restore into a new, empty database (``<name>_restored``) → same fingerprint; dropped afterwards;
5. a copy of the backup with one flipped byte in the dump is refused before anything is touched.

``--sqlite`` runs the same drill on a fresh SQLite demo database too (``var/bench/backup-drill/``; a few
minutes more: migrations and the demo city). Prints the figures; docs/backups.md records them.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from pathlib import Path

from bench.requests_load import say

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dangjian_bench_backup"
ROOT = Path(__file__).resolve().parent.parent


def make_media(root: Path, count: int = 40) -> None:
    shutil.rmtree(root, ignore_errors=True)
    for index in range(count):
        path = root / ("meetings/2026/11" if index % 2 else "exports") / f"file-{index:03d}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(16 * 1024 + index * 997))


def change_data(database: dict) -> None:
    from dangjian.core import backups

    with backups.raw_cursor(database) as cursor:
        cursor.execute("SELECT min(id) FROM core_auditentry")
        (low,) = cursor.fetchone()
        cursor.execute("INSERT INTO core_auditentry (at, actor_name, action, object_id, object_repr, changes, note) "
                       "VALUES ('2026-12-01 10:00:00+08:00', 'drill', 'member.updated', '', '', '{}', 'drill')")
        cursor.execute(f"DELETE FROM core_auditentry WHERE id = {int(low)}")
        cursor.connection.commit()


def write_during_backup(database: dict, stop, written: list) -> None:
    """The site writing while the backup runs: an audit entry every 20 ms, each committed at once."""
    from dangjian.core import backups

    with backups.raw_cursor(database) as cursor:
        while not stop.is_set():
            cursor.execute("INSERT INTO core_auditentry (at, actor_name, action, object_id, object_repr, changes, "
                           "note) VALUES ('2026-12-01 10:00:00+08:00', 'drill', 'member.updated', '', '', '{}', "
                           "'written during the backup')")
            cursor.connection.commit()
            written.append(1)
            stop.wait(0.02)


def files_of(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def drill(database: dict, work: Path, *, empty: dict) -> dict:
    """The drill on ``database``; ``empty`` is the settings of a database that does not exist or is empty."""
    from dangjian.core import backups

    media = work / "media"
    make_media(media)
    figures = {"engine": backups.vendor_of(database)}
    started = time.monotonic()
    before = backups.database_fingerprint(database)
    figures["fingerprint_seconds"] = time.monotonic() - started
    figures["tables"] = len(before["tables"])
    figures["rows"] = sum(t["rows"] or 0 for t in before["tables"].values())
    files_before = files_of(media)
    shutil.rmtree(work / "backups", ignore_errors=True)
    stop, written = threading.Event(), []
    writer = threading.Thread(target=write_during_backup, args=(database, stop, written))
    writer.start()
    try:
        made = backups.create_backup(work / "backups", database=database, media_root=media)
    finally:
        stop.set()
        writer.join()
    figures["backup_seconds"] = made.seconds
    figures["written_during_backup"] = len(written)
    figures["backup_bytes"] = {name: entry["size"] for name, entry in made.manifest["files"].items()}
    # The site wrote during the backup: the manifest describes one moment between "before" and now.
    snapshot = made.manifest["fingerprint"]
    figures["manifest_matches_fingerprint"] = (snapshot["tables"]["core_auditentry"]["rows"] - before["tables"][
        "core_auditentry"]["rows"]) in range(len(written) + 1)
    before = snapshot

    change_data(database)
    (media / "exports" / "file-000.bin").write_bytes(b"changed")
    (media / "exports" / "new.bin").write_bytes(b"new")
    figures["changed_differs"] = backups.database_fingerprint(database)["digest"] != before["digest"]

    restored = backups.restore_backup(made.path, yes=True, database=database, media_root=media)
    figures["restore_seconds"] = restored.seconds
    figures["restored_fingerprint_identical"] = backups.database_fingerprint(database) == before
    figures["restored_files_identical"] = files_of(media) == files_before

    started = time.monotonic()
    fresh = backups.restore_backup(made.path, database=empty, media_root=work / "media-fresh")
    figures["restore_empty_seconds"] = time.monotonic() - started
    figures["restore_empty_identical"] = backups.database_fingerprint(empty) == before and fresh.fingerprint_matches

    altered = work / "altered"
    shutil.rmtree(altered, ignore_errors=True)
    shutil.copytree(made.path, altered)
    dump = altered / backups.DUMP[figures["engine"]]
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    try:
        backups.restore_backup(altered, yes=True, database=database, media_root=media)
        figures["altered_refused"] = "NOT REFUSED"
    except backups.BackupError as exc:
        figures["altered_refused"] = exc.code
    figures["untouched_after_refusal"] = backups.database_fingerprint(database) == before
    figures["ok"] = all(figures[k] for k in ("manifest_matches_fingerprint", "changed_differs",
                                               "restored_fingerprint_identical", "restored_files_identical",
                                               "restore_empty_identical", "untouched_after_refusal")) \
        and figures["altered_refused"] == "hash_mismatch"
    return figures


def show(figures: dict, build_seconds: float) -> None:
    sizes = ", ".join(f"{name} {size / 1024 / 1024:.1f} MiB" for name, size in figures["backup_bytes"].items())
    say(f"  {figures['engine']}: {figures['tables']} tables, {figures['rows']:,} rows (built in {build_seconds:.0f} s)")
    say(f"  fingerprint {figures['fingerprint_seconds']:.1f} s; backup {figures['backup_seconds']:.1f} s ({sizes}) "
        f"while {figures['written_during_backup']} rows were written and committed")
    say(f"  restore over the changed database {figures['restore_seconds']:.1f} s, fingerprint identical: "
        f"{figures['restored_fingerprint_identical']}, files identical: {figures['restored_files_identical']}")
    say(f"  restore into an empty database {figures['restore_empty_seconds']:.1f} s, identical: "
        f"{figures['restore_empty_identical']}")
    say(f"  altered dump: {figures['altered_refused']}; database untouched: {figures['untouched_after_refusal']}")
    say(f"  => {'PASSED' if figures['ok'] else 'FAILED'}")


def postgres_drill(work: Path) -> bool:
    from django.db import connection, connections
    from psycopg import sql

    from bench.requests_load import build_data

    url = os.environ["DATABASE_URL"]
    say(f"PostgreSQL: building the demo database in {url} …")
    facts = build_data(url)
    database = dict(connection.settings_dict)
    connections.close_all()
    empty = {**database, "NAME": database["NAME"] + "_restored"}
    from dangjian.core.backups import pg_connect

    with pg_connect(database, dbname="postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(empty["NAME"])))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(empty["NAME"])))
    try:
        figures = drill(database, work / "postgresql", empty=empty)
    finally:
        with pg_connect(database, dbname="postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(empty["NAME"])))
    show(figures, facts["build_seconds"])
    return figures["ok"]


def sqlite_drill(work: Path) -> bool:
    """A fresh SQLite demo database, built in a child process (the settings read DATABASE_URL once)."""
    import subprocess

    target = work / "sqlite" / "demo.sqlite3"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    say(f"SQLite: building the demo database in {target} …")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{target}", "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    done = subprocess.run([sys.executable, "-m", "bench.backup_drill", "--sqlite-child", str(target)], env=env, cwd=ROOT)
    return done.returncode == 0


def sqlite_child(target: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    from dangjian.core.demo import city
    from dangjian.grid.demo import build_demo

    city.build(scale="small", seed=1)
    build_demo(seed=1)
    from django.db import connection, connections

    database = dict(connection.settings_dict)
    connections.close_all()
    empty = {**database, "NAME": str(target.with_name("restored.sqlite3"))}
    Path(empty["NAME"]).unlink(missing_ok=True)
    figures = drill(database, target.parent, empty=empty)
    show(figures, time.monotonic() - started - figures["backup_seconds"] - figures["restore_seconds"])
    return 0 if figures["ok"] else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="also drill a fresh SQLite demo database")
    parser.add_argument("--sqlite-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    if args.sqlite_child:
        return sqlite_child(Path(args.sqlite_child))
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_BACKUP_DATABASE_URL", DEFAULT_DATABASE_URL)
    import django

    django.setup()
    from django.conf import settings

    work = Path(settings.VAR_DIR) / "bench" / "backup-drill"
    work.mkdir(parents=True, exist_ok=True)
    ok = postgres_drill(work)
    if args.sqlite:
        ok = sqlite_drill(work) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
