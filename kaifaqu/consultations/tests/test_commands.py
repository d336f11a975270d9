"""The commands: send_outbox (email through the mail backend; SMS waits for a gateway) and
anonymise_consultations."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from kaifaqu.consultations import services
from kaifaqu.consultations.models import Consultation, OutboxMessage, Visitor
from kaifaqu.core.models import AuditEntry, User
from kaifaqu.core.testing import run_command
from kaifaqu.core.versioning import CURRENT


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    with translation.override("en"):
        yield


def submit(**kw):
    fields = {"category": "other", "question": "问题", "name": "周七", "consent": True}
    return services.consultation_submit(**{**fields, **kw})


def test_send_outbox_sends_email_and_leaves_sms_pending(demo):
    OutboxMessage.objects.update(sent_at=timezone.now())  # what the demo queued
    submit(email="zhou@example.com")
    submit(phone="13812345678")
    output = run_command("send_outbox")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["zhou@example.com"]
    assert mail.outbox[0].subject == "Your personal space"
    assert "/space/sign-in/" in mail.outbox[0].body
    assert OutboxMessage.objects.get(recipient="zhou@example.com").sent_at is not None
    assert OutboxMessage.objects.get(recipient="13812345678").sent_at is None
    assert "Emails sent: 1; failed (kept for the next run): 0." in output
    assert "SMS messages pending: 1. No SMS gateway is configured" in output
    assert "Emails sent: 0" in run_command("send_outbox")  # nothing is sent twice
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_keeps_the_row_pending(demo, settings):
    OutboxMessage.objects.update(sent_at=timezone.now())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    submit(email="zhou@example.com")
    assert "failed (kept for the next run): 1" in run_command("send_outbox")
    row = OutboxMessage.objects.get(recipient="zhou@example.com")
    assert row.sent_at is None
    assert row.error


def test_anonymise_blanks_old_consultations_once_and_deletes_idle_visitors(
    demo, settings, django_capture_on_commit_callbacks
):
    png = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    old = submit(email="old@example.com", files=[png])
    services.consultation_reply(
        version=CURRENT, actor=demo.investment, consultation=old.consultation, body="答复"
    )
    recent = submit(phone="13812345678")
    long_ago = timezone.now() - timedelta(days=800)
    Consultation.objects.filter(pk=old.consultation.pk).update(last_activity_at=long_ago)
    Visitor.objects.filter(pk=old.visitor.pk).update(created_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        output = run_command("anonymise_consultations")
    assert output.startswith("Consultations anonymised: 1 ")
    c = Consultation.objects.get(pk=old.consultation.pk)
    assert (c.name, c.organisation, c.phone, c.email) == (services.ANONYMISED, "", "", "")
    assert c.anonymised_at is not None
    assert c.question == "问题"
    assert [m.body for m in c.messages.all()] == ["答复"]
    assert c.attachments.count() == 0
    # The lead it made names the person no more; the recent one's lead still does.
    lead = c.lead
    assert (lead.contact_name, lead.phone, lead.email) == (services.ANONYMISED, "", "")
    assert lead.summary  # what was asked stays with the bureau
    assert Consultation.objects.get(pk=recent.consultation.pk).lead.phone == "13812345678"
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []
    assert not User.objects.filter(pk=old.visitor.user_id).exists()
    assert Consultation.objects.get(pk=recent.consultation.pk).anonymised_at is None
    assert Visitor.objects.filter(pk=recent.visitor.pk).exists()
    entry = AuditEntry.objects.filter(object_type="consultations.consultation").order_by("-seq")[0]
    assert entry.actor_username == "system:anonymise_consultations"
    assert entry.after["anonymised"] == [c.pk]
    assert run_command("anonymise_consultations").startswith("Consultations anonymised: 0 ")


def test_anonymise_takes_its_period_from_days(demo):
    submit(phone="13812345678")
    assert run_command("anonymise_consultations", "--days", "30").startswith(
        "Consultations anonymised: 0"
    )
