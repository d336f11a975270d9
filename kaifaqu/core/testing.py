"""Helpers for the test suite (imported by tests only)."""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Callable
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


# The second factor in tests --------------------------------------------------------------
#
# Django's ``force_login`` signs in with no second factor, so every page would send a staff
# account with write rights to it. The root conftest makes the test client's force_login
# also give the session a verified authenticator (``force_login_verified``); the tests of
# the factor itself sign in through the login page, or with ``force_login_password_only``.

_plain_force_login = None


def force_login_verified(client: Client, user: User, backend: str | None = None) -> None:
    """``Client.force_login``, then the session is verified by a confirmed authenticator of
    the user's (made if it has none), as django_otp.login would leave it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    force_login_password_only(client, user, backend)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def force_login_password_only(client: Client, user: User, backend: str | None = None) -> None:
    """Django's own force_login: signed in by the password alone, the second factor not given."""
    from django.test import Client as DjangoClient

    original = _plain_force_login or DjangoClient.force_login
    original(client, user, backend)


def install_verified_force_login() -> Callable[[], None]:
    """Make ``Client.force_login`` verify the second factor; returns the undo."""
    from django.test import Client as DjangoClient

    global _plain_force_login
    _plain_force_login = DjangoClient.force_login
    DjangoClient.force_login = force_login_verified  # type: ignore[method-assign,assignment]

    def undo() -> None:
        global _plain_force_login
        DjangoClient.force_login = _plain_force_login  # type: ignore[method-assign,assignment]
        _plain_force_login = None

    return undo


def totp_code_for(user: User) -> str:
    """The code the user's confirmed authenticator accepts next (what the phone shows)."""
    from .signin import confirmed_totp, totp_code

    device = confirmed_totp(user)
    assert device is not None, f"{user} has no authenticator"
    return totp_code(device)


def log_in(client: Client, username: str, password: str, **extra: Any) -> HttpResponseBase:
    """Sign in through the login page, then, for an account that needs it, give the second
    factor as its phone would; returns the login page's response."""
    from .models import User
    from .signin import needs_second_factor

    response = client.post(
        "/accounts/login/", {"username": username, "password": password}, **extra
    )
    user = User.objects.filter(username=username).first()
    if response.status_code == 302 and user is not None and needs_second_factor(user):
        client.post("/accounts/second-factor/", {"code": totp_code_for(user)}, **extra)
    return response


def submit_login_in_browser(page: Any, username: str, password: str) -> None:
    """Fill and send the login page in a Playwright page; when the account lands on the
    second-factor step, answer it with its authenticator's code (the demo's, made by
    ``load_demo``, or any other confirmed one)."""
    from urllib.parse import urlparse

    from .models import User

    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    if urlparse(page.url).path == "/accounts/second-factor/":  # not the enrolment
        page.locator("#id_code").fill(totp_code_for(User.objects.get(username=username)))
        with page.expect_navigation():
            page.locator("#id_code").press("Enter")


def token_request(username: str, password: str) -> dict[str, str]:
    """The body of a token request, with the second factor when the account needs one."""
    from .models import User
    from .signin import needs_second_factor

    data = {"username": username, "password": password}
    user = User.objects.filter(username=username).first()
    if user is not None and needs_second_factor(user):
        data["otp"] = totp_code_for(user)
    return data


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


def search(pattern: str, text: str, flags: int = 0) -> re.Match[str]:
    """``re.search`` that fails the test when the page does not hold the pattern."""
    found = re.search(pattern, text, flags)
    assert found is not None, f"{pattern!r} not found"
    return found


def xlsx_sheet(response: HttpResponseBase) -> list[list[Any]]:
    """The rows of an exported list's one sheet (the header first), as openpyxl reads them."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    (sheet,) = book.worksheets
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def xlsx_cell_quoted(response: HttpResponseBase, row: int, column: int) -> bool:
    """Whether a cell of the export is text with Excel's quote prefix (never a formula)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    cell = book.worksheets[0].cell(row=row, column=column)
    return bool(cell.data_type == "s" and cell.quotePrefix)
