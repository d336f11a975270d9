"""Malformed investment workbooks (the statistics tests' corpus, around this workbook's
sheets) through the reader, the importer and the upload page: each refused with a message in
Chinese, the default language, none with a traceback or a server error, and not a row
written."""

from __future__ import annotations

import functools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaifaqu.investment.workbook import SHEETS, import_plan, read_workbook
from kaifaqu.stats.tests.malformed import (
    NAMES,
    Sheets,
    assert_reader_and_importer_refuse,
    assert_upload_page_refuses,
    corpus,
    members,
    pack,
    plain_refusal,
    row_counts,
)

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


@pytest.mark.parametrize("name", NAMES)
def test_the_reader_and_the_importer_refuse_each_malformed_file(name, seeded, chinese):
    assert_reader_and_importer_refuse(
        files_of()[name],
        read=read_workbook,
        import_plan=import_plan,
        actor=seeded.users["investment"],
    )


@pytest.mark.parametrize("name", NAMES)
def test_the_upload_page_refuses_each_malformed_file(name, login, media):
    assert_upload_page_refuses(  # an editor's page, in the default language, Chinese
        login("investment"),
        files_of()[name],
        page="investment_workbook:page",
        confirm="investment_workbook:confirm",
        read=read_workbook,
    )


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
