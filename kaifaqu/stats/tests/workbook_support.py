"""What the statistics workbook's tests share: the sheets' headers, a workbook built from
rows, and a made-up second zone.

The second zone sits under 德州市 (371499, with one town); it brings a new element and values
for one already in the demo catalogue, whose figures then come out of the engine.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from kaifaqu.stats.workbook import read_workbook

NEW_ZONE, NEW_TOWN, CITY, ZONE = "371499", "371499101", "371400", "371471"
M8, M8_2016, Q3 = "2017-01/2017-08", "2016-01/2016-08", "2017-01/2017-09"
ELEMENTS_HEADER = (
    "code",
    "name_zh",
    "name_en",
    "unit",
    "time_sum",
    "unit_sum",
    "growth_basis",
    "decimals",
    "parts",
    "department",
)
ORGUNITS_HEADER = ("code", "name", "kind", "parent")
VALUES_HEADER = (
    "org",
    "element",
    "period",
    "value",
    "status",
    "reported_growth_pct",
    "comparable_prior",
    "note",
)
TARGETS_HEADER = ("org", "element", "year", "target", "note")
NOT_XLSX = (
    "This file is not an Excel workbook (.xlsx). Save it from the spreadsheet program as "
    '"Excel workbook (.xlsx)" and try again.'
)
OWNER_ONLY = "Only editors of the owning department may change this."


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zone_sheets() -> dict[str, list[list]]:
    """A second zone: two new org units, one new element, values and a target."""
    return {
        "elements": [
            list(ELEMENTS_HEADER),
            ["exports", "出口额", "Exports", "亿元", "sum", "sum", "computed", 2, None, "economy"],
            ["patents", "专利授权量", "Patents", "项", None, None, None, 0, None, "economy"],
        ],
        "orgunits": [
            list(ORGUNITS_HEADER),
            [NEW_ZONE, "德州示范经济开发区", "zone", CITY],
            [NEW_TOWN, "示范镇", "town", NEW_ZONE],
        ],
        "values": [
            list(VALUES_HEADER),
            [NEW_ZONE, "exports", M8, 10.5, "final", None, None, "illustrative"],
            [NEW_ZONE, "exports", M8_2016, 8.4, "final", None, None, "illustrative"],
            [NEW_ZONE, "patents", Q3, 60, "preliminary", None, None, "illustrative"],
            [NEW_TOWN, "patents", Q3, 20, "preliminary", None, None, "illustrative"],
        ],
        "targets": [list(TARGETS_HEADER), [NEW_ZONE, "patents", 2017, 100, "illustrative"]],
    }


def read(sheets_or_bytes, name="zone.xlsx"):
    data = sheets_or_bytes if isinstance(sheets_or_bytes, bytes) else xlsx(sheets_or_bytes)
    return read_workbook(data, name=name)


def refused(plan) -> list[str]:
    return [str(p) for p in plan.problems]
