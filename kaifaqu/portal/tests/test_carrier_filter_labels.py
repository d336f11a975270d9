"""The carriers filter's area bounds read as what they are, in both languages (they read
"面积自 / 新阶段", a model field's "to", before)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("language", "labels"),
    [("zh-hans", ["最小面积", "最大面积"]), ("en", ["Smallest area", "Largest area"])],
)
def test_the_area_bounds_are_labelled(client, demo, language, labels):
    client.cookies["django_language"] = language
    html = client.get(reverse("portal:carriers")).content.decode()
    found = re.findall(r'<label class="form-label small" for="(m..)_area">([^<]*)</label>', html)
    assert found == [("min", labels[0]), ("max", labels[1])]
    assert "新阶段" not in html
