"""The chain is keyed: a forger who recomputes the hashes without the key is found out."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from kaifaqu.core import audit, audit_guard
from kaifaqu.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def _body(row: tuple, prev_hash: str) -> bytes:
    seq, created_at, actor_id, actor_username, ip, action, otype, oid, orepr, before, after = row
    body = {
        "seq": seq,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_username": actor_username,
        "ip": ip,
        "action": action,
        "object_type": otype,
        "object_id": oid,
        "object_repr": orepr,
        "before": before,
        "after": after,
        "prev_hash": prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _forge(from_seq: int, digest) -> None:
    """Edit row ``from_seq`` and recompute its hash and every later one with ``digest``."""
    table = AuditEntry._meta.db_table
    fields = [
        "seq",
        "created_at",
        "actor_id",
        "actor_username",
        "ip",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "before",
        "after",
    ]
    entries = list(AuditEntry.objects.order_by("seq"))
    prev = entries[from_seq - 2].hash
    # As someone with the right to drop the database's triggers might.
    with audit_guard.removed(), connection.cursor() as cursor:
        for entry in entries[from_seq - 1 :]:
            if entry.seq == from_seq:
                entry.object_repr = "forged"
            row = tuple(getattr(entry, f) for f in fields)
            new = digest(_body(row, prev))
            cursor.execute(
                f"UPDATE {table} SET object_repr = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [entry.object_repr, prev, new, entry.pk],
            )
            prev = new


def _rows() -> None:
    for i in range(1, 5):
        audit.record(AuditAction.CREATE, actor_label="tester", object_repr=f"t{i}", after={"n": i})


@pytest.mark.parametrize(
    "digest",
    [
        lambda body: hashlib.sha256(body).hexdigest(),
        lambda body: hmac.new(b"a guessed key", body, hashlib.sha256).hexdigest(),
    ],
    ids=["plain-sha256", "wrong-key"],
)
def test_a_chain_recomputed_without_the_key_fails_at_the_edited_row(digest):
    _rows()
    _forge(2, digest)
    broken = audit.verify_chain()
    assert broken is not None
    assert (broken.seq, broken.reason) == (2, "content does not match its hash")
    second = AuditEntry.objects.get(seq=2)
    with pytest.raises(CommandError, match=rf"row #2 \(id {second.pk}\)"):
        call_command("verify_audit_chain")


def test_the_same_forgery_with_the_key_would_pass_so_the_key_is_what_protects():
    _rows()
    _forge(2, lambda body: hmac.new(b"test-audit-key", body, hashlib.sha256).hexdigest())
    assert audit.verify_chain() is None


def test_deploy_checks_fail_without_an_audit_key():
    with override_settings(KAIFAQU_AUDIT_KEY=""):
        ids = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "kaifaqu.E001" in ids
    with override_settings(KAIFAQU_AUDIT_KEY="k" * 48):
        ids = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "kaifaqu.E001" not in ids
