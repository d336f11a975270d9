"""`kaifaqu backup` and `kaifaqu restore`: a copy taken while the site runs restores whole into
an empty database, and a restore refuses what it cannot prove (a tampered archive, a database
with rows, an archive from a newer version), changing nothing.

The backups are taken in this process, from the suite's own database; each restore runs the
`kaifaqu restore` command in a child process against a new database of the same vendor (a
SQLite file, or a PostgreSQL database made for the test and dropped after it), as a zone's IT
staff would run it on a new server.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import sqlite3
import subprocess
import tarfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from kaifaqu.core import audit, audit_guard, backup
from kaifaqu.core.context import acting
from kaifaqu.core.models import AuditEntry
from kaifaqu.core.testing import require_program, skip_or_fail
from kaifaqu.core.tests.test_settings import POSTGRES_URL, command_env, kaifaqu_command

UPLOADS = {
    "portal/policies/2017/政策.pdf": b"%PDF-1.4 a policy\n",
    "carriers/photos/2017/building.png": b"\x89PNG\r\n\x1a\n a photo",
}
AUDIT_TABLE = AuditEntry._meta.db_table


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """Uploaded files in a folder of the test's own."""
    root = tmp_path / "media"
    for name, content in UPLOADS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    settings.MEDIA_ROOT = root
    return root


# A database to restore into ------------------------------------------------------------------


def _admin_conninfo() -> str:
    """The PostgreSQL server's maintenance database: the suite's own server, or the default."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        return psycopg.conninfo.make_conninfo(
            host=db["HOST"] or "127.0.0.1",
            port=str(db["PORT"] or 5432),
            user=db["USER"] or "postgres",
            password=db["PASSWORD"] or None,
            dbname="postgres",
        )
    return POSTGRES_URL


def _url(conninfo: str) -> str:
    """A ``postgres://`` URL for DATABASE_URL from a libpq connection string."""
    params = psycopg.conninfo.conninfo_to_dict(conninfo)
    auth = str(params.get("user") or "postgres")
    if params.get("password"):
        auth += f":{params['password']}"
    host, port = params.get("host") or "127.0.0.1", params.get("port") or "5432"
    return f"postgres://{auth}@{host}:{port}/{params['dbname']}"


