"""What is sent to visitors (sign-in links, notices of replies) is written to the outbox in the
transaction of the change that causes it, and sent afterwards by ``kaifaqu send_outbox``: a
refused or rolled-back change sends nothing, and a mail server that is down loses nothing.

Email goes through Django's mail backend (EMAIL_BACKEND). There is no SMS gateway yet: SMS
rows stay pending (the command says so) until one is configured.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Consultation, OutboxChannel, OutboxMessage


def outbox_enqueue(
    *,
    channel: str,
    recipient: str,
    body: str,
    subject: str = "",
    consultation: Consultation | None = None,
) -> OutboxMessage:
    message = OutboxMessage(
        channel=channel,
        recipient=recipient,
        subject=subject[:200],
        body=body,
        consultation=consultation,
    )
    message.full_clean(exclude=["consultation"])
    message.save()
    return message


def sms_gateway_configured() -> bool:
    return bool(getattr(settings, "KAIFAQU_SMS_GATEWAY", ""))


@dataclass(frozen=True)
class SendResult:
    sent: int
    failed: int
    sms_pending: int


def outbox_send(*, limit: int = 500) -> SendResult:
    """Send pending email rows, oldest first; each row is marked in its own transaction, so a
    failure half-way keeps what was sent marked as sent."""
    sent = failed = 0
    pending = OutboxMessage.objects.filter(sent_at__isnull=True, channel=OutboxChannel.EMAIL)
    for pk in list(pending.order_by("created_at", "pk").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update()
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if message is None:  # another sender took it
                continue
            try:
                send_mail(
                    message.subject or "",
                    message.body,
                    settings.DEFAULT_FROM_EMAIL,
                    [message.recipient],
                )
            except Exception as exc:
                message.error = f"{type(exc).__name__}: {exc}"[:255]
                message.save(update_fields=["error"])
                failed += 1
                continue
            message.sent_at = timezone.now()
            message.error = ""
            message.save(update_fields=["sent_at", "error"])
            sent += 1
    sms_pending = OutboxMessage.objects.filter(
        sent_at__isnull=True, channel=OutboxChannel.SMS
    ).count()
    return SendResult(sent=sent, failed=failed, sms_pending=sms_pending)
