"""System checks of the core package."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def audit_key_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Production keys the audit chain with a key from the environment, not a file in var/."""
    if settings.KAIFAQU_AUDIT_KEY:
        return []
    return [
        Error(
            "KAIFAQU_AUDIT_KEY is not set: the audit log's hash chain falls back to a key "
            "in var/, beside the data it protects.",
            hint="Set KAIFAQU_AUDIT_KEY in the environment to a long random secret kept "
            "outside the database and its backups.",
            id="kaifaqu.E001",
        )
    ]