def _reachable() -> None:
    try:
        with psycopg.connect(_admin_conninfo(), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        skip_or_fail(f"PostgreSQL not reachable at {_admin_conninfo()}: {exc}".strip())
    require_program("pg_dump", "postgresql-client")
    require_program("pg_restore", "postgresql-client")


@contextlib.contextmanager
def _postgresql_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database with a unique name, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield psycopg.conninfo.make_conninfo(_admin_conninfo(), dbname=name)
    finally:
        with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@dataclass
class Site:
    """Another kaifaqu instance: its database (SQLite file or PostgreSQL) and var directory."""

    var_dir: Path
    sqlite_file: Path | None = None
    conninfo: str | None = None

    @property
    def url(self) -> str:
        if self.sqlite_file is not None:
            return f"sqlite:///{self.sqlite_file}"
        assert self.conninfo is not None
        return _url(self.conninfo)

    @property
    def media(self) -> Path:
        return self.var_dir / "media"

    def run(self, *args: str, timeout: int = 240) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 (our own console script, fixed arguments)
            [kaifaqu_command(), *args],
            env=command_env(self.url, self.var_dir),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        if self.sqlite_file is not None:
            if not self.sqlite_file.exists():
                return []
            with contextlib.closing(sqlite3.connect(self.sqlite_file)) as db:
                return db.execute(query).fetchall()
        assert self.conninfo is not None
        with psycopg.connect(self.conninfo) as db:
            return db.execute(query).fetchall()

    def tables(self) -> dict[str, int]:
        """Every table's row count (SQLite's own tables left out), as a manifest has them."""
        if self.sqlite_file is not None:
            names = [n for (n,) in self.rows("SELECT name FROM sqlite_master WHERE type='table'")]
            names = [n for n in names if not n.startswith("sqlite_")]
        else:
            names = [
                n
                for (n,) in self.rows(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            ]
        return {n: self.rows(f'SELECT COUNT(*) FROM "{n}"')[0][0] for n in sorted(names)}


def _sqlite_site(root: Path) -> Site:
    return Site(var_dir=root / "var", sqlite_file=root / "var" / "kaifaqu.sqlite3")


@pytest.fixture
def new_site(tmp_path) -> Iterator[Site]:
    """An empty instance of the suite's vendor to restore into."""
    root = tmp_path / "new-site"
    if connection.vendor == "sqlite":
        yield _sqlite_site(root)
        return
    with _postgresql_database("kaifaqu_restore") as conninfo:
        yield Site(var_dir=root / "var", conninfo=conninfo)


# Reading and changing backups ------------------------------------------------------------------


def manifest_of(path: Path) -> dict[str, Any]:
    if path.is_dir():
        return json.loads((path / backup.MANIFEST).read_text(encoding="utf-8"))
    with tarfile.open(path) as archive:
        member = archive.extractfile(backup.MANIFEST)
        assert member is not None
        return json.loads(member.read().decode("utf-8"))


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    (path / backup.MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")


def rehash(path: Path, name: str) -> None:
    """What a careful forger does after changing a file: fix its checksum in the manifest."""
    manifest = manifest_of(path)
    manifest["files"][name]["sha256"] = hashlib.sha256((path / name).read_bytes()).hexdigest()
    manifest["files"][name]["size"] = (path / name).stat().st_size
    write_manifest(path, manifest)


def take_backup(tmp_path: Path, *, as_tar: bool = True) -> Path:
    out = io.StringIO()
    output = str(tmp_path / "backups")
    call_command("backup", "--output", output, "--format", "tar" if as_tar else "dir", stdout=out)
    return Path(out.getvalue().strip().splitlines()[-1].split(": ", 1)[1])


@pytest.fixture
def small_backup(transactional_db, media, tmp_path) -> Path:
    """A directory backup of a small site: a few audited events and the uploads."""
    with acting(label="system:test"):
        for n in range(3):
            audit.record("create", object_type="test", object_id=str(n), object_repr=f"thing {n}")
    path = take_backup(tmp_path, as_tar=False)
    assert path.stat().st_mode & 0o777 == 0o700
    return path


def _refused(site: Site, archive: Path, message: str) -> None:
    result = site.run("restore", str(archive))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Restore refused" in result.stderr
    assert message in result.stderr
    assert "Database restored" not in result.stdout
    # Nothing changed: no rows, no uploads.
    assert site.tables() == {}
    assert not site.media.exists()


# A round trip ---------------------------------------------------------------------------------


def test_a_backup_of_the_demo_restores_whole_into_a_new_database(
    demo_committed, media, tmp_path, new_site
):
    before = backup.live_state()
    archive = take_backup(tmp_path)

    assert re.fullmatch(r"kaifaqu-backup-\d{8}T\d{6}\+0800\.tar", archive.name)
    assert archive.stat().st_mode & 0o777 == 0o600
    manifest = manifest_of(archive)
    database_file = backup.DATABASE_FILES[connection.vendor]
    assert manifest["database"] == {"vendor": connection.vendor, "file": database_file}
    assert manifest["kaifaqu_version"] == "0.1.0"
    assert manifest["created_at"].endswith("+08:00")
    # The manifest is the database as it was: the backup itself wrote one audit row after it.
    assert manifest["tables"] == before.tables
    assert manifest["migrations"] == before.migrations
    head = AuditEntry.objects.order_by("seq")[AuditEntry.objects.count() - 2]
    assert manifest["audit_head"] == {"id": head.pk, "seq": head.seq, "hash": head.hash}
    last = AuditEntry.objects.order_by("-seq")[0]
    assert (last.action, last.object_repr) == ("export", f"backup {archive.name}")
    assert set(manifest["files"]) == {database_file, *(f"media/{name}" for name in UPLOADS)}
    for name, content in UPLOADS.items():
        assert manifest["files"][f"media/{name}"] == {
            "sha256": hashlib.sha256(content).hexdigest(),
            "size": len(content),
        }
    with tarfile.open(archive) as tar:
        assert tar.getnames()[0] == backup.MANIFEST
        assert sorted(tar.getnames()) == sorted([backup.MANIFEST, *manifest["files"]])

    result = new_site.run("restore", str(archive))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Restore verified" in result.stdout
    for check in ("migrations", "row counts", "audit chain", "audit head", "files"):
        assert f"ok   {check}: " in result.stdout
    assert ("ok   integrity: " in result.stdout) == (connection.vendor == "sqlite")

    restored = new_site.tables()
    # The restore, once verified, records itself: one audit row past the backup's head.
    assert restored == {**manifest["tables"], AUDIT_TABLE: manifest["tables"][AUDIT_TABLE] + 1}
    assert new_site.rows(f"SELECT id, seq, hash FROM {AUDIT_TABLE} WHERE seq = {head.seq}") == [
        (head.pk, head.seq, head.hash)
    ]
    assert new_site.rows(
        f"SELECT action, object_repr, prev_hash FROM {AUDIT_TABLE} WHERE seq = {head.seq + 1}"
    ) == [("import", f"restore of {archive.name}", head.hash)]
    for name, content in UPLOADS.items():
        assert (new_site.media / name).read_bytes() == content


# The drill ----------------------------------------------------------------------------------


def test_the_drill_a_backup_under_concurrent_writes_restores_consistent(
    demo_committed, media, tmp_path, new_site, capsys
):
    """A writer saves audited values through the statistics service while the backup runs."""
    from kaifaqu.stats.models import DataElement, DataValue
    from kaifaqu.stats.services import value_save

    element = DataElement.objects.order_by("code")[0]
    zone_id = demo_committed.zone.pk
    written: list[int] = []
    stop = threading.Event()
    failures: list[BaseException] = []

    def writer() -> None:
        from django.db import connection as thread_connection

        from kaifaqu.orgs.models import OrgUnit

        zone = OrgUnit.objects.get(pk=zone_id)
        try:
            with acting(label="system:drill"):
                n = 0
                while not stop.is_set():
                    row = value_save(
                        actor=None,
                        element=element,
                        org_unit=zone,
                        period=f"{2040 + n // 12}-{n % 12 + 1:02d}",
                        value=n,
                        source="drill",
                        check_rules=False,
                        version=0,  # a new value each time: there was none
                    )
                    written.append(row.pk)
                    n += 1
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)
        finally:
            thread_connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20 and thread.is_alive():
            time.sleep(0.01)
        before_backup = len(written)
        started = time.monotonic()
        archive = take_backup(tmp_path)
        backup_seconds = time.monotonic() - started
        after_backup = len(written)
        while len(written) < after_backup + 10 and thread.is_alive():
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join()
    assert failures == []

    started = time.monotonic()
    result = new_site.run("restore", str(archive))
    restore_seconds = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr

    table = DataValue._meta.db_table
    restored = [
        pk for (pk,) in new_site.rows(f"SELECT id FROM {table} WHERE source = 'drill' ORDER BY id")
    ]
    # One writer, one value at a time: the snapshot holds exactly the first values written,
    # at least those written before the backup began, at most those written before it ended.
    assert restored == written[: len(restored)]
    assert before_backup <= len(restored) <= after_backup
    # Each of them with its audit row (the chain and its head were verified by the restore).
    audited = {
        int(object_id)
        for (object_id,) in new_site.rows(
            f"SELECT object_id FROM {AUDIT_TABLE} "
            f"WHERE object_type = 'stats.datavalue' AND action = 'create' "
            f"AND actor_username = 'system:drill'"
        )
    }
    assert audited == set(restored)
    assert manifest_of(archive)["tables"][table] == DataValue.objects.count() - (
        len(written) - len(restored)
    )
    with capsys.disabled():
        print(
            f"\nbackup/restore drill ({connection.vendor}): backup {backup_seconds:.2f} s under "
            f"load, restore and verification {restore_seconds:.2f} s (RTO); "
            f"{len(written) - len(restored)} of {len(written)} values written during the drill "
            "came after the snapshot (RPO: lost on a restore of this backup)"
        )


# Refusals -----------------------------------------------------------------------------------


def test_a_database_with_rows_is_refused(small_backup):
    from kaifaqu.core.models import User

    users = User.objects.count()
    with pytest.raises(CommandError, match=r"is not empty: \d+ tables hold rows"):
        call_command("restore", str(small_backup), stdout=io.StringIO())
    assert User.objects.count() == users
    assert audit.verify_chain() is None


def test_a_changed_upload_is_refused_and_nothing_is_restored(small_backup, new_site):
    (small_backup / "media" / "portal/policies/2017/政策.pdf").write_bytes(b"%PDF-1.4 forged\n")
    _refused(
        new_site,
        small_backup,
        "the backup has been altered or is incomplete: media/portal/policies/2017/政策.pdf "
        "does not match its checksum; nothing restored",
    )


def test_a_missing_or_extra_file_is_refused(small_backup, new_site):
    (small_backup / "media" / "carriers/photos/2017/building.png").unlink()
    (small_backup / "media" / "planted.html").write_text("<script>")
    _refused(
        new_site,
        small_backup,
        "media/carriers/photos/2017/building.png is missing; "
        "media/planted.html is not in the manifest; nothing restored",
    )


def test_a_changed_database_file_is_refused(small_backup, new_site):
    name = backup.DATABASE_FILES[connection.vendor]
    with (small_backup / name).open("r+b") as handle:
        handle.seek(-1, 2)
        last = handle.read(1)
        handle.seek(-1, 2)
        handle.write(bytes([last[0] ^ 1]))
    _refused(new_site, small_backup, f"{name} does not match its checksum; nothing restored")


def test_a_row_removed_from_the_copy_is_refused_even_with_its_checksum_fixed(
    small_backup, new_site
):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite copy is a file a forger edits; the manifest case covers both")
    name = backup.DATABASE_FILES["sqlite"]
    with contextlib.closing(sqlite3.connect(small_backup / name)) as db:
        # The copy's triggers dropped first, as its editor can.
        audit_guard.run(db, audit_guard.uninstall_sql("sqlite"))
        db.execute(f"DELETE FROM {AUDIT_TABLE} WHERE seq = 2")
        db.commit()
    rehash(small_backup, name)
    _refused(
        new_site,
        small_backup,
        f"the backup's database does not match its manifest: row counts: {AUDIT_TABLE}: "
        f"{manifest_of(small_backup)['tables'][AUDIT_TABLE]} in the manifest, "
        f"{manifest_of(small_backup)['tables'][AUDIT_TABLE] - 1} here; nothing restored",
    )


def test_an_edited_audit_row_fails_the_verification(small_backup, new_site):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite copy is a file a forger edits; the manifest case covers both")
    name = backup.DATABASE_FILES["sqlite"]
    with contextlib.closing(sqlite3.connect(small_backup / name)) as db:
        # The copy's triggers dropped first, as its editor can.
        audit_guard.run(db, audit_guard.uninstall_sql("sqlite"))
        db.execute(f"UPDATE {AUDIT_TABLE} SET object_repr = 'nothing' WHERE seq = 2")
        db.commit()
    rehash(small_backup, name)
    result = new_site.run("restore", str(small_backup))
    assert result.returncode == 1
    assert "FAIL audit chain: broken at row #2" in result.stdout
    assert "ok   row counts: " in result.stdout
    assert "Restore FAILED verification (audit chain)" in result.stderr
    # A copy that failed is not recorded as a restore.
    assert new_site.rows(f"SELECT COUNT(*) FROM {AUDIT_TABLE} WHERE action = 'import'") == [(0,)]


def test_a_manifest_claiming_another_count_fails(small_backup, new_site):
    manifest = manifest_of(small_backup)
    manifest["tables"]["core_user"] = manifest["tables"]["core_user"] + 1
    write_manifest(small_backup, manifest)
    result = new_site.run("restore", str(small_backup))
    assert result.returncode == 1
    expected = f"core_user: {manifest['tables']['core_user']} in the manifest, "
    if connection.vendor == "sqlite":
        # The SQLite copy is counted before anything is restored.
        assert "Restore refused: the backup's database does not match its manifest" in result.stderr
        assert expected in result.stderr
        assert new_site.tables() == {}
    else:
        assert f"FAIL row counts: {expected}" in result.stdout
        assert "Restore FAILED verification (row counts)" in result.stderr


def test_bad_input_gets_a_clear_message_and_changes_nothing(small_backup, new_site, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    _refused(new_site, text, f"{text} is not a kaifaqu backup: neither a backup directory nor")
    _refused(new_site, tmp_path / "nowhere.tar", "nowhere.tar: no such file or directory")

    no_manifest = tmp_path / "no-manifest.tar"
    with tarfile.open(no_manifest, "w") as tar:
        tar.add(small_backup / "media", arcname="media")
    _refused(new_site, no_manifest, "manifest.json is missing: not a kaifaqu backup")

    manifest = manifest_of(small_backup)
    future = [*manifest["migrations"], ["core", "9999_from_the_future"]]
    write_manifest(small_backup, {**manifest, "migrations": future})
    _refused(
        new_site,
        small_backup,
        "the backup comes from a newer migration state than this kaifaqu (0.1.0) knows: "
        "core.9999_from_the_future. Install the version that made it (0.1.0)",
    )

    write_manifest(small_backup, {**manifest, "files": {"../../etc/passwd": {"sha256": "0"}}})
    _refused(new_site, small_backup, "manifest.json is not laid out as a kaifaqu manifest")

    (small_backup / backup.MANIFEST).write_text("{not json")
    _refused(new_site, small_backup, "manifest.json is not valid JSON")


def test_an_archive_reaching_outside_is_refused(small_backup, new_site, tmp_path):
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as tar:
        tar.add(small_backup / backup.MANIFEST, arcname=backup.MANIFEST)
        tar.add(small_backup / backup.MANIFEST, arcname="../../escaped.json")
    _refused(new_site, evil, "cannot be unpacked")
    assert not (tmp_path / "escaped.json").exists()


# PostgreSQL from a suite on SQLite ----------------------------------------------------------


@pytest.mark.postgres
def test_the_postgresql_round_trip(tmp_path):
    """pg_dump -Fc and pg_restore through the commands, on databases made for the test."""
    if connection.vendor == "postgresql":
        pytest.skip("the suite runs on PostgreSQL: the tests above take this path")
    _reachable()
    with (
        _postgresql_database("kaifaqu_backup_source") as source_info,
        _postgresql_database("kaifaqu_backup_target") as target_info,
    ):
        source = Site(var_dir=tmp_path / "source", conninfo=source_info)
        target = Site(var_dir=tmp_path / "target", conninfo=target_info)
        for args in (["migrate", "--noinput"], ["load_demo"]):
            result = source.run(*args)
            assert result.returncode == 0, result.stderr
        (source.media / "portal").mkdir(parents=True)
        (source.media / "portal" / "p.pdf").write_bytes(b"%PDF-1.4 x")
        before = source.tables()
        result = source.run("backup", "--output", str(tmp_path / "backups"))
        assert result.returncode == 0, result.stderr
        archive = Path(result.stdout.strip().splitlines()[-1].split(": ", 1)[1])
        manifest = manifest_of(archive)
        assert manifest["database"] == {"vendor": "postgresql", "file": "database.dump"}
        assert manifest["tables"] == before

        result = target.run("restore", str(archive))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Restore verified" in result.stdout
        restored = target.tables()
        assert restored == {**before, AUDIT_TABLE: before[AUDIT_TABLE] + 1}
        assert (target.media / "portal" / "p.pdf").read_bytes() == b"%PDF-1.4 x"

        again = target.run("restore", str(archive))
        assert again.returncode == 1
        assert "is not empty" in again.stderr
        assert target.tables() == restored
