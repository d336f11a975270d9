"""The enterprises' tests compare messages in English, their msgid language."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield
