"""The outbox task (beat runs it every KAIFAQU_OUTBOX_EVERY seconds): sends what waits, once."""

from __future__ import annotations

from django.core import mail
from django.utils import timezone

from kaifaqu.consultations.models import OutboxChannel, OutboxMessage
from kaifaqu.consultations.outbox import outbox_enqueue
from kaifaqu.consultations.tasks import send_outbox


def test_the_outbox_task_sends_each_message_once(db):
    OutboxMessage.objects.update(sent_at=timezone.now())
    outbox_enqueue(channel=OutboxChannel.EMAIL, recipient="a@example.com", body="hi")
    outbox_enqueue(channel=OutboxChannel.SMS, recipient="13812345678", body="hi")
    assert send_outbox.delay().get() == {"sent": 1, "failed": 0, "sms_pending": 1}
    assert send_outbox.delay().get() == {"sent": 0, "failed": 0, "sms_pending": 1}
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
    # Never retried as a whole: each message is marked, a failed one waits for the next run.
    assert not getattr(send_outbox, "autoretry_for", ())
