"""Fixtures and helpers of the consultation pages' tests (no tests here)."""

from __future__ import annotations

import pytest
from django.test import Client

from kaifaqu.consultations import services
from kaifaqu.consultations.models import Consultation
from kaifaqu.core.testing import in_english

STAFF = [
    "admin",
    "leader",
    "economy",
    "investment",
    "finance",
    "twodept",
    "sysadmin",
    "secadmin",
    "auditadmin",
]
READERS = ["admin", "leader", "investment", "twodept"]
EDITORS = ["admin", "investment", "twodept"]
REFUSED = ["economy", "finance", "sysadmin", "secadmin", "auditadmin"]
#: Text the service accepts (no tag, no script) that still needs escaping.
TRICKY = "A&B <3 \"x\" 'y' > z"
TRICKY_ESCAPED = "A&amp;B &lt;3 &quot;x&quot; &#x27;y&#x27; &gt; z"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def submit(**overrides) -> services.Submission:
    """A consultation from the portal, through the service as the form would send it."""
    fields = {
        "category": "land_buildings",
        "question": "Is there a 10,000 m² plot for a battery plant?",
        "name": "王建国",
        "organisation": "星河新能源有限公司",
        "phone": "13912345678",
        "email": "",
        "consent": True,
        "client_address": "10.0.0.1",
    }
    fields.update(overrides)
    return services.consultation_submit(**fields)


@pytest.fixture
def asked(demo, media) -> services.Submission:
    return submit()


@pytest.fixture
def visitor_client(asked) -> Client:
    """A browser signed in to the personal space of the visitor who asked ``asked``."""
    client = in_english(Client())
    client.force_login(asked.visitor.user)
    return client


def count() -> int:
    return Consultation.objects.count()
