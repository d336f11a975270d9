"""Fixtures of the investment tests: the demo with its units by code, and factories."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest


@pytest.fixture
def make(seeded):
    """Factories for a fresh investor and project of 招商局 (not part of the demo)."""
    from kaifaqu.enterprises import services as enterprise_services
    from kaifaqu.enterprises.models import Industry
    from kaifaqu.enterprises.validators import make_credit_code
    from kaifaqu.investment import services

    counter = iter(range(1, 1000))

    def word(n: int) -> str:
        """Two characters no other word of the tests shares, so that factory-made investors
        and projects never look alike to the duplicate check."""
        return chr(0x7532 + 2 * n) + chr(0x8F00 + 2 * n)

    def investor(name=None, code=True, **kw):
        n = next(counter)
        return enterprise_services.enterprise_create(
            actor=None,
            name=name or f"{word(n)}投资有限公司",
            credit_code=make_credit_code("9", "1", "371400", f"TQ{n:06d}") if code else None,
            **kw,
        )

    def project(name=None, *, investor_=None, actor=None, moves=(), **kw):
        n = next(counter)
        fields = {
            "name": name or f"{word(n)}工程项目",
            "investor": investor_ or investor(),
            "source": "outreach",
            "org_unit": seeded.units["371471101"],
            "department": seeded.departments["investment"],
            "industry": Industry.objects.get(code="C3841"),
            "first_contact_on": date(2017, 1, 5),
        }
        fields.update(kw)
        return services.project_create(actor=actor, moves=moves, **fields)

    return SimpleNamespace(investor=investor, project=project)


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are compared in English, their msgid language; figure phrases are Chinese
    whatever the language."""
