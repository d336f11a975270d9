"""The one versioned change (core.versioning.versioned_update), on a real versioned row: a
profile fact of the demo zone."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaifaqu.core.access import acting_user, require_change
from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.core.versioning import CURRENT, ConcurrentEditError, check_version, versioned_update
from kaifaqu.orgs.models import ProfileFact

WRITES = ("INSERT", "UPDATE", "DELETE")
STALE = (
    "Someone else saved this record while you were editing it. Reload it to see their "
    "change, then make yours again."
)


@pytest.fixture
def fact(demo) -> ProfileFact:
    row = ProfileFact.objects.order_by("pk").first()
    assert row is not None
    return row


def _update(fact: ProfileFact, version, **options) -> ProfileFact:
    options.setdefault("require", lambda row: None)
    return versioned_update(fact, actor=None, version=version, **options)


def _last_audit() -> Any:
    """The last audit row; its before and after are JSON."""
    return AuditEntry.objects.order_by("-seq").first()


def test_a_stale_version_is_refused_with_the_message_and_writes_nothing(english, fact):
    stored = (fact.version, fact.source)
    audit_rows = AuditEntry.objects.count()
    with pytest.raises(ConcurrentEditError) as caught:
        _update(fact, fact.version + 1, changes={"source": "changed"})
    assert caught.value.messages == [STALE]
    assert caught.value.code == "concurrent_edit"
    fact.refresh_from_db()
    assert (fact.version, fact.source) == stored
    assert AuditEntry.objects.count() == audit_rows


def test_nothing_changed_saves_nothing_and_audits_nothing(fact):
    version, audit_rows = fact.version, AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        same = _update(fact, version, changes={"source": fact.source, "value": fact.value})
    # The lock and full_clean's reads; no write at all.
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(WRITES)]
    assert writes == []
    assert same.version == version
    assert AuditEntry.objects.count() == audit_rows
    fact.refresh_from_db()
    assert fact.version == version


def test_a_change_bumps_the_version_and_audits_before_and_after(fact):
    version, old_source = fact.version, fact.source
    changed = _update(fact, version, changes={"source": "新来源"})
    assert changed.version == version + 1
    fact.refresh_from_db()
    assert (fact.version, fact.source) == (version + 1, "新来源")
    entry = _last_audit()
    assert (entry.action, entry.object_type, entry.object_id) == (
        AuditAction.UPDATE,
        "orgs.profilefact",
        str(fact.pk),
    )
    assert (entry.before["source"], entry.before["version"]) == (old_source, version)
    assert (entry.after["source"], entry.after["version"]) == ("新来源", version + 1)


def test_the_rights_are_checked_on_the_row_as_stored_before_the_version(demo, fact):
    seen = []

    def require(row: ProfileFact) -> None:
        seen.append((row.pk, row.version))
        require_change(demo.finance, row.department_id)

    with pytest.raises(PermissionDenied):
        _update(fact, fact.version + 1, changes={"source": "x"}, require=require)
    assert seen == [(fact.pk, fact.version)]


def test_a_name_outside_the_editable_ones_is_a_programming_error(fact):
    with pytest.raises(ValueError, match=r"not editable: \['department'\]"):
        _update(fact, fact.version, changes={"department": None}, editable=("source",))


def test_before_save_and_the_note_run_only_on_a_change(fact):
    calls = []
    options = {
        "before_save": lambda row: calls.append("before_save"),
        "note": lambda row: {"why": "test"},
    }
    _update(fact, fact.version, changes={"source": fact.source}, **options)
    assert calls == []
    changed = _update(fact, fact.version, changes={"value": Decimal("123.4")}, **options)
    assert calls == ["before_save"]
    assert _last_audit().after["why"] == "test"
    assert changed.version == fact.version + 1


def test_current_is_the_version_stored_now(fact):
    fact.refresh_from_db()
    changed = _update(fact, CURRENT, changes={"source": "导入"})
    assert changed.version == fact.version + 1


@pytest.mark.parametrize("version", [None, "1", True, 1.0])
def test_a_version_is_an_int_or_current(version):
    with pytest.raises(TypeError):
        check_version(1, version)


def test_the_acting_user_is_none_for_the_system_and_for_anonymous_visitors(demo):
    from django.contrib.auth.models import AnonymousUser

    assert acting_user(None) is None
    assert acting_user(AnonymousUser()) is None
    assert acting_user(demo.economy) == demo.economy


def test_require_change_lets_the_system_and_editors_through(english, demo, fact):
    require_change(None, fact.department_id)
    require_change(demo.economy, fact.department_id)
    with pytest.raises(PermissionDenied) as caught:
        require_change(demo.finance, fact.department_id)
    assert str(caught.value) == "Only editors of the owning department may change this."
