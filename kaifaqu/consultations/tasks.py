"""The consultations' jobs: the outbox, sent by the worker every KAIFAQU_OUTBOX_EVERY seconds
(beat). Never retried as a whole: ``outbox_send`` marks each message sent in its own
transaction, and a failed one stays pending for the next run."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from kaifaqu.core.jobs import schedule

from .outbox import outbox_send


@shared_task(name="consultations.send_outbox", ignore_result=True)
def send_outbox(limit: int = 500) -> dict[str, int]:
    result = outbox_send(limit=limit)
    return {"sent": result.sent, "failed": result.failed, "sms_pending": result.sms_pending}


schedule(
    "consultations.send_outbox",
    "consultations.send_outbox",
    every=timedelta(seconds=settings.KAIFAQU_OUTBOX_EVERY),
)
