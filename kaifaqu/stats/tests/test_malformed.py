"""Malformed statistics workbooks (the corpus of ``malformed.py``) through the reader, the
importer and the upload page: each refused with a message in Chinese, the default language,
none with a traceback or a server error, and not a row written. Then the limits, the preview
checked once and the confirmation of the file that was checked.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats.models import DataValue
from kaifaqu.stats.workbook import files, import_plan, read_workbook

from .malformed import (
    NAMES,
    Sheets,
    assert_reader_and_importer_refuse,
    assert_upload_page_refuses,
    corpus,
    members,
    pack,
    plain_refusal,
    preview_token,
    row_counts,
    xlsx,
)

ZONE, M8 = "371471", "2017-01/2017-08"
VALUES_HEADER = [
    "org",
    "element",
    "period",
    "value",
    "status",
    "reported_growth_pct",
    "comparable_prior",
    "note",
]
SHEETS: Sheets = {
    # 164: the sum of its parts stored (an error-level data check would refuse another).
    "values": [VALUES_HEADER, [ZONE, "gdp", M8, 164, "final", None, None, "illustrative"]],
    "targets": [["org", "element", "year", "target", "note"], [ZONE, "gdp", 2017, 100, "x"]],
}


@functools.cache
def files_of() -> dict[str, bytes]:
    return corpus(SHEETS, ("values", "value"))


@pytest.mark.parametrize("name", NAMES)
def test_the_reader_and_the_importer_refuse_each_malformed_file(name, demo, chinese):
    assert_reader_and_importer_refuse(
        files_of()[name], read=read_workbook, import_plan=import_plan, actor=demo.users["admin"]
    )


@pytest.mark.parametrize("name", NAMES)
def test_the_upload_page_refuses_each_malformed_file(name, login, media):
    assert_upload_page_refuses(  # an editor's page, in the default language, Chinese
        login("economy"),
        files_of()[name],
        page="stats:workbook",
        confirm="stats:import_confirm",
        read=read_workbook,
    )


def _stored() -> bytes:
    """A good workbook whose parts are stored, not deflated, so a changed byte reaches the
    XML parser rather than the zip's CRC."""
    parts = members(SHEETS)
    return pack(parts, stored=tuple(parts))


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6))
def test_a_workbook_with_bytes_changed_is_read_or_refused_never_crashes(changes, demo, chinese):
    data = bytearray(_stored())
    for at, byte in changes:
        data[at % len(data)] = byte
    before = row_counts()
    plan = read_workbook(bytes(data), name="fuzzed.xlsx")
    assert all(plain_refusal(str(p.message)) for p in plan.problems)
    import_plan(plan, actor=demo.users["admin"], dry_run=True)
    assert row_counts() == before


# -- the limits ------------------------------------------------------------------------------

ROWS: list[list] = [
    VALUES_HEADER,
    *([ZONE, "gdp", f"2017-0{m}", 10.5, "final"] for m in range(1, 7)),
]


@pytest.mark.parametrize("dimension", ["auto", "A1:D2", None], ids=["stated", "lying", "none"])
def test_a_sheet_over_the_row_limit_isrefusal_messages(dimension, demo, settings, chinese):
    settings.KAIFAQU_WORKBOOK_MAX_ROWS = 5
    plan = read_workbook(xlsx({"values": ROWS}, dimension=dimension), name="big.xlsx")
    assert [str(p) for p in plan.problems] == [
        "values: 工作表values超过5行，超出工作簿的上限：请拆分为较小的工作簿。"
    ]
    # Stated, the size is refused unread; otherwise the rows up to the limit were read.
    assert len(plan.values) == (0 if dimension == "auto" else 4)


def test_the_pages_take_fewer_rows_than_the_commands(demo, settings, chinese):
    settings.KAIFAQU_WORKBOOK_PAGE_MAX_ROWS = 5
    data = xlsx({"values": ROWS})
    assert read_workbook(data, name="big.xlsx").problems == []
    with files.in_a_request():
        assert [p.location for p in read_workbook(data, name="big.xlsx").problems] == ["values"]


def test_a_cell_past_the_column_limit_isrefusal_messages(demo, settings, chinese):
    settings.KAIFAQU_WORKBOOK_MAX_COLUMNS = 9
    wide = [[*row, None, "x"] for row in ROWS[:2]]  # a tenth column
    for dimension in ("auto", None):
        plan = read_workbook(xlsx({"values": wide}, dimension=dimension), name="wide.xlsx")
        assert [str(p) for p in plan.problems] == [
            "values: 工作表values在第9列之后还有单元格，列数超出工作簿的上限：请删除最后一个"
            "使用列之后的各列后重新保存。"
        ]


