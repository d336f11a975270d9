"""Restoring a backup into an empty database, and verifying the restored copy against its
manifest."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.db import connection
from django.db.migrations.loader import MigrationLoader

import kaifaqu

from .. import audit
from ..context import acting
from ..models import AuditAction, AuditEntry
from .database import (
    FORMAT,
    MANIFEST,
    MEDIA,
    BackupError,
    DatabaseState,
    Log,
    _files_under,
    _ignore,
    _media_root,
    _program,
    _run,
    _sqlite_file_state,
    _vendor,
    live_state,
    sha256,
)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def __str__(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {self.detail}"


@dataclass
class Verdict:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def add(self, name: str, ok: bool, detail: str) -> None:
        self.checks.append(Check(name, ok, detail))


# Restore ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _opened(source: Path) -> Iterator[Path]:
    """The backup's directory: itself, or a tar archive unpacked into a temporary one."""
    if source.is_dir():
        yield source
        return
    if not source.exists():
        raise BackupError(f"{source}: no such file or directory")
    if not tarfile.is_tarfile(source):
        raise BackupError(
            f"{source} is not a kaifaqu backup: neither a backup directory nor a .tar archive"
        )
    with tempfile.TemporaryDirectory(prefix="kaifaqu-restore-") as unpacked:
        try:
            with tarfile.open(source) as archive:
                # The "data" filter refuses absolute paths, "..", links and devices.
                archive.extractall(unpacked, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"{source} cannot be unpacked: {exc}") from exc
        yield Path(unpacked)


def read_manifest(root: Path) -> dict[str, Any]:
    path = root / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"{MANIFEST} is missing: not a kaifaqu backup, or an incomplete one; nothing restored"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{MANIFEST} is not valid JSON ({exc}); nothing restored") from exc
    expected = {"format", "database", "migrations", "tables", "audit_head", "files"}
    if not isinstance(manifest, dict) or not expected <= manifest.keys():
        raise BackupError(f"{MANIFEST} lacks {', '.join(sorted(expected))}; nothing restored")
    if manifest["format"] != FORMAT:
        raise BackupError(
            f"{MANIFEST} is of format {manifest['format']!r}; this kaifaqu reads format {FORMAT}"
        )
    if not _well_formed(manifest):
        raise BackupError(f"{MANIFEST} is not laid out as a kaifaqu manifest; nothing restored")
    return manifest


def _well_formed(manifest: dict[str, Any]) -> bool:
    files, head = manifest["files"], manifest["audit_head"]
    return (
        isinstance(manifest["database"], dict)
        and isinstance(manifest["migrations"], list)
        and all(isinstance(m, list) and len(m) == 2 for m in manifest["migrations"])
        and isinstance(manifest["tables"], dict)
        and all(isinstance(n, int) for n in manifest["tables"].values())
        and (head is None or (isinstance(head, dict) and {"id", "seq", "hash"} <= head.keys()))
        and isinstance(files, dict)
        and all(isinstance(f, dict) and isinstance(f.get("sha256"), str) for f in files.values())
        # Names stay inside the backup: no absolute path, no way up.
        and all(
            not PurePosixPath(name).is_absolute() and ".." not in PurePosixPath(name).parts
            for name in files
        )
    )


def _check_compatible(manifest: dict[str, Any]) -> None:
    vendor = manifest["database"].get("vendor")
    if vendor != _vendor():
        raise BackupError(
            f"the backup holds a {vendor} database and the configured database is "
            f"{connection.vendor}: a backup restores into the same kind of database"
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known
    )
    if unknown:
        shown = ", ".join(unknown[:5]) + (
            f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        )
        raise BackupError(
            f"the backup comes from a newer migration state than this kaifaqu "
            f"({kaifaqu.__version__}) knows: {shown}. Install the version that made it "
            f"({manifest.get('kaifaqu_version', 'unknown')}) to restore it; nothing restored"
        )


