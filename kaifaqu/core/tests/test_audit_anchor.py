"""The chain's head is anchored outside the database; rows cut from the end are found."""

from __future__ import annotations

import json
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.urls import reverse

from kaifaqu.core import audit, audit_guard, services
from kaifaqu.core.models import AuditAction, AuditEntry, User

pytestmark = pytest.mark.django_db


def _rows(n: int) -> list[AuditEntry]:
    return [
        audit.record(AuditAction.CREATE, actor_label="tester", object_repr=f"t{i}")
        for i in range(1, n + 1)
    ]


def _delete(*entries: AuditEntry) -> None:
    table = AuditEntry._meta.db_table
    # As someone with the right to drop the database's triggers might.
    with audit_guard.removed(), connection.cursor() as cursor:
        for entry in entries:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])


def _anchors() -> list[dict]:
    path = settings.KAIFAQU_AUDIT_ANCHOR_FILE
    return [json.loads(line) for line in path.read_text().splitlines()]


@time_machine.travel("2026-12-01 02:00:00+00:00", tick=False)
def test_the_command_appends_the_head_to_the_anchor_file():
    rows = _rows(3)
    call_command("anchor_audit", stdout=mock.Mock())
    call_command("anchor_audit", stdout=mock.Mock())
    assert (
        _anchors()
        == [
            {
                "time": "2026-12-01T02:00:00+00:00",
                "id": rows[-1].pk,
                "seq": 3,
                "hash": rows[-1].hash,
                "rows": 3,
            }
        ]
        * 2
    )


@time_machine.travel("2026-12-01 17:10:00+00:00", tick=False)
def test_beat_anchors_the_head_daily_through_the_core_task():
    from celery import current_app
    from celery.schedules import crontab

    from kaifaqu.core import jobs
    from kaifaqu.core.tasks import anchor_audit

    current_app.loader.import_default_modules()
    entry = jobs.beat_schedule()["core.anchor_audit"]
    assert (entry["task"], entry["schedule"]) == ("core.anchor_audit", crontab(hour=1, minute=10))
    rows = _rows(2)
    anchor_audit.delay()  # eager here: no broker
    assert _anchors() == [
        {
            "time": "2026-12-01T17:10:00+00:00",
            "id": rows[-1].pk,
            "seq": 2,
            "hash": rows[-1].hash,
            "rows": 2,
        }
    ]


def test_an_empty_log_anchors_the_genesis():
    assert audit.anchor_head()["seq"] == 0
    assert audit.verify_anchors() is None


def test_rows_deleted_at_the_end_after_an_anchor_are_reported():
    rows = _rows(4)
    audit.anchor_head()
    _delete(rows[3])
    assert audit.verify_chain() is None  # the chain alone still holds
    broken = audit.verify_anchors()
    assert broken is not None
    assert (broken.seq, broken.entry_id) == (4, rows[3].pk)
    assert "missing: rows deleted" in broken.reason
    with pytest.raises(CommandError, match=r"Audit log shortened at row #4"):
        call_command("verify_audit_chain")


def test_rows_appended_after_the_anchor_verify():
    _rows(2)
    audit.anchor_head()
    _rows(2)
    assert audit.verify_anchors() is None
    call_command("verify_audit_chain", stdout=mock.Mock())


def test_fewer_rows_up_to_the_anchor_are_reported():
    rows = _rows(4)
    audit.anchor_head()
    _delete(rows[0])  # the first row: the chain itself does not see it go
    broken = audit.verify_anchors()
    assert broken is not None
    assert broken.reason == "3 rows up to it, 4 anchored: rows deleted"


def test_the_audit_export_anchors_the_head(as_user, demo):
    client = as_user("auditadmin")
    response = client.get(reverse("core:audit_export"))
    assert response.status_code == 200
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    assert last.action == AuditAction.EXPORT
    [anchor] = _anchors()
    assert (anchor["seq"], anchor["hash"]) == (last.seq, last.hash)


def test_an_audit_write_that_fails_rolls_the_business_write_back():
    user = User.objects.create(username="zhang", full_name="张三")
    before = AuditEntry.objects.count()
    with (
        mock.patch.object(AuditEntry, "save", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        services.user_update(actor=None, user=user, full_name="李四")
    user.refresh_from_db()
    assert user.full_name == "张三"
    assert AuditEntry.objects.count() == before
