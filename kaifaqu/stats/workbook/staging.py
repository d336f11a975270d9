"""Uploaded workbooks kept between the preview and the confirmation.

The file sits under MEDIA_ROOT/imports, named by a random token; the token is remembered in
the uploader's session, so only that session can preview, confirm or discard it. Beside it
the preview's findings are kept as JSON (one file per language the page was read in), so the
workbook is checked once, not on every view of its preview. Files left behind (a preview
never confirmed) are swept after a few hours.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadedfile import UploadedFile

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")
LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")
MAX_AGE_SECONDS = 6 * 3600
SESSION_KEY = "stats_workbook_uploads"


def directory() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _path(token: str) -> Path | None:
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    return directory() / f"{token}.xlsx"


def stage(upload: UploadedFile[bytes]) -> str:
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
        forget_findings(token)


def _findings_path(token: str, language: str) -> Path | None:
    path = _path(token)
    language = (language or "").lower()
    if path is None or not LANGUAGE_RE.fullmatch(language):
        return None
    return path.with_name(f"{token}.{language}.json")


def keep_findings(token: str, language: str, findings: dict[str, Any]) -> None:
    """Keeps what the check of the upload found, as the page shows it in ``language``
    (JSON-ready: the cells already written out). Written whole or not at all."""
    path = _findings_path(token, language)
    if path is None or path_of(token) is None:
        return
    partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(findings, out, ensure_ascii=False)
    os.replace(partial, path)


def findings(token: str, language: str | None = None) -> dict[str, Any] | None:
    """What the check of the upload found, as kept for ``language`` (None: in whichever
    language it was kept), or None if it was not kept."""
    path = _path(token)
    if path is None:
        return None
    candidates = (
        [_findings_path(token, language)]
        if language
        else sorted(path.parent.glob(f"{token}.*.json"))
    )
    for candidate in candidates:
        if candidate is None:
            continue
        try:
            with open(candidate, encoding="utf-8") as handle:
                found: dict[str, Any] = json.load(handle)
            return found
        except (OSError, ValueError):
            continue
    return None


def forget_findings(token: str) -> None:
    """Drops the kept findings (the workbook is to be checked again)."""
    path = _path(token)
    if path is None:
        return
    for kept in path.parent.glob(f"{token}.*.json"):
        kept.unlink(missing_ok=True)


def sweep() -> None:
    folder = directory()
    if not folder.is_dir():
        return
    limit = time.time() - MAX_AGE_SECONDS
    for path in (*folder.glob("*.xlsx"), *folder.glob("*.json"), *folder.glob("*.part")):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue  # another request swept it first


# The session side: which tokens belong to this session, and the names their files had.


def remember(session: SessionBase, token: str, filename: str, key: str = SESSION_KEY) -> None:
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


def owned(session: SessionBase, token: str, key: str = SESSION_KEY) -> str | None:
    """The file name of an upload of this session, or None."""
    name: str | None = session.get(key, {}).get(token)
    return name


def forget(session: SessionBase, token: str, key: str = SESSION_KEY) -> None:
    uploads = dict(session.get(key, {}))
    uploads.pop(token, None)
    session[key] = uploads
    discard(token)
