"""Rate limits on the public consultation form and API: so many submissions per client address
and per contact (phone or email) in a fixed window, counted in the Django cache.

Hand-written rather than django-ratelimit: that package's system check refuses the per-process
LocMemCache this project uses by default (its deploy check must pass without a shared cache),
and it does not say when the window ends, which the 429 answer gives as ``Retry-After``.

Counting uses ``cache.add`` (sets the counter only if absent) then ``cache.incr``, both atomic
in LocMemCache, Redis and Memcached, so concurrent requests never undercount. Only accepted
submissions count: a place is reserved before the checks and given back (``decr``) when the
submission is refused or invalid. With several worker processes the cache must be shared
(CACHE_URL, e.g. Redis), or each process counts on its own; ``check --deploy`` warns then.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_KEY_PREFIX = "kaifaqu:consult-rate"


class RateLimited(ValidationError):
    """Too many submissions; ``retry_after`` is the number of seconds until the window ends."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            _(
                "Too many consultations have been sent in a short time. Please try again in "
                "%(minutes)s minutes, or call the investment hotline %(hotline)s."
            )
            % {"minutes": minutes, "hotline": settings.KAIFAQU_HOTLINE},
            code="rate_limited",
        )


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(text: str) -> Rate:
    """``"10/3600"`` → Rate(10, 3600); a malformed setting is a configuration error."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not match or int(match.group(2)) == 0:
        raise ValueError(f"a rate is written count/seconds, not {text!r}")
    return Rate(int(match.group(1)), int(match.group(2)))


def normalise_phone(phone: str) -> str:
    """Digits only, without China's +86 / 0086 prefix: 138-1234-5678 and +86 13812345678 are
    the same contact."""
    digits = re.sub(r"\D", "", phone or "")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _key(scope: str, key: str, rate: Rate, now: float) -> tuple[str, int]:
    window = int(now // rate.seconds) * rate.seconds
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"{_KEY_PREFIX}:{scope}:{digest}:{window}", window


def _incr(cache_key: str, rate: Rate) -> int:
    # A second longer than the window, so the counter outlives it and never restarts mid-way.
    cache.add(cache_key, 0, timeout=rate.seconds + 1)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr: the window has just ended
        cache.add(cache_key, 1, timeout=rate.seconds + 1)
        return 1


def _decr(cache_key: str) -> None:
    # The window may have ended meanwhile (ValueError): nothing left to give back.
    with contextlib.suppress(ValueError):
        cache.decr(cache_key)


@dataclass
class Reservation:
    """Places taken in the counters for one submission; ``release()`` gives them back (the
    submission was refused or invalid, so it does not use up the allowance)."""

    keys: list[str]

    def release(self) -> None:
        keys, self.keys = self.keys, []
        for cache_key in keys:
            _decr(cache_key)

    def __enter__(self) -> Reservation:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_rest: object) -> None:
        # Refused or invalid (any exception): the submission does not use up the allowance.
        if kind is not None:
            self.release()


def reserve_submission(*, client_address: str, phone: str = "", email: str = "") -> Reservation:
    """Take a place in each limit's counter for this submission; RateLimited (taking none) if
    any limit is full.

    Taking the place first (an atomic ``incr``) and giving it back on refusal keeps concurrent
    requests from ever letting more than the limit through; used as a context manager
    (``with reserve_submission(...):``) the reservation is released when the block raises
    (the submission refused or invalid), so only accepted submissions count.
    """
    now = time.time()
    taken: list[str] = []
    waits: list[int] = []
    limits: list[tuple[str, str, Rate]] = []
    if client_address:
        limits.append(("ip", client_address, parse_rate(settings.KAIFAQU_CONSULT_RATE_PER_IP)))
    per_contact = parse_rate(settings.KAIFAQU_CONSULT_RATE_PER_CONTACT)
    for scope, value in (("phone", normalise_phone(phone)), ("email", normalise_email(email))):
        if value:
            limits.append((scope, value, per_contact))
    for scope, value, rate in limits:
        cache_key, window = _key(scope, value, rate, now)
        taken.append(cache_key)
        if _incr(cache_key, rate) > rate.count:
            waits.append(max(1, math.ceil(window + rate.seconds - now)))
    reservation = Reservation(taken)
    if waits:
        reservation.release()
        raise RateLimited(max(waits))
    return reservation


def check_submission(*, client_address: str, phone: str = "", email: str = "") -> None:
    """Count a request that is accepted once within the limits (a sign-in link request);
    RateLimited, counting nothing, if a limit is full."""
    reserve_submission(client_address=client_address, phone=phone, email=email)
