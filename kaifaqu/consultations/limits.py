"""Rate limits on the public consultation form and API: so many submissions per client address
and per contact (phone or email) in a fixed window, counted in the Django cache.

Hand-written rather than django-ratelimit: that package's system check refuses the per-process
LocMemCache this project uses by default (its deploy check must pass without a shared cache),
and it does not say when the window ends, which the 429 answer gives as ``Retry-After``.

Counting uses ``cache.add`` (sets the counter only if absent) then ``cache.incr``, both atomic
in LocMemCache, Redis and Memcached, so concurrent requests never undercount. With several
worker processes the cache must be shared (CACHE_URL), or each process counts on its own.
"""

from __future__ import annotations

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


def _hit(scope: str, key: str, rate: Rate, now: float) -> int | None:
    """Count one hit; the seconds to wait when it is over the limit, else None."""
    window = int(now // rate.seconds) * rate.seconds
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"{_KEY_PREFIX}:{scope}:{digest}:{window}"
    # A second longer than the window, so the counter outlives it and never restarts mid-way.
    cache.add(cache_key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: the window has just ended
        cache.add(cache_key, 1, timeout=rate.seconds + 1)
        count = 1
    if count > rate.count:
        return max(1, math.ceil(window + rate.seconds - now))
    return None


def check_submission(*, client_address: str, phone: str = "", email: str = "") -> None:
    """Count a submission against each limit; RateLimited if any is exceeded.

    Every counter is incremented even when an earlier one refuses, so a client that keeps
    retrying does not get a fresh allowance on another counter.
    """
    now = time.time()
    waits = []
    per_ip = parse_rate(settings.KAIFAQU_CONSULT_RATE_PER_IP)
    if client_address:
        waits.append(_hit("ip", client_address, per_ip, now))
    per_contact = parse_rate(settings.KAIFAQU_CONSULT_RATE_PER_CONTACT)
    for scope, value in (("phone", normalise_phone(phone)), ("email", normalise_email(email))):
        if value:
            waits.append(_hit(scope, value, per_contact, now))
    refused = [w for w in waits if w is not None]
    if refused:
        raise RateLimited(max(refused))
