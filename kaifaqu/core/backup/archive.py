"""Taking a backup: the database snapshot, the copied uploads and the manifest, written as a
directory or a ``.tar`` archive."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

import kaifaqu

from .. import audit
from ..context import acting
from ..models import AuditAction
from .database import (
    DATABASE_FILES,
    FORMAT,
    MANIFEST,
    MEDIA,
    PREFIX,
    BackupError,
    DatabaseState,
    Log,
    _files_under,
    _ignore,
    _live_tables,
    _media_root,
    _program,
    _run,
    _sqlite_quote,
    _sqlite_tables,
    _vendor,
    read_state,
    sha256,
)

# Backup -------------------------------------------------------------------------------------


def _snapshot_sqlite(target: Path) -> DatabaseState:
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(target)) as copy:
        # One step (pages=-1) copies the whole file under one read transaction: a consistent
        # snapshot, while writers go on in WAL mode. Steps of a few pages would restart on
        # every write from another connection and might never finish on a busy site.
        connection.connection.backup(copy)
        # The copy stands alone (no -wal file beside it) and opens read-only anywhere.
        copy.execute("PRAGMA journal_mode=DELETE")
        cursor = copy.cursor()
        return read_state(cursor, _sqlite_tables(cursor), _sqlite_quote)


def _snapshot_postgresql(target: Path) -> DatabaseState:
    pg_dump = _program("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        # pg_dump reads the snapshot this transaction exports, and the manifest is counted in
        # the same snapshot, so the counts are those of the dump and not of a moment later.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"])
        return read_state(cursor, _live_tables(cursor), connection.ops.quote_name)


def backup(
    *, output_dir: Path, as_tar: bool = True, now: datetime | None = None, log: Log = _ignore
) -> Path:
    """Write a backup into ``output_dir`` and return its path (a ``.tar`` file or a directory)."""
    vendor = _vendor()
    taken = timezone.localtime(now)
    name = PREFIX + taken.strftime("%Y%m%dT%H%M%S%z")
    final = output_dir / (name + ".tar" if as_tar else name)
    if final.exists():
        raise BackupError(f"{final} exists already")
    output_dir.mkdir(parents=True, exist_ok=True)
    # Built beside its final place, then renamed: an interrupted backup leaves no archive
    # that looks complete.
    with tempfile.TemporaryDirectory(prefix=f".{name}-", dir=output_dir) as staging_dir:
        staging = Path(staging_dir) / name
        # The copy holds password hashes and personal data: readable by its owner only.
        staging.mkdir(mode=0o700)
        database_file = staging / DATABASE_FILES[vendor]
        if vendor == "sqlite":
            state = _snapshot_sqlite(database_file)
        else:
            state = _snapshot_postgresql(database_file)
        log(f"Database copied: {sum(state.tables.values())} rows in {len(state.tables)} tables.")
        # After the snapshot: an upload is on disk before the row naming it commits, so every
        # file the copy refers to exists now, unless it was deleted in between.
        media = _media_root()
        files = {database_file.name: _describe(database_file)}
        for path in _files_under(media):
            relative = PurePosixPath(MEDIA, *path.relative_to(media).parts)
            copied = staging / relative
            copied.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copied)
            files[str(relative)] = _describe(copied)
        log(f"Uploaded files copied: {len(files) - 1}.")
        manifest = {
            "format": FORMAT,
            "kaifaqu_version": kaifaqu.__version__,
            "created_at": taken.isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "file": database_file.name},
            "migrations": state.migrations,
            "tables": state.tables,
            "audit_head": state.audit_head,
            "files": files,
        }
        (staging / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        if as_tar:
            partial = Path(staging_dir) / (name + ".tar")
            with tarfile.open(partial, "w") as archive:
                # The manifest first, so a reader finds it without reading the whole archive.
                archive.add(staging / MANIFEST, arcname=MANIFEST)
                for relative_name in sorted(files):
                    archive.add(staging / relative_name, arcname=relative_name)
            partial.chmod(0o600)
            os.replace(partial, final)
        else:
            os.replace(staging, final)
    with acting(label="system:backup"):
        audit.record(
            AuditAction.EXPORT,
            object_type="backup",
            object_id=name,
            object_repr=f"backup {final.name}",
            after={"tables": len(state.tables), "files": len(files), "head": state.audit_head},
        )
    return final


def _describe(path: Path) -> dict[str, Any]:
    return {"sha256": sha256(path), "size": path.stat().st_size}