def _check_files(root: Path, manifest: dict[str, Any]) -> None:
    files: dict[str, dict[str, Any]] = manifest["files"]
    database_file = manifest["database"].get("file")
    if database_file not in files:
        raise BackupError(f"the manifest lists no database file ({database_file!r})")
    problems = []
    for name, described in sorted(files.items()):
        path = root / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif sha256(path) != described["sha256"]:
            problems.append(f"{name} does not match its checksum")
    listed = set(files) | {MANIFEST}
    problems += [
        f"{path.relative_to(root).as_posix()} is not in the manifest"
        for path in _files_under(root)
        if path.relative_to(root).as_posix() not in listed
    ]
    if problems:
        raise BackupError(
            "the backup has been altered or is incomplete: "
            + "; ".join(problems[:10])
            + (f" and {len(problems) - 10} more" if len(problems) > 10 else "")
            + "; nothing restored"
        )


def _state_problems(state: DatabaseState, manifest: dict[str, Any]) -> dict[str, str]:
    """Each way ``state`` differs from what the manifest recorded, by check name."""
    problems = {}
    recorded = sorted(map(list, manifest["migrations"]))
    if state.migrations != recorded:
        missing = {tuple(m) for m in recorded} - {tuple(m) for m in state.migrations}
        extra = {tuple(m) for m in state.migrations} - {tuple(m) for m in recorded}
        problems["migrations"] = (
            f"{len(missing)} recorded migrations not applied, {len(extra)} applied not recorded"
        )
    if state.tables != manifest["tables"]:
        names = sorted(set(state.tables) | set(manifest["tables"]))
        differ = [
            f"{n}: {manifest['tables'].get(n, 'no table')} in the manifest, "
            f"{state.tables.get(n, 'no table')} here"
            for n in names
            if state.tables.get(n) != manifest["tables"].get(n)
        ]
        problems["row counts"] = "; ".join(differ[:10])
    if state.audit_head != manifest["audit_head"]:
        problems["audit head"] = (
            f"{_head(manifest['audit_head'])} in the manifest, {_head(state.audit_head)} here"
        )
    return problems


def _head(head: dict[str, Any] | None) -> str:
    return "no rows" if head is None else f"row #{head['seq']} (id {head['id']}) {head['hash']}"


def _check_sqlite_copy(root: Path, manifest: dict[str, Any]) -> None:
    """The archived SQLite file against the manifest, before the target is touched."""
    integrity, state = _sqlite_file_state(root / manifest["database"]["file"])
    if integrity != "ok":
        raise BackupError(f"the backup's database fails SQLite's integrity check: {integrity}")
    if problems := _state_problems(state, manifest):
        raise BackupError(
            "the backup's database does not match its manifest: "
            + "; ".join(f"{name}: {text}" for name, text in problems.items())
            + "; nothing restored"
        )


def _check_target_empty() -> None:
    populated = {table: rows for table, rows in live_state().tables.items() if rows}
    if populated:
        shown = ", ".join(f"{t} ({n} rows)" for t, n in sorted(populated.items())[:5])
        raise BackupError(
            f"the database {connection.settings_dict['NAME']} is not empty: "
            f"{len(populated)} tables hold rows ({shown}). kaifaqu restores only into an empty "
            "database: create a new one (createdb, or a new SQLite file) and point "
            "DATABASE_URL at it; nothing restored"
        )


def _check_media_free(root: Path, manifest: dict[str, Any]) -> None:
    """No file of the backup may overwrite a different one already in MEDIA_ROOT."""
    media = _media_root()
    clashes = []
    for name, described in manifest["files"].items():
        if not name.startswith(MEDIA + "/"):
            continue
        existing = media / PurePosixPath(name).relative_to(MEDIA)
        if existing.exists() and (
            not existing.is_file() or sha256(existing) != described["sha256"]
        ):
            clashes.append(str(existing))
    if clashes:
        raise BackupError(
            f"{len(clashes)} files in {media} differ from the backup's ({', '.join(clashes[:5])}):"
            " restore into an empty upload folder; nothing restored"
        )


def _restore_sqlite(root: Path, manifest: dict[str, Any]) -> None:
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    # Checked empty above; a fresh file takes the copy's page size.
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = root / manifest["database"]["file"]
    with (
        contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as copy,
        contextlib.closing(sqlite3.connect(target)) as restored,
    ):
        copy.backup(restored)