def test_styles_and_texts_past_their_limits_are_refused_unparsed(demo, settings, chinese):
    settings.KAIFAQU_WORKBOOK_MAX_STYLES = 7  # the corpus's stylesheet has 7
    data = xlsx({"values": ROWS})
    assert read_workbook(data, name="ok.xlsx").problems == []
    settings.KAIFAQU_WORKBOOK_MAX_STYLES = 6
    assert [str(p) for p in read_workbook(data, name="styled.xlsx").problems] == [
        "工作簿定义了超过6种单元格样式，超出工作簿的上限：请将其工作表以数值形式复制到新工作簿后"
        "上传新工作簿。"
    ]
    settings.KAIFAQU_WORKBOOK_MAX_STYLES = 100
    settings.KAIFAQU_WORKBOOK_MAX_STRINGS = 3
    assert [str(p) for p in read_workbook(data, name="texts.xlsx").problems] == [
        "工作簿包含超过3种不同的文本，超出工作簿的上限：请拆分为较小的工作簿。"
    ]


def test_a_number_no_decimal_holds_is_a_cell_problem(demo, chinese):
    rows = [VALUES_HEADER, [ZONE, "gdp", M8, "1e999999999", "final"]]
    assert [str(p) for p in read_workbook(xlsx({"values": rows}), name="n.xlsx").problems] == [
        "values!D2: 1e999999999过大。"
    ]


# -- the preview, checked once ---------------------------------------------------------------


CSRF = re.compile(r"[A-Za-z0-9]{64}")  # a page's CSRF token, new on each


def _upload(client, data: bytes) -> str:
    upload = io.BytesIO(data)
    upload.name = "zone.xlsx"
    return client.post(reverse("stats:workbook"), {"file": upload})["Location"]


def test_the_preview_is_checked_once_and_kept_beside_the_upload(
    login, media, monkeypatch, django_capture_on_commit_callbacks
):
    client = login("admin")
    checks = []
    real = read_workbook

    def counted(*args, **kwargs):
        checks.append(args)
        return real(*args, **kwargs)

    from kaifaqu.stats.workbook import http
    from kaifaqu.stats.workbook.preview import WORKBOOK

    patched = dataclasses.replace(WORKBOOK, read=counted)
    monkeypatch.setattr("kaifaqu.stats.views.WORKBOOK", patched)
    monkeypatch.setitem(http._workbooks, "stats", patched)  # what the jobs find by name
    preview = _upload(client, xlsx(SHEETS))
    token = preview_token(preview)
    first = client.get(preview).content.decode()
    again = client.get(preview).content.decode()
    assert re.sub(CSRF, "", again) == re.sub(CSRF, "", first)
    assert len(checks) == 1
    assert 'data-testid="preview-ok"' in first
    assert sorted(p.name for p in (media / "imports").iterdir()) == [
        f"{token}.xlsx",
        f"{token}.zh-hans.json",
    ]
    client.cookies["django_language"] = "en"  # another language: checked again, in it
    assert "No problems found." in client.get(preview).content.decode()
    assert len(checks) == 2
    with django_capture_on_commit_callbacks(execute=True):  # the file goes with the commit
        response = client.post(reverse("stats:import_confirm", args=[token]))
    assert response["Location"] == reverse("stats:workbook")
    assert len(checks) == 3  # the import reads the file itself
    assert DataValue.objects.filter(org_unit__code=ZONE, element__code="gdp").exists()
    assert list((media / "imports").iterdir()) == []


def test_a_file_changed_after_its_check_is_not_imported(login, media):
    client = login("admin")
    preview = _upload(client, xlsx(SHEETS))
    token = preview_token(preview)
    assert 'data-testid="preview-ok"' in client.get(preview).content.decode()
    before = row_counts()
    new_zone = [["code", "name", "kind", "parent"], ["371499", "示范区", "zone", "371400"]]
    (media / "imports" / f"{token}.xlsx").write_bytes(xlsx({"orgunits": new_zone}))
    response = client.post(reverse("stats:import_confirm", args=[token]))
    assert response["Location"] == preview
    assert row_counts() == before
    assert not OrgUnit.objects.filter(code="371499").exists()
    # The preview checks the file as it now is.
    assert 'data-sheet="orgunits"><td><code>orgunits</code></td><td class="text-end">1' in (
        client.get(preview).content.decode()
    )


def test_a_plan_keeps_the_first_thousand_cell_problems_and_counts_the_rest(login, media):
    client = login("economy")
    rows = [
        VALUES_HEADER,
        *([ZONE, "gdp", M8, "x", "final"] for _ in range(files.MAX_PROBLEMS + 5)),
    ]
    with translation.override("zh-hans"):
        plan = read_workbook(xlsx({"values": rows}), name="bad.xlsx")
    assert len(plan.problems) == files.MAX_PROBLEMS
    assert isinstance(plan.problems, files.Problems)
    assert plan.problems.left_out == 5
    html = client.get(_upload(client, xlsx({"values": rows}))).content.decode()
    assert html.count("<tr data-problem=") == files.MAX_PROBLEMS
    assert "另有5个单元格或行的问题未列出" in html
