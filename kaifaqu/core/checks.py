"""System checks of the deployment's configuration (``kaifaqu check --deploy``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

#: Cache backends whose entries live in one process only.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_for_workers(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Several worker processes need a shared cache: the consultation rate limits (and
    anything else counted in the cache) are otherwise counted by each worker on its own."""
    workers = getattr(settings, "KAIFAQU_WORKERS", 1)
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if workers > 1 and backend in PER_PROCESS_CACHES:
        return [
            checks.Warning(
                f"KAIFAQU_WORKERS is {workers} but the cache ({backend}) is per process: each "
                "worker counts the rate limits on its own.",
                hint="Set CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/0.",
                id="kaifaqu.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def audit_key_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Production keys the audit chain with a key from the environment, not a file in var/."""
    if settings.KAIFAQU_AUDIT_KEY:
        return []
    return [
        checks.Error(
            "KAIFAQU_AUDIT_KEY is not set: the audit log's hash chain falls back to a key "
            "in var/, beside the data it protects.",
            hint="Set KAIFAQU_AUDIT_KEY in the environment to a long random secret kept "
            "outside the database and its backups.",
            id="kaifaqu.E001",
        )
    ]


@checks.register(checks.Tags.security)
def audit_retention_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """The audit log keeps its rows 180 days at least (the database refuses to delete
    younger ones anyway); a shorter retention is a configuration error."""
    from .audit_guard import RETENTION_FLOOR_DAYS

    days = settings.KAIFAQU_AUDIT_RETENTION_DAYS
    if days >= RETENTION_FLOOR_DAYS:
        return []
    return [
        checks.Error(
            f"KAIFAQU_AUDIT_RETENTION_DAYS is {days}: audit rows must be kept at least "
            f"{RETENTION_FLOOR_DAYS} days.",
            hint=f"Set it to {RETENTION_FLOOR_DAYS} or more, or leave it unset.",
            id="kaifaqu.E002",
        )
    ]
