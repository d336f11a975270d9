"""A workbook without a data row (the template as downloaded) is refused, saying which
sheets to fill and that nothing was imported: the file layer's rule, for every workbook."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaifaqu.core.testing import search
from kaifaqu.stats.workbook import columns, read_workbook

from .workbook_support import xlsx, zone_sheets

pytestmark = pytest.mark.usefixtures("english")

EMPTY = (
    "The workbook has no rows to import, so nothing was imported: fill in the sheets "
    "elements, orgunits, values, targets, a row for each record under the heading row, "
    "and upload it again."
)


@pytest.fixture
def page(client, demo, media):
    client.force_login(demo.users["admin"])
    client.cookies["django_language"] = "en"
    return client


def test_the_blank_template_uploaded_is_refused_and_nothing_is_written(page, nothing_written):
    template = page.get(reverse("stats:template")).content
    upload = io.BytesIO(template)
    upload.name = "kaifaqu-statistics-template.xlsx"
    preview = page.post(reverse("stats:workbook"), {"file": upload})["Location"]
    html = page.get(preview).content.decode()
    assert 'data-testid="preview-ok"' not in html
    assert 'data-testid="confirm-import"' not in html
    assert (
        f'<tr data-problem=""><td></td><td></td><td><code></code></td><td>{EMPTY}</td></tr>'
    ) in re.sub(r">\s+<", "><", html)
    token = search(r"/import/([^/]+)/", preview).group(1)
    response = page.post(reverse("stats:import_confirm", args=[token]))
    assert response["Location"] == preview  # back to the preview, which says why


def test_one_row_is_enough_to_pass_the_check(demo):
    sheets = zone_sheets()
    kept = {"orgunits": sheets["orgunits"][:2], "values": sheets["values"][:1]}
    assert read_workbook(xlsx(kept), name="one.xlsx").problems == []


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sheets=st.lists(st.sampled_from(columns.SHEET_NAMES), min_size=1, unique=True),
    blank_rows=st.integers(0, 3),
)
def test_any_workbook_of_headings_and_blank_rows_is_refused_for_that_alone(
    demo, sheets, blank_rows
):
    headings = {name: zone_sheets()[name][0] for name in columns.SHEET_NAMES}
    book = {
        name: [headings[name], *([[None] * len(headings[name])] * blank_rows)] for name in sheets
    }
    plan = read_workbook(xlsx(book), name="blank.xlsx")
    assert [(p.sheet, p.row, p.message) for p in plan.problems] == [("", None, EMPTY)]
    assert sum(plan.row_counts.values()) == 0
