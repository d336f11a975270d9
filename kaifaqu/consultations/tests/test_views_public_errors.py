"""The consultation form says everything wrong in one answer, each message under its field:
an empty submission names the question, the name, the contact and the consent at once."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kaifaqu.consultations.models import Consultation
from kaifaqu.core.testing import in_english

from .test_views_public import ASK


@pytest.fixture
def anon(demo, media) -> Client:
    return in_english(Client(REMOTE_ADDR="10.1.2.9"))


def test_an_empty_submission_names_every_missing_field_at_once(anon):
    before = Consultation.objects.count()
    # As a browser sends the form untouched: the first category chosen, every box empty.
    response = anon.post(
        ASK,
        {
            "category": "industry_support",
            "question": "",
            "name": "",
            "organisation": "",
            "phone": "",
            "email": "",
            "website": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {field: list(messages) for field, messages in errors.items()} == {
        "question": ["This field is required."],
        "name": ["This field is required."],
        "phone": ["Give a phone number or an email address, so that we can answer."],
        "consent": ["Please agree to the handling of your personal data, or we cannot answer you."],
    }
    html = response.content.decode()
    for field in ("question", "name", "phone", "consent"):
        assert re.search(rf'<[a-z]+ [^>]*name="{field}"[^>]*is-invalid', html) or re.search(
            rf'class="[^"]*is-invalid[^"]*"[^>]*name="{field}"', html
        ), field
    assert Consultation.objects.count() == before


def test_a_bad_email_is_said_with_the_other_problems(anon):
    response = anon.post(
        ASK,
        {
            "category": "other",
            "question": "Land?",
            "name": "",
            "email": "not-an-address",
            "website": "",
        },
    )
    errors = response.context["form"].errors
    assert {field: list(messages) for field, messages in errors.items()} == {
        "name": ["This field is required."],
        "email": ["Enter a valid email address."],
        "consent": ["Please agree to the handling of your personal data, or we cannot answer you."],
    }
