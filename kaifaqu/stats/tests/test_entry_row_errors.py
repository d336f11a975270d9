"""A data-entry row says everything wrong with it at once: a value that is not a number and
a missing status, together."""

from __future__ import annotations

from django.utils import translation

from kaifaqu.stats.forms import EntryRowForm
from kaifaqu.stats.models import DataElement


def test_a_value_that_is_not_a_number_and_no_status_are_said_together(demo):
    element = DataElement.objects.get(code="gdp")
    with translation.override("en"):
        form = EntryRowForm(
            {"value": "12x", "status": "", "version": "0"}, element=element, current=None
        )
        assert not form.is_valid()
        assert form.errors == {
            "value": ["12x is not a number."],
            "status": ["Choose the status of this value."],
        }