def _restore_postgresql(root: Path, manifest: dict[str, Any]) -> None:
    pg_restore = _program("pg_restore")
    name = str(connection.settings_dict["NAME"])
    connection.close()
    _run(
        [
            pg_restore,
            f"--dbname={name}",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            # Tables that exist are empty (checked): dropped and made again as the dump has them.
            "--clean",
            "--if-exists",
            str(root / manifest["database"]["file"]),
        ]
    )


def _restore_media(root: Path, manifest: dict[str, Any]) -> int:
    media = _media_root()
    count = 0
    for name in sorted(manifest["files"]):
        if not name.startswith(MEDIA + "/"):
            continue
        target = media / PurePosixPath(name).relative_to(MEDIA)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
        count += 1
    return count


def verify(manifest: dict[str, Any]) -> Verdict:
    """Compare the configured database and MEDIA_ROOT with a backup's manifest."""
    verdict = Verdict()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            integrity = "; ".join(row[0] for row in cursor.fetchall())
        verdict.add("integrity", integrity == "ok", f"PRAGMA integrity_check: {integrity}")
    state = live_state()
    problems = _state_problems(state, manifest)
    unapplied = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations) - {
        tuple(m) for m in state.migrations
    }
    later = f"; {len(unapplied)} newer ones to apply: run kaifaqu migrate" if unapplied else ""
    verdict.add(
        "migrations",
        "migrations" not in problems,
        problems.get("migrations", f"{len(state.migrations)} applied, as recorded{later}"),
    )
    verdict.add(
        "row counts",
        "row counts" not in problems,
        problems.get(
            "row counts",
            f"{sum(state.tables.values())} rows in {len(state.tables)} tables, as recorded",
        ),
    )
    broken = audit.verify_chain()
    verdict.add(
        "audit chain",
        broken is None,
        f"broken at {broken}"
        if broken
        else f"{state.tables.get(AuditEntry._meta.db_table, 0)} rows verified",
    )
    verdict.add(
        "audit head",
        "audit head" not in problems,
        problems.get("audit head", f"{_head(state.audit_head)}, as recorded"),
    )
    media = _media_root()
    wrong = []
    uploads = [name for name in manifest["files"] if name.startswith(MEDIA + "/")]
    for name in uploads:
        path = media / PurePosixPath(name).relative_to(MEDIA)
        if not path.is_file() or sha256(path) != manifest["files"][name]["sha256"]:
            wrong.append(name)
    verdict.add(
        "files",
        not wrong,
        f"{len(wrong)} of {len(uploads)} differ: {', '.join(wrong[:5])}"
        if wrong
        else f"{len(uploads)} uploaded files match their checksums",
    )
    return verdict


def restore(source: Path, *, log: Log = _ignore) -> Verdict:
    """Restore a backup into the configured (empty) database and MEDIA_ROOT, then verify it.

    Raises ``BackupError`` before changing anything when the backup or the target is not fit.
    """
    with _opened(source) as root:
        manifest = read_manifest(root)
        _check_compatible(manifest)
        _check_files(root, manifest)
        if manifest["database"]["vendor"] == "sqlite":
            _check_sqlite_copy(root, manifest)
        log(
            f"Backup of {manifest.get('created_at', '?')} (kaifaqu "
            f"{manifest.get('kaifaqu_version', '?')}, {manifest['database']['vendor']}) "
            "checked: every file matches its checksum."
        )
        _check_target_empty()
        _check_media_free(root, manifest)
        if manifest["database"]["vendor"] == "sqlite":
            _restore_sqlite(root, manifest)
        else:
            _restore_postgresql(root, manifest)
        log(f"Database restored into {connection.settings_dict['NAME']}.")
        log(f"Uploaded files restored: {_restore_media(root, manifest)}.")
    verdict = verify(manifest)
    if verdict.ok:
        with acting(label="system:restore"):
            audit.record(
                AuditAction.IMPORT,
                object_type="backup",
                object_repr=f"restore of {source.name}",
                after={"head": manifest["audit_head"]},
            )
    return verdict
