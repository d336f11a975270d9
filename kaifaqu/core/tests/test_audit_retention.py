"""The database keeps the audit log insert-only; only the retention purge deletes, and only
rows older than the retention, leaving a chain that still verifies."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.utils import timezone

from kaifaqu.core import audit, audit_guard
from kaifaqu.core.models import AuditAction, AuditChange, AuditEntry

pytestmark = pytest.mark.django_db

ENTRIES = AuditEntry._meta.db_table
CHANGES = AuditChange._meta.db_table
POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's TRUNCATE and roles"
)
DEPLOY = Path(__file__).resolve().parents[3] / "docs" / "deploy.md"


def _execute(sql: str, params: list[Any] | None = None) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _row(days_ago: float, now: datetime, label: str) -> AuditEntry:
    with time_machine.travel(now - timedelta(days=days_ago), tick=False):
        return audit.record(AuditAction.CREATE, actor_label="tester", object_repr=label)


def _import_row(days_ago: float, now: datetime, label: str) -> AuditEntry:
    """An entry with two change rows, as an import writes them."""
    with time_machine.travel(now - timedelta(days=days_ago), tick=False):
        log = audit.ChangeLog()
        for n in (1, 2):
            log.add(object_type="t", object_id=n, object_repr=f"{label}.{n}", before=None, after=n)
        return audit.record(
            AuditAction.IMPORT,
            actor_label="tester",
            object_repr=label,
            after={"changes": log.summary()},
        )


def audit_zone() -> tzinfo:
    return timezone.get_current_timezone()


def _labels() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("object_repr", flat=True))


# -- the database refuses ----------------------------------------------------------------------


def test_an_update_of_an_audit_row_is_refused_by_the_database():
    entry = _import_row(0, datetime.now(UTC), "import")
    with pytest.raises(
        IntegrityError, match=rf"the audit log is insert-only: UPDATE on {ENTRIES} refused"
    ):
        _execute(f"UPDATE {ENTRIES} SET object_repr = 'forged' WHERE id = %s", [entry.pk])
    with pytest.raises(
        IntegrityError, match=rf"the audit log is insert-only: UPDATE on {CHANGES} refused"
    ):
        _execute(f"UPDATE {CHANGES} SET object_repr = 'forged'")
    assert _labels() == ["import"]
    assert sorted(AuditChange.objects.values_list("object_repr", flat=True)) == [
        "import.1",
        "import.2",
    ]


def test_a_delete_of_an_audit_row_is_refused_by_the_database():
    entry = _import_row(0, datetime.now(UTC), "import")
    with pytest.raises(
        IntegrityError, match=rf"the audit log is insert-only: DELETE on {ENTRIES} refused"
    ):
        _execute(f"DELETE FROM {ENTRIES} WHERE id = %s", [entry.pk])
    with pytest.raises(
        IntegrityError, match=rf"the audit log is insert-only: DELETE on {CHANGES} refused"
    ):
        _execute(f"DELETE FROM {CHANGES}")
    assert (AuditEntry.objects.count(), AuditChange.objects.count()) == (1, 2)


def test_the_purge_flag_lets_no_young_row_go_even_by_hand():
    """The age is checked by the database, on its own clock: 179 days is too young."""
    now = datetime.now(UTC)
    _row(179, now, "young")
    imported = _import_row(400, now, "old import")
    with transaction.atomic(), audit_guard.purging():
        with pytest.raises(IntegrityError, match=rf"DELETE on {ENTRIES} refused"):
            _execute(f"DELETE FROM {ENTRIES} WHERE object_repr = 'young'")
        # A change row goes only once its entry has gone.
        with pytest.raises(IntegrityError, match=rf"DELETE on {CHANGES} refused"):
            _execute(f"DELETE FROM {CHANGES}")
    assert _labels() == ["young", "old import"]
    assert imported.seq == 2


@POSTGRESQL
def test_a_truncate_is_refused_on_postgresql():
    audit.record(AuditAction.CREATE, actor_label="tester", object_repr="kept")
    for table in (ENTRIES, CHANGES):
        with pytest.raises(
            IntegrityError, match=rf"the audit log is insert-only: TRUNCATE on {table} refused"
        ):
            _execute(f"TRUNCATE {table}")
    assert _labels() == ["kept"]


def _deploy_grants(role: str) -> list[str]:
    """The GRANT and REVOKE lines of docs/deploy.md on the schema, its tables and sequences,
    for ``role`` in place of kaifaqu_app."""
    lines = [line.strip() for line in DEPLOY.read_text(encoding="utf-8").splitlines()]
    grants = [
        line.rstrip(";").replace("kaifaqu_app", role)
        for line in lines
        if line.startswith(("GRANT ", "REVOKE "))
        # The database's name and the owner's default privileges are the server's.
        and not any(f" ON {what} " in line for what in ("DATABASE", "TABLES", "SEQUENCES"))
    ]
    assert len(grants) == 4
    return grants


@POSTGRESQL
def test_the_application_role_of_deploy_md_may_insert_and_read_only():
    """The role docs/deploy.md grants: it appends to the chain (and its lock row) and reads
    it; an UPDATE, DELETE or TRUNCATE is refused before any trigger, as is the purge."""
    role = f"kaifaqu_app_{uuid.uuid4().hex[:8]}"
    _execute(f"CREATE ROLE {role} NOLOGIN")  # rolled back with the test
    for grant in _deploy_grants(role):
        _execute(grant)
    _execute(f"SET LOCAL ROLE {role}")
    entry = audit.record(AuditAction.CREATE, actor_label="app", object_repr="by the app")
    assert audit.verify_chain() is None
    for sql in (
        f"UPDATE {ENTRIES} SET object_repr = 'forged'",
        f"DELETE FROM {ENTRIES}",
        f"TRUNCATE {ENTRIES}",
        f"DELETE FROM {CHANGES}",
    ):
        with pytest.raises(ProgrammingError, match=r"permission denied for table core_audit"):
            _execute(sql)
    with (
        time_machine.travel(datetime.now(UTC) + timedelta(days=400), tick=False),
        pytest.raises(ProgrammingError, match="permission denied for table core_auditentry"),
        transaction.atomic(),
    ):
        audit.purge()
    assert _labels() == ["by the app"]
    assert entry.seq == 1


# -- the retention purge --------------------------------------------------------------------


def _aged_log(now: datetime) -> None:
    _row(400, now, "a")
    _import_row(300, now, "b")
    _row(180 + 1 / 86400, now, "c")  # a second older than the retention
    _row(180, now, "d")  # exactly the retention's age: kept
    _import_row(179, now, "e")
    _row(1, now, "f")


def test_the_purge_deletes_exactly_the_rows_older_than_the_retention(capsys):
    now = datetime.now(UTC).replace(microsecond=0)
    _aged_log(now)
    heads = dict(AuditEntry.objects.values_list("seq", "hash"))
    kept_batch = (AuditEntry.objects.get(object_repr="e").after or {})["changes"]["batch"]
    with time_machine.travel(now, tick=False):
        call_command("purge_audit")
    assert capsys.readouterr().out == (
        "Deleted 3 audit rows (up to #3) and 2 change rows older than "
        f"{(now - timedelta(days=180)).astimezone(audit_zone()):%Y-%m-%d %H:%M:%S %z}; "
        "recorded as row #7.\n"
    )
    assert _labels() == ["d", "e", "f", "#1-#3"]
    assert list(AuditChange.objects.values_list("batch", "n")) == [(kept_batch, 1), (kept_batch, 2)]
    purge = AuditEntry.objects.get(seq=7)
    assert (purge.action, purge.actor_username, purge.object_type) == (
        AuditAction.PURGE,
        "system:purge_audit",
        "core.auditentry",
    )
    assert purge.after == {
        "rows": 3,
        "change_rows": 2,
        "through_seq": 3,
        "last_hash": heads[3],
        "cutoff": (now - timedelta(days=180)).isoformat(timespec="seconds"),
        "retention_days": 180,
    }
    assert purge.prev_hash == heads[6]
    assert audit.chain_start() == (4, heads[3])
    assert audit.verify_chain() is None
    # The purge anchored the head after itself, and the anchors still verify.
    assert audit.last_anchor() == {
        "time": now.isoformat(timespec="seconds"),
        "id": purge.pk,
        "seq": 7,
        "hash": purge.hash,
        "rows": 4,
    }
    assert audit.verify_anchors() is None
    call_command("verify_audit_chain", stdout=mock.Mock())


def test_a_second_purge_chains_on_from_the_first():
    now = datetime.now(UTC).replace(microsecond=0)
    _aged_log(now)
    heads = dict(AuditEntry.objects.values_list("seq", "hash"))
    with time_machine.travel(now, tick=False):
        first = audit.purge(before=now - timedelta(days=350))
        second = audit.purge()
    assert (first.entries, first.changes, first.through_seq) == (1, 0, 1)
    assert (second.entries, second.changes, second.through_seq) == (2, 2, 3)
    assert _labels() == ["d", "e", "f", "#1-#1", "#2-#3"]
    assert audit.chain_start() == (4, heads[3])
    assert audit.verify_chain() is None


def test_everything_old_leaves_the_purge_row_vouching_for_itself():
    now = datetime.now(UTC).replace(microsecond=0)
    _row(400, now, "a")
    _row(200, now, "b")
    last = AuditEntry.objects.get(seq=2)
    with time_machine.travel(now, tick=False):
        result = audit.purge()
    assert result.entry is not None
    assert (result.entries, result.entry.seq, result.entry.prev_hash) == (2, 3, last.hash)
    assert _labels() == ["#1-#2"]
    assert audit.chain_start() == (3, last.hash)
    assert audit.verify_chain() is None


def test_an_anchor_older_than_the_purge_point_is_skipped_and_a_later_one_still_counts():
    now = datetime.now(UTC).replace(microsecond=0)
    _row(400, now, "a")
    _row(300, now, "b")
    audit.anchor_head()  # at row #2, which the purge deletes
    with time_machine.travel(now, tick=False):
        audit.purge()
    assert audit.verify_anchors() is None
    _row(0, now, "c")
    audit.anchor_head()  # rows #3 (the purge's) and #4 anchored
    assert audit.verify_anchors() is None
    assert (audit.last_anchor() or {})["rows"] == 2


def test_rows_deleted_from_the_start_without_a_purge_row_are_reported():
    """Someone who sets the purge flag by hand can delete old rows, but cannot write the row
    that vouches for the new start without the key."""
    now = datetime.now(UTC)
    _row(400, now, "a")
    _row(300, now, "b")
    third = _row(0, now, "c")
    with transaction.atomic(), audit_guard.purging():
        assert _execute(f"DELETE FROM {ENTRIES} WHERE seq <= 2") == 2
    assert audit.chain_start() is None
    broken = audit.verify_chain()
    assert broken is not None
    assert (broken.seq, broken.entry_id, broken.reason) == (
        3,
        third.pk,
        "expected row #1: rows missing",
    )


def test_before_deletes_only_what_is_older_than_that_day(settings, capsys):
    settings.TIME_ZONE = "Asia/Shanghai"
    now = datetime.now(UTC).replace(microsecond=0)
    _aged_log(now)
    day = (now - timedelta(days=350)).astimezone(audit_zone()).date()
    with time_machine.travel(now, tick=False):
        call_command("purge_audit", "--before", day.isoformat())
    assert _labels() == ["b", "c", "d", "e", "f", "#1-#1"]
    assert (AuditEntry.objects.get(seq=7).after or {})["cutoff"] == (
        datetime(day.year, day.month, day.day, tzinfo=audit_zone())
        .astimezone(UTC)
        .isoformat(timespec="seconds")
    )
    assert "Deleted 1 audit rows (up to #1) and 0 change rows older than" in capsys.readouterr().out
    assert audit.verify_chain() is None


def test_before_later_than_the_retention_allows_is_refused_and_deletes_nothing(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    now = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
    with time_machine.travel(now - timedelta(days=400), tick=False):
        audit.record(AuditAction.CREATE, actor_label="tester", object_repr="old")
    with (
        time_machine.travel(now, tick=False),
        pytest.raises(CommandError) as refused,
    ):
        call_command("purge_audit", "--before", "2026-06-08")
    assert str(refused.value) == (
        "Refused: audit rows are kept 180 days: the latest cut-off now is "
        "2026-06-07 10:00:00 +0800, not 2026-06-08 00:00:00 +0800; nothing deleted."
    )
    assert _labels() == ["old"]


def test_a_before_that_is_no_date_is_refused():
    with pytest.raises(CommandError, match=r"--before '8 June' is not a date \(YYYY-MM-DD\)"):
        call_command("purge_audit", "--before", "8 June")


def test_nothing_old_enough_deletes_and_records_nothing(capsys):
    now = datetime.now(UTC).replace(microsecond=0)
    _row(10, now, "recent")
    with time_machine.travel(now, tick=False):
        call_command("purge_audit")
    out = capsys.readouterr().out
    assert re.fullmatch(r"No audit row older than \S+ \S+ \S+: nothing deleted\.\n", out)
    assert _labels() == ["recent"]


def test_a_longer_retention_keeps_more(settings):
    settings.KAIFAQU_AUDIT_RETENTION_DAYS = 365
    now = datetime.now(UTC).replace(microsecond=0)
    _aged_log(now)
    with time_machine.travel(now, tick=False):
        result = audit.purge()
    assert (result.entries, result.through_seq) == (1, 1)
    assert _labels() == ["b", "c", "d", "e", "f", "#1-#1"]


def test_a_retention_under_180_days_is_a_configuration_error(settings):
    settings.KAIFAQU_AUDIT_RETENTION_DAYS = 90
    errors = [m for m in run_checks() if m.id == "kaifaqu.E002"]
    assert [e.msg for e in errors] == [
        "KAIFAQU_AUDIT_RETENTION_DAYS is 90: audit rows must be kept at least 180 days."
    ]
    with pytest.raises(ImproperlyConfigured, match="KAIFAQU_AUDIT_RETENTION_DAYS is 90"):
        audit.purge()
    settings.KAIFAQU_AUDIT_RETENTION_DAYS = 180
    assert [m for m in run_checks() if m.id == "kaifaqu.E002"] == []


# -- the test runner's flush ------------------------------------------------------------------


def test_a_committed_demo_is_audited_and_its_rows_stay_put(demo_committed):
    """The demo committed (a transactional test): its audit rows are refused an UPDATE like
    any; the flush after the test empties the tables all the same (the next test)."""
    assert AuditEntry.objects.count() > 100
    with pytest.raises(IntegrityError, match=rf"UPDATE on {ENTRIES} refused"):
        _execute(f"UPDATE {ENTRIES} SET object_repr = 'forged'")
    assert audit.verify_chain() is None


def test_the_flush_emptied_the_audit_tables_and_put_the_triggers_back(transactional_db):
    assert (AuditEntry.objects.count(), AuditChange.objects.count()) == (0, 0)
    entry = audit.record(AuditAction.CREATE, actor_label="tester", object_repr="after flush")
    assert entry.seq == 1
    with pytest.raises(IntegrityError, match=rf"DELETE on {ENTRIES} refused"):
        _execute(f"DELETE FROM {ENTRIES}")
