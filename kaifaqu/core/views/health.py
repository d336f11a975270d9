"""``/healthz``: whether the services a request needs answer, for the proxy and monitors.

It answers JSON, 200 when every configured service is up and 503 naming the one that is not.
It reads no session and sets no cookie, needs no sign-in, and says nothing but "ok" or
"failed" of each service: the reason goes to the log, never to an anonymous caller.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK = "ok"
FAILED = "failed"
NOT_CONFIGURED = "not configured"


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    return OK if row is not None and row[0] == 1 else FAILED


def _cache() -> str:
    # A key of its own each time: two probes at once must not read each other's value.
    key = f"kaifaqu:healthz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    read = cache.get(key)
    cache.delete(key)
    return OK if read == value else FAILED


def _queue() -> str:
    # The broker answers (a connection, within 2 seconds); without one jobs run in the request.
    if not settings.CELERY_BROKER_URL:
        return NOT_CONFIGURED
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return OK


CHECKS: dict[str, Callable[[], str]] = {"database": _database, "cache": _cache, "queue": _queue}


def _run(name: str, check: Callable[[], str]) -> str:
    try:
        return check()
    except Exception:
        logger.exception("healthz: the %s check failed", name)
        return FAILED


@csrf_exempt
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    results = {name: _run(name, check) for name, check in CHECKS.items()}
    status = 503 if FAILED in results.values() else 200
    return JsonResponse(results, status=status)
