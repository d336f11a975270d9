"""The statistics workbook's file: refused before it is opened when it is no workbook."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.template.defaultfilters import filesizeformat

from kaifaqu.stats.workbook import (
    columns,
    read_workbook,
)

from .workbook_support import (
    NOT_XLSX,
    read,
    refused,
    xlsx,
    zone_sheets,
)

pytestmark = pytest.mark.usefixtures("english")


# -- refusals of the file itself --------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_unopened(demo, monkeypatch):
    monkeypatch.setattr(columns, "MAX_FILE_BYTES", 1000)
    plan = read(zone_sheets())
    assert refused(plan) == [
        f"The file is larger than {filesizeformat(1000)}: split it into smaller workbooks."
    ]
    assert plan.row_counts == {"elements": 0, "orgunits": 0, "values": 0, "targets": 0}


def test_the_size_limit_is_40_mb(demo):
    assert columns.MAX_FILE_BYTES == 40 * 1024 * 1024
    assert columns.MAX_EXPANDED_BYTES == 400 * 1024 * 1024
    assert refused(read_workbook(b"x" * (columns.MAX_FILE_BYTES + 1), name="big.xlsx")) == [
        "The file is larger than 40.0\xa0MB: split it into smaller workbooks."
    ]


MACROS = (
    "This workbook contains macros (.xlsm), which are not accepted. Save it as an Excel "
    "workbook (.xlsx) without macros and try again."
)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _rezip(data: bytes, change) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    change(members)
    return _zip(members)


@pytest.mark.parametrize(
    "data",
    [
        b"org,element,period,value\n371471,gdp,2017,1\n",  # a CSV named .xlsx
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,  # an old .xls
        b"PK\x03\x04 not really a zip",
        _zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"}),
    ],
    ids=["csv", "xls", "broken-zip", "docx-like"],
)
def test_a_file_that_is_not_an_xlsx_workbook_is_refused(demo, data):
    assert refused(read_workbook(data, name="data.xlsx")) == [NOT_XLSX]


def test_a_macro_workbook_is_refused(demo):
    def add_macros(members):
        members["xl/vbaProject.bin"] = b"\x00macro"

    data = _rezip(xlsx(zone_sheets()), add_macros)
    assert refused(read_workbook(data, name="zone.xlsx")) == [MACROS]
    assert refused(read_workbook(xlsx(zone_sheets()), name="zone.xlsm")) == [MACROS]

    def macro_content_type(members):
        types = members["[Content_Types].xml"].decode()
        members["[Content_Types].xml"] = types.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ).encode()

    data = _rezip(xlsx(zone_sheets()), macro_content_type)
    assert refused(read_workbook(data, name="zone.xlsx")) == [MACROS]


def test_a_zip_bomb_is_refused_before_anything_is_inflated(demo, monkeypatch):
    bomb = _rezip(xlsx(zone_sheets()), lambda m: m.update({"xl/padding.bin": b"\0" * 300_000}))
    assert len(bomb) < 50_000  # small on disk, large when opened
    monkeypatch.setattr(columns, "MAX_EXPANDED_BYTES", 250_000)
    inflated = []
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda *a, **k: inflated.append(a) or b"")
    assert refused(read_workbook(bomb, name="zone.xlsx")) == [
        f"The workbook would expand to more than {filesizeformat(250_000)} when opened; no "
        "statistics workbook is that large, so it is refused."
    ]
    assert inflated == []


def test_a_declared_size_is_what_counts_even_if_the_member_claims_to_be_huge(demo):
    """A member whose header declares 500 MB is refused without reading it."""
    data = bytearray(xlsx(zone_sheets()))
    # The uncompressed size in the central directory entry of the first member.
    first = data.find(b"PK\x01\x02")
    data[first + 24 : first + 28] = (500 * 1024 * 1024).to_bytes(4, "little")
    assert (
        "expand to more than 400.0\xa0MB" in refused(read_workbook(bytes(data), name="b.xlsx"))[0]
    )


def test_a_file_that_is_no_workbook_inside_is_refused(demo):
    data = _rezip(xlsx(zone_sheets()), lambda m: m.pop("xl/workbook.xml"))
    assert refused(read_workbook(data, name="zone.xlsx")) == [
        "The file could not be opened as an Excel workbook (.xlsx)."
    ]


def test_a_workbook_with_none_of_the_sheets_is_refused(demo):
    assert refused(read({"Sheet1": [["a", "b"]]})) == [
        "Sheet1: Unknown sheet Sheet1: the sheets of a workbook are elements, orgunits, "
        "values, targets.",
        "The workbook has none of the sheets elements, orgunits, values, targets.",
    ]
