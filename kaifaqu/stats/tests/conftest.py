"""Fixtures of the statistics tests."""

from __future__ import annotations

import pytest

from kaifaqu.core.models import AuditEntry
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats.models import DataValue


@pytest.fixture
def nothing_written(demo):
    """Asserts, after the test, that no audited row was added (so nothing was written)."""
    before = (AuditEntry.objects.count(), DataValue.objects.count(), OrgUnit.objects.count())
    yield
    after = (AuditEntry.objects.count(), DataValue.objects.count(), OrgUnit.objects.count())
    assert after == before
