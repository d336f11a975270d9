"""Who is acting and from where, for the duration of a request or a command.

Services record audit rows deep below the view; they read the client's address from here
instead of having a request threaded through every call.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
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


def _trusted(address: str, networks: Sequence[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, unless that is a trusted proxy
    (``KAIFAQU_TRUSTED_PROXIES``, addresses or networks): then the rightmost address of
    X-Forwarded-For that is not a trusted proxy (the one the first trusted proxy saw), or
    X-Real-IP when there is no X-Forwarded-For. A client can write any X-Forwarded-For; only
    what trusted proxies appended to it is believed, and never a header from anyone else.
    """
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    trusted: Sequence[str] = getattr(settings, "KAIFAQU_TRUSTED_PROXIES", ())
    if remote is None or not trusted or not _trusted(remote, trusted):
        return remote
    header: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [a.strip() for a in header.split(",") if a.strip()]
    if not forwarded:
        real: str = request.META.get("HTTP_X_REAL_IP", "").strip()
        return real if _valid(real) else remote
    for address in reversed(forwarded):
        if not _trusted(address, trusted):
            return address if _valid(address) else remote
    # Every hop is a trusted proxy: the leftmost is the closest to the client there is.
    return forwarded[0] if _valid(forwarded[0]) else remote


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True
