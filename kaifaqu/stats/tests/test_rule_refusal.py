"""An error-level data check refuses the save, with its message, wherever a value is saved
(issue 13, item 8): the entry page, the API and the workbook import all go through
``services.value_save`` or its import twin, and an error changes nothing (no value, no audit
row, no violation); a warning saves and shows."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kaifaqu.core.models import AuditEntry
from kaifaqu.core.testing import search
from kaifaqu.core.versioning import CURRENT
from kaifaqu.stats import services
from kaifaqu.stats.models import DataElement, DataValue, RuleViolation

from .test_entry import URL, form_data, open_sheet, rows_by_code, stored_row
from .workbook_support import M8, VALUES_HEADER, ZONE, xlsx

HIGHTECH_ZH = (
    "未保存：违反数据检查“高新技术产业产值比重不超过100%”"
    "（高新技术产业产值比重，2017年1—8月：133.7，应≤100）。"
)
HIGHTECH_EN = (
    "Not saved: this breaks the data check “高新技术产业产值比重不超过100%” "
    "(High-tech share of industrial output, January–August 2017: 133.7, must be ≤ 100)."
)


def state() -> tuple:
    """What a refused save must leave as it was."""
    return (
        list(DataValue.objects.order_by("pk").values_list("pk", "value", "version")),
        AuditEntry.objects.count(),
        list(RuleViolation.objects.order_by("pk").values_list("pk", "rule__code")),
    )


# --- the entry page -------------------------------------------------------------------------


def test_the_entry_page_refuses_a_share_over_100_on_its_row(as_user):
    client = as_user("economy", "zh-hans")
    page = open_sheet(client, period=M8)
    before = state()
    response = client.post(
        URL, form_data(page, hightech_share={"value": "133.7", "status": "final"})
    )
    assert response.status_code == 200
    assert state() == before
    assert stored_row("hightech_share", M8).value == Decimal("33.7")
    row = rows_by_code(response)["hightech_share"]
    assert row.state == "refused"
    assert row.form.errors["value"] == [HIGHTECH_ZH]
    html = response.content.decode()
    assert f'<div class="invalid-feedback d-block" data-testid="value-error">{HIGHTECH_ZH}' in html
    marked = search(r'<tr data-element="hightech_share".*?</tr>', html, re.S).group()
    assert "table-danger" in marked
    assert "未保存" in marked
    assert "已保存" not in marked


def test_in_english_the_refusal_is_in_english(as_user):
    client = as_user("economy")
    page = open_sheet(client, period=M8)
    response = client.post(
        URL, form_data(page, hightech_share={"value": "133.7", "status": "final"})
    )
    assert rows_by_code(response)["hightech_share"].form.errors["value"] == [HIGHTECH_EN]


def test_a_whole_changed_without_its_parts_is_refused(as_user):
    client = as_user("economy")
    page = open_sheet(client, period=M8)
    before = state()
    response = client.post(URL, form_data(page, trade={"value": "40", "status": "final"}))
    assert state() == before
    assert rows_by_code(response)["trade"].form.errors["value"] == [
        "Not saved: this breaks the data check “出口额与进口额之和等于进出口总额” "
        "(Foreign trade, January–August 2017: 40, must be = 34.4)."
    ]


def test_a_whole_and_its_parts_changed_together_are_checked_as_they_will_be(as_user):
    """The whole is saved first: against its parts' new values it holds; the warning that a
    jump over 1.5 times last year's is to be checked is saved and shown."""
    client = as_user("economy")
    page = open_sheet(client, period=M8)
    response = client.post(
        URL,
        form_data(
            page,
            trade={"value": "40", "status": "final"},
            exports={"value": "25", "status": "final"},
            imports={"value": "15", "status": "final"},
        ),
    )
    assert response.status_code == 302
    assert [stored_row(code, M8).value for code in ("trade", "exports", "imports")] == [
        Decimal("40"),
        Decimal("25"),
        Decimal("15"),
    ]
    found = RuleViolation.objects.filter(rule__left__code="trade", org_unit__code=ZONE)
    assert list(found.values_list("rule__code", "left_value", "right_value")) == [
        ("trade_jump", Decimal("40"), Decimal("29.9805"))
    ]
    html = client.get(response["Location"]).content.decode()
    row = search(r'<tr data-element="trade".*?</tr>', html, re.S).group()
    assert 'data-rule="trade_jump"' in row
    assert "table-success" in row


