"""Uploaded workbooks kept between the preview and the confirmation.

The file sits under MEDIA_ROOT/imports, named by a random token; the token is remembered in
the uploader's session, so only that session can preview, confirm or discard it. Files left
behind (a preview never confirmed) are swept after a few hours.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")
MAX_AGE_SECONDS = 6 * 3600
SESSION_KEY = "stats_workbook_uploads"


def directory() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _path(token: str) -> Path | None:
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    return directory() / f"{token}.xlsx"


def stage(upload) -> str:
    """Keep an uploaded file; return its token."""
    sweep()
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    path = folder / f"{token}.xlsx"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def path_of(token: str) -> Path | None:
    path = _path(token)
    return path if path is not None and path.is_file() else None


def discard(token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def sweep() -> None:
    folder = directory()
    if not folder.is_dir():
        return
    limit = time.time() - MAX_AGE_SECONDS
    for path in folder.glob("*.xlsx"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue  # another request swept it first


# The session side: which tokens belong to this session, and the names their files had.


def remember(session, token: str, filename: str, key: str = SESSION_KEY) -> None:
    """``key`` keeps one kind of workbook's uploads apart from another's (the statistics
    workbook uses the default)."""
    uploads = dict(session.get(key, {}))
    uploads[token] = filename
    # A session keeps its last few uploads only; older ones are dropped with their files.
    while len(uploads) > 5:
        oldest = next(iter(uploads))
        discard(oldest)
        uploads.pop(oldest)
    session[key] = uploads


def owned(session, token: str, key: str = SESSION_KEY) -> str | None:
    """The file name of an upload of this session, or None."""
    return session.get(key, {}).get(token)


def forget(session, token: str, key: str = SESSION_KEY) -> None:
    uploads = dict(session.get(key, {}))
    uploads.pop(token, None)
    session[key] = uploads
    discard(token)
