"""The core's scheduled jobs: the audit chain's head anchored outside the database once a day
(docs/security.md, "Audit log"), beside the anchor written at each export of the log."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.schedules import crontab

from .audit import anchor_head
from .jobs import schedule


def _anchor_audit() -> dict[str, Any]:
    # Appending the same head twice is harmless (verify_anchors reads every line), so a
    # redelivered task needs no guard.
    return anchor_head()


# Celery ships no types: the task is wrapped rather than decorated, so the function keeps its own.
anchor_audit: Any = shared_task(name="core.anchor_audit", ignore_result=True)(_anchor_audit)


# 01:10 in the zone's time (CELERY_TIMEZONE), a quiet hour, before the nightly backup.
schedule("core.anchor_audit", "core.anchor_audit", every=crontab(hour=1, minute=10))