def test_a_stored_breach_the_save_does_not_change_does_not_refuse_it(demo):
    """A value stored before the rule (or imported) that breaks it blocks nothing else."""
    share = DataElement.objects.get(code="hightech_share")
    DataValue.objects.filter(element=share, org_unit=demo.zone, period=M8).update(value="133.7")
    exports = DataElement.objects.get(code="exports")
    saved = services.value_save(
        actor=None, element=exports, org_unit=demo.zone, period=M8, value="21.8", version=CURRENT
    )
    assert saved.value == Decimal("21.8")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.value_save(  # "corrected" to another breach: refused
            actor=None, element=share, org_unit=demo.zone, period=M8, value="140", version=CURRENT
        )
    assert refused.value.message_dict == {"value": [HIGHTECH_EN.replace("133.7", "140")]}
    saved = services.value_save(
        actor=None, element=share, org_unit=demo.zone, period=M8, value="34.1", version=CURRENT
    )
    assert saved.value == Decimal("34.1")


# --- the API --------------------------------------------------------------------------------


def test_the_api_refuses_the_breach_with_400_and_the_message(api):
    client = api("economy")
    before = state()
    response = client.post(
        "/api/v1/values/",
        {"element": "hightech_share", "org": ZONE, "period": M8, "value": "133.7", "version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"value": [HIGHTECH_ZH]}
    assert state() == before


def test_the_api_saves_a_good_value_and_shows_its_warnings(api):
    client = api("economy")
    exports = client.post(
        "/api/v1/values/",
        {"element": "exports", "org": ZONE, "period": M8, "value": "25", "version": 1},
        format="json",
    )
    assert exports.status_code == 400  # the parts no longer add up to the trade stored
    client.post(
        "/api/v1/values/",
        {"element": "hightech_share", "org": ZONE, "period": M8, "value": 34.2, "version": 1},
        format="json",
    )
    response = client.post(
        "/api/v1/values/",
        {"element": "trade", "org": ZONE, "period": M8, "value": "34.4", "version": 1},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["element"], body["value"], body["source"]) == ("trade", "34.400000", "")
    assert [(v["rule"], v["importance"]) for v in body["violations"]] == [("trade_jump", "warning")]
    assert stored_row("hightech_share", M8).value == Decimal("34.2")


def test_the_api_refuses_readers(api):
    before = state()
    response = api("leader").post(
        "/api/v1/values/",
        {"element": "trade", "org": ZONE, "period": M8, "value": "34.4", "version": 1},
        format="json",
    )
    assert response.status_code == 403
    assert state() == before


# --- the workbook ---------------------------------------------------------------------------


def upload(client, rows: list[list]) -> str:
    book = io.BytesIO(xlsx({"values": [list(VALUES_HEADER), *rows]}))
    book.name = "share.xlsx"
    return client.post(reverse("stats:workbook"), {"file": book})["Location"]


def test_the_workbook_preview_shows_the_breach_and_the_import_is_refused(as_user):
    client = as_user("economy", "zh-hans")
    before = state()
    preview = upload(client, [[ZONE, "hightech_share", M8, 133.7, "final", None, None, "核"]])
    html = client.get(preview).content.decode()
    assert 'data-problem="values!D2"' in html
    assert (
        "违反数据检查“高新技术产业产值比重不超过100%”"
        "（德州经济技术开发区，高新技术产业产值比重，2017年1—8月：133.7，应≤100）。"
    ) in html
    assert 'data-testid="confirm-import"' not in html
    token = search(r"/import/([^/]+)/", preview).group(1)
    client.post(reverse("stats:import_confirm", args=[token]))
    assert state() == before
    assert stored_row("hightech_share", M8).value == Decimal("33.7")


def test_a_workbook_with_a_warning_imports_and_lists_it(as_user):
    client = as_user("economy")
    preview = upload(
        client,
        [
            [ZONE, "trade", M8, 40, "final", None, None, "核"],
            [ZONE, "exports", M8, 25, "final", None, None, "核"],
            [ZONE, "imports", M8, 15, "final", None, None, "核"],
        ],
    )
    html = client.get(preview).content.decode()
    assert 'data-testid="confirm-import"' in html
    assert f'data-violation="trade_jump:{ZONE}:{M8}"' in html
    token = search(r"/import/([^/]+)/", preview).group(1)
    client.post(reverse("stats:import_confirm", args=[token]))
    assert stored_row("trade", M8).value == Decimal("40")
