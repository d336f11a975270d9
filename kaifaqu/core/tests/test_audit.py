import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kaifaqu.core import audit, audit_guard
from kaifaqu.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def _three_rows():
    return [
        audit.record(
            AuditAction.CREATE, actor_label="tester", object_repr=f"thing {i}", after={"n": i}
        )
        for i in range(1, 4)
    ]


def test_rows_chain_each_to_the_one_before():
    first, second, third = _three_rows()
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)
    assert first.prev_hash == audit.GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert audit.verify_chain() is None


def test_a_row_altered_in_the_database_breaks_the_chain_at_that_row():
    _first, second, _third = _three_rows()
    table = AuditEntry._meta.db_table
    # As someone with the right to drop the database's triggers might.
    with audit_guard.removed(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET object_repr = %s WHERE id = %s", ["forged", second.pk])
    broken = audit.verify_chain()
    assert broken is not None
    assert broken.seq == 2
    assert broken.reason == "content does not match its hash"
    with pytest.raises(CommandError, match=rf"row #2 \(id {second.pk}\)"):
        call_command("verify_audit_chain")


def test_a_deleted_row_is_found():
    _first, second, _third = _three_rows()
    with audit_guard.removed(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [second.pk])
    broken = audit.verify_chain()
    assert broken is not None
    assert broken.seq == 3
    assert "rows missing" in broken.reason


def test_rows_cannot_be_changed_or_deleted_through_the_orm():
    (entry, *_rest) = _three_rows()
    entry.object_repr = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="changed")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "thing 1"


def test_the_command_reports_an_intact_chain(capsys):
    _three_rows()
    call_command("verify_audit_chain")
    assert "3 rows intact" in capsys.readouterr().out
