"""The consultations' jobs, run by beat: the outbox, sent every KAIFAQU_OUTBOX_EVERY seconds,
and the first-reply deadline's reminders and escalations, every KAIFAQU_CONSULT_REMIND_EVERY
seconds. Neither is retried as a whole: ``outbox_send`` marks each message sent in its own
transaction (a failed one stays pending for the next run), and ``remind_overdue`` records
each reminder with its messages in one transaction, so the next run sends nothing twice."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from kaifaqu.core.jobs import schedule

from .outbox import outbox_send
from .services import remind_overdue


@shared_task(name="consultations.send_outbox", ignore_result=True)
def send_outbox(limit: int = 500) -> dict[str, int]:
    result = outbox_send(limit=limit)
    return {"sent": result.sent, "failed": result.failed, "sms_pending": result.sms_pending}


schedule(
    "consultations.send_outbox",
    "consultations.send_outbox",
    every=timedelta(seconds=settings.KAIFAQU_OUTBOX_EVERY),
)


@shared_task(name="consultations.remind_overdue", ignore_result=True)
def remind_overdue_task() -> dict[str, int]:
    result = remind_overdue()
    return {"reminded": result.reminded, "escalated": result.escalated}


schedule(
    "consultations.remind_overdue",
    "consultations.remind_overdue",
    every=timedelta(seconds=settings.KAIFAQU_CONSULT_REMIND_EVERY),
)
