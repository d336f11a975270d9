"""Malformed investment workbooks (the statistics tests' corpus, around this workbook's
sheets) through the reader, the importer and the upload page: each refused with a message in
Chinese, the default language, none with a traceback or a server error, and not a row
written."""

from __future__ import annotations

import functools
import io
import re
from datetime import date
from html import escape

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaifaqu.investment.workbook import SHEETS, import_plan, read_workbook
from kaifaqu.stats.tests.malformed import (
    NAMES,
    Sheets,
    corpus,
    members,
    pack,
    plain_refusal,
    row_counts,
)
from kaifaqu.stats.workbook import files

HEADERS = {sheet: [c.name for c in columns] for sheet, columns in SHEETS.items()}


def _row(sheet: str, **values) -> list:
    return [values.get(name) for name in HEADERS[sheet]]


BOOK: Sheets = {
    "tranches": [
        HEADERS["tranches"],
        _row("tranches", project="new-1", date=date(2017, 5, 20), amount=1200, voucher="回单"),
    ],
    "projects": [
        HEADERS["projects"],
        _row(
            "projects",
            ref="new-1",
            name="甬江精密轴承制造项目",
            investor_name="宁波甬江轴承",
            source="event",
            department="investment",
            org="371471101",
            stage="lead",
            first_contact_on=date(2017, 1, 5),
        ),
    ],
}


@functools.cache
def files_of() -> dict[str, bytes]:
    return corpus(BOOK, ("tranches", "amount"))


@pytest.fixture
def chinese():
    with translation.override("zh-hans"):
        yield


def _token(preview: str) -> str:
    found = re.search(r"/import/([^/]+)/", preview)
    assert found is not None
    return found.group(1)


def _refused(plan) -> list[str]:
    messages = [str(p.message) for p in plan.problems]
    assert messages, "the file was not refused"
    assert all(plain_refusal(m) for m in messages), messages
    return messages


@pytest.mark.parametrize("name", NAMES)
def test_the_reader_and_the_importer_refuse_each_malformed_file(name, seeded, chinese):
    before = row_counts()
    plan = read_workbook(files_of()[name], name="bad.xlsx")
    _refused(plan)
    result = import_plan(plan, actor=seeded.users["investment"])
    assert not result.imported
    assert result.problems
    assert row_counts() == before


@pytest.mark.parametrize("name", NAMES)
def test_the_upload_page_refuses_each_malformed_file(name, login, media):
    client = login("investment")  # an editor; the page is in the default language, Chinese
    data = files_of()[name]
    before = row_counts()
    upload = io.BytesIO(data)
    upload.name = "bad.xlsx"
    response = client.post(reverse("investment_workbook:page"), {"file": upload})
    if response.status_code == 200:  # the form refused it (an empty file)
        assert 'class="invalid-feedback' in response.content.decode()
        assert row_counts() == before
        return
    assert response.status_code == 302
    preview = response["Location"]
    html = client.get(preview).content.decode()
    assert 'data-testid="preview-problems"' in html
    assert 'data-testid="confirm-import"' not in html
    with translation.override("zh-hans"), files.in_a_request():
        expected = _refused(read_workbook(data, name="bad.xlsx"))
    for message in expected:
        assert escape(message) in html
    token = _token(preview)
    response = client.post(reverse("investment_workbook:confirm", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == preview
    assert row_counts() == before


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6))
def test_a_workbook_with_bytes_changed_is_read_or_refused_never_crashes(changes, seeded, chinese):
    parts = members(BOOK)
    data = bytearray(pack(parts, stored=tuple(parts)))  # stored: a change reaches the XML
    for at, byte in changes:
        data[at % len(data)] = byte
    before = row_counts()
    plan = read_workbook(bytes(data), name="fuzzed.xlsx")
    assert all(plain_refusal(str(p.message)) for p in plan.problems)
    import_plan(plan, actor=seeded.users["investment"], dry_run=True)
    assert row_counts() == before
