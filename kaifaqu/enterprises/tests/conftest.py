"""The enterprises' tests compare messages in English, their msgid language."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are compared in English, their msgid language; figure phrases are Chinese
    whatever the language."""
