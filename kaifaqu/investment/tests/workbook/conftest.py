"""Fixtures of the investment workbook's tests; they run on the demo ledger (``seeded``)."""

from __future__ import annotations

import pytest

from kaifaqu.investment.models import Project

from .helpers import ledger_state


@pytest.fixture
def nothing_written(seeded):
    """Asserts, after the test, that nothing was written (not even an audit row)."""
    before = ledger_state()
    yield
    assert ledger_state() == before


@pytest.fixture
def coded(seeded):
    """A demo project whose investor has a credit code (illustrative ones do)."""
    return (
        Project.objects.filter(investor__credit_code__isnull=False, merged_into__isnull=True)
        .select_related("investor")
        .order_by("pk")
        .first()
    )
