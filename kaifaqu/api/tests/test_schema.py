"""The OpenAPI schema generates without a warning (the deploy check fails on any)."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_schema_generates_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--fail-on-warn", "--validate", stdout=out)
    assert "openapi: 3" in out.getvalue()
