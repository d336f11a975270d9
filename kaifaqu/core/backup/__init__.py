"""Backups that restore: a consistent copy of the database taken while the site runs, the
uploaded files, and a manifest that lets a restore prove the copy whole.

A backup is one directory or one ``.tar`` archive named with the time it was taken. It holds
the database (SQLite through its online backup API, PostgreSQL as ``pg_dump -Fc``), every file
under ``MEDIA_ROOT`` in ``media/``, and ``manifest.json``: the kaifaqu version, the database
vendor, the applied migrations, the row count of every table and the audit chain's head, all
read from the copy itself rather than from the live database (which moves on while the backup
runs), and the SHA-256 of every other file in the backup.

A restore goes only into an empty database. Everything that can be checked without changing
anything is checked first (the archive, the manifest, the checksums, the migrations this
version knows, the emptiness of the target), so bad input changes nothing; then the copy is
restored and verified against the manifest.
"""

from .archive import backup
from .database import (
    DATABASE_FILES,
    FORMAT,
    MANIFEST,
    MEDIA,
    PREFIX,
    BackupError,
    DatabaseState,
    Log,
    live_state,
    read_state,
    sha256,
)
from .restoring import Check, Verdict, read_manifest, restore, verify

__all__ = [
    "DATABASE_FILES",
    "FORMAT",
    "MANIFEST",
    "MEDIA",
    "PREFIX",
    "BackupError",
    "Check",
    "DatabaseState",
    "Log",
    "Verdict",
    "backup",
    "live_state",
    "read_manifest",
    "read_state",
    "restore",
    "sha256",
    "verify",
]
