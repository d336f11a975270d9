"""Helpers for the test suite (imported by tests only)."""

from __future__ import annotations

import io
import os
import shutil
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from django.conf import settings
from django.core.management import call_command

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.http.response import HttpResponseBase
    from django.test import Client

    from kaifaqu.core.models import AuditEntry, User

CHROMIUM = os.environ.get("KAIFAQU_CHROMIUM", "/usr/bin/chromium")
#: The repository: the seed lies beside it, in ../shared/seed, as CI lays it.
REPOSITORY = Path(__file__).resolve().parents[2]


def require_all() -> bool:
    """KAIFAQU_REQUIRE_ALL=1 turns a skip for a missing tool into a failure (CI sets it)."""
    return os.environ.get("KAIFAQU_REQUIRE_ALL", "") not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> NoReturn:
    if require_all():
        pytest.fail(f"{reason} (KAIFAQU_REQUIRE_ALL=1 forbids skipping)", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


def require_program(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        skip_or_fail(f"{name} not found (apt-get install {package})")
    return path


def seed_dir() -> Path:
    """Where the seed document is: ``$KAIFAQU_SHARED_DIR/seed``, by default ``../shared/seed``
    beside the repository. Read on every call, so that a test can point it elsewhere."""
    shared = os.environ.get("KAIFAQU_SHARED_DIR") or REPOSITORY.parent / "shared"
    return Path(shared) / "seed"


def require_seed() -> Path:
    """The seed's folder; a fresh clone has none beside it, so its tests skip (CI has it)."""
    path = seed_dir()
    if not path.is_dir():
        skip_or_fail(f"the seed document is not at {path} (set KAIFAQU_SHARED_DIR)")
    return path


def run_command(*args: Any, **options: Any) -> str:
    """Run a management command as ``kaifaqu`` would and return what it printed."""
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def in_english(client: Client) -> Client:
    """The client with the language switch set to English, so that pages show their msgids."""
    return in_language(client, "en")


def in_language(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def sign_in(client: Client, user: User, language: str | None = "en") -> Client:
    """The client signed in as ``user``, reading the pages in ``language`` (None: the site's
    default, Chinese)."""
    client.force_login(user)
    return client if language is None else in_language(client, language)


def messages_of(response: HttpResponseBase) -> list[str]:
    """The flash messages a response left for the next page (a test client's response, which
    carries the request it answered)."""
    from django.contrib.messages import get_messages

    request: HttpRequest = response.wsgi_request  # type: ignore[attr-defined]  # the client's
    return [str(m) for m in get_messages(request)]


def audit_mark() -> int:
    """The audit log's last row: with ``audit_since``, what a step wrote to it."""
    from kaifaqu.core.models import AuditEntry

    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def audit_since(mark: int) -> list[AuditEntry]:
    from kaifaqu.core.models import AuditEntry

    return list(AuditEntry.objects.filter(seq__gt=mark).order_by("seq"))


def disk_full_on_write(number: int = 1) -> AbstractContextManager[object]:
    """The file storage's ``number``-th write stops half-way, as on a full disk: part of the
    file is left where it was being written and ``OSError`` ENOSPC is raised."""
    import errno
    from unittest import mock

    from django.core.files.base import File
    from django.core.files.storage import FileSystemStorage

    real = FileSystemStorage.save
    writes: list[str] = []

    def save(
        storage: FileSystemStorage,
        name: str | None,
        content: File[bytes],
        max_length: int | None = None,
    ) -> str:
        writes.append(name or "")
        if len(writes) < number:
            return real(storage, name, content, max_length=max_length)
        path = Path(storage.path(storage.get_available_name(name or "", max_length=max_length)))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.read(8))
        raise OSError(errno.ENOSPC, "No space left on device")

    return mock.patch.object(FileSystemStorage, "save", save)
