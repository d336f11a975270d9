"""The first-reply deadline's follow-up: one reminder at the deadline, one escalation
KAIFAQU_CONSULT_ESCALATION_WORKING_DAYS working days later, each sent once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from kaifaqu.consultations import services
from kaifaqu.consultations.models import Consultation, OutboxMessage
from kaifaqu.consultations.tasks import remind_overdue_task
from kaifaqu.core.models import AuditEntry

# A Monday morning (Beijing time 10:00); the deadline is one working day later.
RECEIVED = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def asked(demo, settings):
    settings.KAIFAQU_CONSULT_ESCALATION_WORKING_DAYS = 2
    cache.clear()
    # The demo's own waiting consultations are out of the way: only this one is followed.
    Consultation.objects.update(reminded_at=timezone.now(), escalated_at=timezone.now())
    for name, address in (("investment", "officer@example.com"), ("admin", "zone@example.com")):
        demo.users[name].email = address
        demo.users[name].save(update_fields=["email"])
    with time_machine.travel(RECEIVED, tick=False):
        result = services.consultation_submit(
            category="industry_support",
            question="光伏项目可以享受哪些扶持政策？",
            name="张三丰",
            organisation="测试光伏有限公司",
            phone="13812345678",
            email="",
            consent=True,
            client_address="10.0.0.1",
        )
    return result.consultation


def _mail(consultation):
    return sorted(
        (m.recipient, m.subject)
        for m in OutboxMessage.objects.filter(consultation=consultation, channel="email")
    )


def test_nothing_is_sent_before_the_deadline(asked):
    with time_machine.travel(asked.due_at - timedelta(minutes=1), tick=False):
        assert services.remind_overdue() == services.FollowUp(reminded=0, escalated=0)
    assert _mail(asked) == []


def test_the_officer_is_reminded_once_at_the_deadline(asked):
    number = asked.number
    with time_machine.travel(asked.due_at + timedelta(minutes=1), tick=False):
        assert services.remind_overdue() == services.FollowUp(reminded=1, escalated=0)
        assert services.remind_overdue() == services.FollowUp(reminded=0, escalated=0)
    assert _mail(asked) == [("officer@example.com", f"咨询{number}已超过首次答复期限")]
    asked.refresh_from_db()
    assert asked.reminded_at == asked.due_at + timedelta(minutes=1)
    row = AuditEntry.objects.latest("seq")
    assert (row.action, row.actor_username, row.object_repr, row.after) == (
        "update",
        "",
        number,
        {"reminded_at": "2026-03-03T02:01:00+00:00", "messages": 1},
    )


def test_two_working_days_later_it_is_escalated_once(asked):
    number = asked.number
    # Due Tuesday 10:00; two working days later is Thursday 10:00.
    assert asked.due_at == datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 3, 5, 1, 59, tzinfo=UTC), tick=False):
        assert remind_overdue_task.delay().get() == {"reminded": 1, "escalated": 0}
    with time_machine.travel(datetime(2026, 3, 5, 2, 0, tzinfo=UTC), tick=False):
        assert remind_overdue_task.delay().get() == {"reminded": 0, "escalated": 1}
        assert remind_overdue_task.delay().get() == {"reminded": 0, "escalated": 0}
    assert _mail(asked) == sorted(
        [
            ("officer@example.com", f"咨询{number}已超过首次答复期限"),
            ("officer@example.com", f"已上报：咨询{number}仍未答复"),
            ("zone@example.com", f"已上报：咨询{number}仍未答复"),
        ]
    )


def test_a_reply_in_time_stops_the_follow_up(asked, demo):
    with time_machine.travel(asked.due_at - timedelta(hours=1), tick=False):
        services.consultation_reply(
            actor=demo.users["investment"],
            consultation=asked,
            body="您好，相关政策见附件。",
            version=asked.version,
        )
    with time_machine.travel(asked.due_at + timedelta(days=10), tick=False):
        assert services.remind_overdue() == services.FollowUp(reminded=0, escalated=0)
    assert _mail(asked) == []


def test_beat_runs_the_follow_up_every_quarter_hour(db):
    from kaifaqu.core import jobs

    entry = jobs.beat_schedule()["consultations.remind_overdue"]
    assert (entry["task"], entry["schedule"]) == (
        "consultations.remind_overdue",
        timedelta(minutes=15),
    )
