"""Who is acting and from where, for the duration of a request or a command.

Services record audit rows deep below the view; they read the client's address from here
instead of having a request threaded through every call.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class ActingContext:
    ip: str | None = None
    label: str = ""


_NOBODY = ActingContext()
_current: ContextVar[ActingContext | None] = ContextVar("kaifaqu_acting", default=None)


def current() -> ActingContext:
    return _current.get() or _NOBODY


@contextlib.contextmanager
def acting(*, ip: str | None = None, label: str = "") -> Iterator[None]:
    token = _current.set(ActingContext(ip=ip, label=label))
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites
    # it, and a deployment behind one sets REMOTE_ADDR there (e.g. uwsgi/gunicorn options).
    return request.META.get("REMOTE_ADDR") or None
