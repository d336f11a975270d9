"""The data entry page (issue 3, item 10): one unit and period, the elements of the user's
departments, last year's value beside each, each changed row saved on its own with
optimistic locking, bad input refused on its row with nothing written."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kaifaqu.core import numbers
from kaifaqu.core.models import AuditEntry
from kaifaqu.core.periods import parse
from kaifaqu.core.testing import messages_of
from kaifaqu.core.versioning import CURRENT
from kaifaqu.metrics.engine import compute
from kaifaqu.metrics.figures import FigureRequest
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats import selectors, services
from kaifaqu.stats.forms import parse_number, plain
from kaifaqu.stats.models import DataElement, DataValue

ZONE, CITY = "371471", "371400"
M8, Q3 = "2017-01/2017-08", "2017-01/2017-09"
URL = reverse("stats:entry")
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
ECONOMY_ROWS = [
    ("gdp", 0), ("va_primary", 1), ("va_secondary", 1), ("va_tertiary", 1),
    ("industrial_va", 0), ("hightech_share", 0), ("trade", 0), ("exports", 1), ("imports", 1),
    ("grant_funds", 0), ("training_voucher_firms", 0), ("training_vouchers", 0),
    ("entrepreneur_lectures", 0), ("study_tour_firms", 0),
]  # fmt: skip
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
CONCURRENT = (
    "Someone else saved this record while you were editing it. Reload it to see their "
    "change, then make yours again."
)


def stored(code: str, period: str, org: str = ZONE) -> DataValue | None:
    (y1, m1), (y2, m2) = parse(period).months_key
    return DataValue.objects.filter(
        element__code=code,
        org_unit__code=org,
        month_from=y1 * 100 + m1,
        month_to=y2 * 100 + m2,
    ).first()


def stored_row(code: str, period: str, org: str = ZONE) -> DataValue:
    """The stored value, which the test expects to be there."""
    row = stored(code, period, org)
    assert row is not None, f"no {code} stored for {period}"
    return row


def open_sheet(client, org: str = ZONE, period: str = Q3):
    response = client.get(URL, {"org": org, "period": period})
    assert response.status_code == 200
    return response


def form_data(response, **changes: dict[str, str]) -> dict[str, str]:
    """What the browser posts for the page as loaded, with ``changes`` typed into rows
    (element code → {field: text})."""
    sheet = response.context["sheet"]
    data = {"org": sheet.org_unit.code, "period": str(sheet.period)}
    for row in sheet.rows:
        form = row.form
        for name, field in form.fields.items():
            bound = form[name]
            shown = bound.value()
            shown = "" if shown is None else str(shown)
            data[bound.html_name] = shown
            if field.show_hidden_initial:  # the value as loaded, which a bound form carries
                loaded = form.data.get(bound.html_initial_name, "") if form.is_bound else shown
                data[bound.html_initial_name] = loaded
        for name, text in changes.get(row.element.code, {}).items():
            data[form[name].html_name] = text
    unknown = set(changes) - {row.element.code for row in sheet.rows}
    assert not unknown, f"not on the page: {unknown}"
    return data


def rows_by_code(response) -> dict:
    return {row.element.code: row for row in response.context["sheet"].rows}


def wording_of(html: str) -> dict:
    start = html.index('<script id="entry-wording" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def english_errors(form) -> dict[str, list[str]]:
    """The form's errors as the page showed them (Django's own messages are lazy)."""
    with translation.override("en"):
        return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def counts() -> tuple[int, int]:
    return DataValue.objects.count(), AuditEntry.objects.count()


def without_trade(zone) -> None:
    """No 1—8月 trade stored: its parts then change alone, with no whole to add up to (the
    error-level check that they do is test_rule_refusal's)."""
    DataValue.objects.filter(element__code="trade", org_unit=zone, period=M8).delete()


# --- last year's value ----------------------------------------------------------------------


def prior_of(user, org: str, period: str) -> dict[str, tuple[Decimal, str]]:
    elements = list(selectors.entry_elements(user))
    found = selectors.prior_year_values(elements, OrgUnit.objects.get(code=org), parse(period))
    by_pk = {e.pk: e.code for e in elements}
    return {by_pk[pk]: (p.value, p.how) for pk, p in found.items()}


def test_last_year_s_values_from_the_demo_data(demo):
    assert prior_of(demo.economy, ZONE, M8) == {
        "gdp": (Decimal("151"), "entered"),
        "va_primary": (Decimal("3.926"), "entered"),
        "va_secondary": (Decimal("91.355"), "entered"),
        "va_tertiary": (Decimal("55.719"), "entered"),
        "hightech_share": (Decimal("31.72"), "entered"),
        # No trade of its own for 2016 1—8月: the sum of exports and imports.
        "trade": (Decimal("19.987"), "parts"),
        "exports": (Decimal("12.674"), "entered"),
        "imports": (Decimal("7.313"), "entered"),
    }
    assert prior_of(demo.economy, ZONE, Q3) == {"gdp": (Decimal("171.3"), "entered")}
    assert prior_of(demo.economy, CITY, M8) == {}


def test_last_year_s_values_of_the_finance_bureau(demo):
    assert prior_of(demo.admin, ZONE, M8) == {
        **prior_of(demo.economy, ZONE, M8),
        "taxpayers_over_10m": (Decimal("30"), "entered"),
        "taxpayers_over_100m": (Decimal("4"), "entered"),
        "taxpayers_over_300m": (Decimal("1"), "entered"),
        "taxpayers_over_5m": (Decimal("51"), "entered"),
        "taxpayers_over_1m": (Decimal("151"), "entered"),
    }


@pytest.mark.parametrize("period", [M8, Q3])
def test_last_year_s_values_agree_with_the_figure_engine(demo, period):
    mine = prior_of(demo.admin, ZONE, period)
    codes = [e.code for e in selectors.entry_elements(demo.admin)]
    engine = {
        f.metric: f.prior_value
        for f in compute(FigureRequest(code, ZONE, period) for code in codes)
        if f.prior_value is not None
    }
    assert {code: value for code, (value, _how) in mine.items()} == engine


@pytest.fixture
def patents(demo):
    """A flow kept by the month (项) and a stock (个), with 2016 values."""
    flow = services.element_create(
        actor=None,
        code="patents",
        name_zh="专利授权量",
        name_en="Patents granted",
        unit="项",
        department=demo.departments["economy"],
        decimals=0,
        order=100,
    )
    stock = services.element_create(
        actor=None,
        code="incubators",
        name_zh="孵化器数量",
        name_en="Incubators",
        unit="个",
        department=demo.departments["economy"],
        decimals=0,
        time_aggregation="last",
        order=101,
    )
    for month, value in (("2016-01", 5), ("2016-02", 7), ("2016-03", 9)):
        services.value_save(
            actor=None,
            element=flow,
            org_unit=demo.zone,
            period=month,
            value=value,
            source="test",
            version=CURRENT,
        )
    for month, value in (("2016-02", 100), ("2016-03", 110)):
        services.value_save(
            actor=None,
            element=stock,
            org_unit=demo.zone,
            period=month,
            value=value,
            source="test",
            version=CURRENT,
        )
    return flow, stock


def both(patents: tuple[str, str] | None, incubators: tuple[str, str] | None) -> dict:
    found = {"patents": patents, "incubators": incubators}
    return {code: (Decimal(v), how) for code, (v, how) in found.items() if (v, how) != (None, None)}


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # A flow: the sum of the months; a stock: the value at the window's end.
        ("2017Q1", both(("21", "months"), ("110", "stock"))),
        ("2017-01/2017-03", both(("21", "months"), ("110", "stock"))),
        ("2017-01/2017-02", both(("12", "months"), ("100", "stock"))),
        ("2017-02", both(("7", "entered"), ("100", "entered"))),
        # April is missing: no partial sum, and no stock ends in April.
        ("2017-01/2017-04", {}),
        ("2017H1", {}),
    ],
)
def test_last_year_s_value_from_the_months(demo, patents, period, expected):
    found = prior_of(demo.economy, ZONE, period)
    assert {k: v for k, v in found.items() if k in ("patents", "incubators")} == expected


def test_a_value_entered_for_the_window_wins_over_its_months(demo, patents):
    flow, stock = patents
    for element, value in ((flow, 20), (stock, 111)):
        services.value_save(
            version=CURRENT,
            actor=None,
            element=element,
            org_unit=demo.zone,
            period="2016Q1",
            value=value,
            source="test",
        )
    found = prior_of(demo.economy, ZONE, "2017-01/2017-03")
    assert found["patents"] == (Decimal("20"), "entered")
    assert found["incubators"] == (Decimal("111"), "entered")


def test_elements_are_listed_with_parts_under_their_whole(demo):
    ordered = selectors.wholes_then_parts(selectors.entry_elements(demo.economy))
    assert [(e.code, depth) for e, depth in ordered] == ECONOMY_ROWS


def test_a_part_whose_whole_is_not_listed_stands_alone(demo):
    elements = [e for e in selectors.element_list() if e.code in ("exports", "imports", "gdp")]
    ordered = selectors.wholes_then_parts(elements)
    assert [(e.code, depth) for e, depth in ordered] == [("gdp", 0), ("exports", 0), ("imports", 0)]


# --- who opens the page ---------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login(client, demo):
    response = client.get(URL, {"org": ZONE, "period": Q3})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('core:login')}?next=")


@pytest.mark.parametrize("username", ["leader", "finance", "sysadmin", "secadmin", "auditadmin"])
def test_users_who_are_editors_nowhere_get_403(as_user, demo, username):
    """Viewers and leaders too: they read the same numbers on the figure pages."""
    client = as_user(username)
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"org": ZONE, "period": Q3}).status_code == 403
    before = counts()
    data = {
        "org": ZONE,
        "period": Q3,
        "el-industrial_va-value": "110",
        "el-industrial_va-status": "final",
        "el-industrial_va-version": "0",
    }
    assert client.post(URL, data).status_code == 403
    assert counts() == before


@pytest.mark.parametrize(
    ("username", "codes"),
    [
        ("economy", [code for code, _depth in ECONOMY_ROWS]),
        ("admin", None),  # every element
        (
            "twodept",
            [
                "financing_indirect",
                "financing_direct",
                "transfer_payments",
                "transfer_general",
                "transfer_special",
                "taxpayers_over_10m",
                "taxpayers_over_100m",
                "taxpayers_over_300m",
                "taxpayers_over_5m",
                "taxpayers_over_1m",
            ],
        ),
        ("investment", []),
    ],
)
def test_editors_see_the_elements_of_their_departments(as_user, demo, username, codes):
    response = open_sheet(as_user(username))
    shown = [row.element.code for row in response.context["sheet"].rows]
    if username == "admin":
        codes = [e.code for e, _d in selectors.wholes_then_parts(selectors.element_list())]
        assert len(codes) == DataElement.objects.count()
    assert shown == codes
    if not codes:
        assert b'data-testid="entry-empty"' in response.content


def test_the_page_opens_on_the_home_zone_without_a_sheet(as_user):
    response = as_user("economy").get(URL)
    assert response.status_code == 200
    assert response.context["sheet"] is None
    assert response.context["pick"]["org"].value() == ZONE


def test_a_bad_period_is_named_and_no_sheet_opens(as_user):
    response = as_user("economy").get(URL, {"org": ZONE, "period": "2017-13"})
    assert response.status_code == 200
    assert response.context["sheet"] is None
    assert response.context["pick"].errors["period"] == [
        '"2017-13" is not a period: write 2017, 2017H1, 2017Q3, 2017-08 or 2017-01/2017-08.'
    ]


def test_a_post_with_a_bad_period_is_refused(as_user):
    client = as_user("economy")
    before = counts()
    response = client.post(URL, {"org": ZONE, "period": "Q3"})
    assert response.status_code == 400
    assert counts() == before


def test_the_page_shows_this_period_s_values_and_last_year_s(as_user):
    response = open_sheet(as_user("economy", "zh-hans"), period=M8)
    rows = rows_by_code(response)
    assert [(c, rows[c].form["value"].value(), rows[c].prior_text) for c in rows] == [
        ("gdp", "164", "151"),
        ("va_primary", "3.936", "3.926"),
        ("va_secondary", "99.384", "91.355"),
        ("va_tertiary", "60.68", "55.719"),
        ("industrial_va", "102", ""),
        ("hightech_share", "33.7", "31.72"),
        ("trade", "34.4", "19.987"),
        ("exports", "21.8", "12.674"),
        ("imports", "12.6", "7.313"),
        # Entered for 1—9月 only: the 1—8月 sheet has none of them.
        ("grant_funds", None, ""),
        ("training_voucher_firms", None, ""),
        ("training_vouchers", None, ""),
        ("entrepreneur_lectures", None, ""),
        ("study_tour_firms", None, ""),
    ]
    assert rows["gdp"].form["status"].value() == "estimate"
    assert rows["industrial_va"].form["reported_growth_pct"].value() == "8.1"
    assert "reported_growth_pct" not in rows["exports"].form.fields  # growth computed
    assert [rows[c].kind for c in ("gdp", "hightech_share", "trade")] == [
        "amount",
        "rate",
        "amount",
    ]
    html = response.content.decode()
    assert 'data-element="exports"' in html
    assert 'data-prior="12.674"' in html
    for text in ("出口额", "2016年1—8月", "2017年1—8月"):
        assert text in html
    assert wording_of(html)["words"] == numbers.WORDS["zh"]  # core.numbers' table
    assert 'src="/static/kaifaqu/entry.js"' in html
    assert "<script>" not in html  # no inline script


def test_the_page_speaks_english_when_chosen(as_user):
    response = open_sheet(as_user("economy"), period=M8)
    html = response.content.decode()
    assert "Gross regional product" in html
    assert "Same period last year" in html
    assert wording_of(html)["words"] == numbers.WORDS["en"]


def test_the_workbook_page_links_to_the_entry_page(as_user):
    response = as_user("economy").get(reverse("stats:workbook"))
    assert f'href="{URL}"' in response.content.decode()


def test_the_page_takes_a_bounded_number_of_queries_whatever_the_number_of_elements(
    as_user, demo, django_assert_max_num_queries
):
    client = as_user("economy")
    with CaptureQueriesContext(connection) as few:
        response = open_sheet(client, period=M8)
    assert len(response.context["sheet"].rows) == 14
    # With the validation rules' violations, and the navigation's look-up of the departments
    # that keep consultations (who sees the inbox), and the back office's gate asking whether
    # the account is a visitor's, and django-otp's look-up of the session's second factor.
    assert len(few.captured_queries) <= 16
    for i in range(30):
        element = services.element_create(
            actor=None,
            code=f"extra{i}",
            name_zh=f"指标{i}",
            name_en=f"Element {i}",
            unit="万元",
            department=demo.departments["economy"],
            order=200 + i,
        )
        for period, value in ((M8, 10 + i), ("2016-01/2016-08", 9 + i)):
            services.value_save(
                version=CURRENT,
                actor=None,
                element=element,
                org_unit=demo.zone,
                period=period,
                value=value,
                source="test",
            )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = open_sheet(client, period=M8)
    rows = response.context["sheet"].rows
    assert len(rows) == 44
    assert (rows[-1].form["value"].value(), rows[-1].prior_text) == ("39", "38")


# --- saving ---------------------------------------------------------------------------------


def test_an_editor_enters_a_new_value(as_user, demo):
    client = as_user("economy")
    page = open_sheet(client)
    mark = AuditEntry.objects.count()
    data = form_data(
        page,
        industrial_va={
            "value": "110.5",
            "status": "estimate",
            "reported_growth_pct": "8.3",
            "source": "区统计局快报",
        },
    )
    response = client.post(URL, data)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?org={ZONE}&period=2017-01%2F2017-09"
    assert messages_of(response) == ["1 value saved."]
    value = stored("industrial_va", Q3)
    assert (value.value, value.status, value.reported_growth_pct, value.source) == (
        Decimal("110.5"),
        "estimate",
        Decimal("8.3"),
        "区统计局快报",
    )
    assert (value.period, value.version, value.entered_by) == (Q3, 1, demo.economy)
    audit = list(AuditEntry.objects.filter(seq__gt=0).order_by("seq"))[mark:]
    assert [(a.action, a.actor_username, a.object_type) for a in audit] == [
        ("create", "economy", "stats.datavalue")
    ]
    # The page after the save marks the row, once.
    after = client.get(response["Location"])
    states = {code: row.state for code, row in rows_by_code(after).items()}
    assert states == {code: ("saved" if code == "industrial_va" else "") for code in states}
    assert rows_by_code(after)["industrial_va"].form["value"].value() == "110.5"
    again = open_sheet(client)
    assert {row.state for row in again.context["sheet"].rows} == {""}


def test_an_editor_changes_a_value_and_only_the_changed_row_is_written(as_user, demo):
    client = as_user("economy")
    page = open_sheet(client, period=M8)
    mark = AuditEntry.objects.count()
    # Both parts, so that they still add up to the trade stored (an error-level data check).
    response = client.post(
        URL, form_data(page, exports={"value": "22.1"}, imports={"value": "12.3"})
    )
    assert response.status_code == 302
    exports = stored("exports", M8)
    assert (exports.value, exports.status, exports.version) == (Decimal("22.1"), "final", 2)
    assert stored("imports", M8).version == 2
    assert stored("trade", M8).version == 1
    assert AuditEntry.objects.count() == mark + 2


def test_saving_an_unchanged_page_writes_nothing(as_user):
    client = as_user("economy")
    page = open_sheet(client, period=M8)
    before = counts()
    response = client.post(URL, form_data(page))
    assert response.status_code == 302
    assert messages_of(response) == ["Nothing was changed, so nothing was saved."]
    assert counts() == before


def test_the_same_number_written_differently_is_no_change(as_user):
    client = as_user("economy")
    page = open_sheet(client, period=M8)
    before = counts()
    client.post(URL, form_data(page, exports={"value": "21.80"}, imports={"value": "１２．６"}))
    assert counts() == before


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("１８６．５", "186.5"), ("1,234.5", "1234.5"), (" 186 ", "186"), ("－3", "-3"), ("+7.", "7")],
)
def test_numbers_typed_in_other_ways_are_read(as_user, typed, expected):
    client = as_user("economy")
    page = open_sheet(client)
    response = client.post(URL, form_data(page, exports={"value": typed, "status": "final"}))
    assert response.status_code == 302
    assert stored("exports", Q3).value == Decimal(expected)


def test_fields_the_page_does_not_show_keep_what_is_stored(as_user, demo):
    without_trade(demo.zone)
    exports = DataElement.objects.get(code="exports")
    services.value_save(
        version=CURRENT,
        actor=None,
        element=exports,
        org_unit=demo.zone,
        period=M8,
        value="21.8",
        reported_growth_pct="71.9",
        comparable_prior="12.5",
        source="seed",
    )
    client = as_user("economy")
    page = open_sheet(client, period=M8)
    assert rows_by_code(page)["exports"].comparable_text == "12.5"
    assert 'data-comparable="12.5"' in page.content.decode()
    client.post(URL, form_data(page, exports={"value": "22"}))
    value = stored("exports", M8)
    assert (value.value, value.reported_growth_pct, value.comparable_prior) == (
        Decimal("22"),
        Decimal("71.9"),
        Decimal("12.5"),
    )


def test_elements_of_other_departments_are_not_saved(as_user):
    client = as_user("economy")
    page = open_sheet(client)
    data = form_data(page)
    data.update(
        {
            "el-financing_indirect-value": "99",
            "el-financing_indirect-status": "final",
            "el-financing_indirect-version": "1",
        }
    )
    before = counts()
    client.post(URL, data)
    assert counts() == before
    assert stored("financing_indirect", Q3).value == Decimal("35")


def test_a_zone_administrator_enters_any_department_s_values(as_user, demo):
    client = as_user("admin")
    page = open_sheet(client)
    data = form_data(page, financing_indirect={"value": "36"}, gdp={"value": "186"})
    assert client.post(URL, data).status_code == 302
    assert stored("financing_indirect", Q3).value == Decimal("36")
    assert stored("gdp", Q3).value == Decimal("186")
    assert stored("gdp", Q3).entered_by == demo.admin


# --- concurrent edits -----------------------------------------------------------------------


def test_a_row_someone_else_changed_meanwhile_is_refused_and_the_others_save(as_user, demo):
    without_trade(demo.zone)
    client = as_user("economy")
    page = open_sheet(client, period=M8)
    # 演示管理员 saves 1—8月 exports while the economy editor has the page open.
    services.value_save(
        actor=demo.admin,
        element=DataElement.objects.get(code="exports"),
        org_unit=demo.zone,
        period=M8,
        value="21.9",
        status="final",
        source="seed",
        version=1,
    )
    mark = AuditEntry.objects.count()
    data = form_data(page, exports={"value": "22.1"}, imports={"value": "12.7"})
    response = client.post(URL, data)
    assert response.status_code == 200
    assert messages_of(response) == [
        "1 saved, 1 not saved: the rows marked below say why; nothing was written for them."
    ]
    rows = rows_by_code(response)
    assert rows["exports"].state == "refused"
    assert english_errors(rows["exports"].form) == {"__all__": [CONCURRENT]}
    assert rows["exports"].now_text == "21.9"
    assert rows["exports"].form["value"].value() == "22.1"  # what the editor typed stays
    assert rows["imports"].state == "saved"
    assert {rows[c].state for c in rows if c not in ("exports", "imports")} == {""}
    assert (stored("exports", M8).value, stored("exports", M8).version) == (Decimal("21.9"), 2)
    assert (stored_row("imports", M8).value, stored_row("imports", M8).version) == (
        Decimal("12.7"),
        2,
    )
    assert AuditEntry.objects.count() == mark + 1
    html = response.content.decode()
    assert "Stored now: 21.9 (Final), entered by" in html
    assert CONCURRENT.replace("'", "&#x27;") in html
    # The saved row now carries its new version: saving it again is no conflict.
    again = client.post(URL, form_data(response, imports={"value": "12.8"}))
    assert again.status_code == 200  # exports is still refused until reloaded
    assert stored("imports", M8).value == Decimal("12.8")


def test_a_value_someone_else_entered_first_is_not_overwritten(as_user, demo):
    client = as_user("economy")
    page = open_sheet(client)
    services.value_save(
        actor=demo.admin,
        element=DataElement.objects.get(code="exports"),
        org_unit=demo.zone,
        period=Q3,
        value="24",
        status="final",
        version=CURRENT,
    )
    response = client.post(URL, form_data(page, exports={"value": "25", "status": "estimate"}))
    assert response.status_code == 200
    assert english_errors(rows_by_code(response)["exports"].form) == {"__all__": [CONCURRENT]}
    assert stored("exports", Q3).value == Decimal("24")


def test_a_row_changed_by_someone_else_but_left_alone_here_is_not_touched(as_user, demo):
    without_trade(demo.zone)
    client = as_user("economy")
    page = open_sheet(client, period=M8)
    services.value_save(
        actor=demo.admin,
        element=DataElement.objects.get(code="exports"),
        org_unit=demo.zone,
        period=M8,
        value="21.9",
        status="final",
        source="seed",
        version=1,
    )
    response = client.post(URL, form_data(page, imports={"value": "12.7"}))
    assert response.status_code == 302
    assert stored("exports", M8).value == Decimal("21.9")
    assert stored("imports", M8).value == Decimal("12.7")


# --- bad input ------------------------------------------------------------------------------

BAD_ROWS = {
    "industrial_va": ({"value": "abc", "status": "final"}, "value", "abc is not a number."),
    "hightech_share": ({"value": "35"}, "status", "Choose the status of this value."),
    "trade": ({"status": "final"}, "value", "Enter a value: a status, growth or note needs one."),
    "imports": ({"source": "海关"}, "value", "Enter a value: a status, growth or note needs one."),
    "gdp": (
        {"value": ""},
        "value",
        "A saved value cannot be removed here: enter the corrected value instead.",
    ),
    "va_primary": (
        {"value": "1.1234567", "status": "final"},
        "value",
        "Ensure that there are no more than 6 decimal places.",
    ),
    "va_secondary": ({"value": "1e5", "status": "final"}, "value", "1e5 is not a number."),
    "va_tertiary": (
        {"value": "60", "status": "final", "reported_growth_pct": "八"},
        "reported_growth_pct",
        "八 is not a number.",
    ),
}


@pytest.mark.parametrize("code", BAD_ROWS)
def test_bad_input_is_refused_on_its_row_and_changes_nothing(as_user, code):
    changes, field, message = BAD_ROWS[code]
    client = as_user("economy")
    page = open_sheet(client)
    before = counts()
    response = client.post(URL, form_data(page, **{code: changes}))
    assert response.status_code == 200
    assert counts() == before
    row = rows_by_code(response)[code]
    assert row.state == "refused"
    assert english_errors(row.form) == {field: [message]}
    assert 'aria-invalid="true"' in response.content.decode()


def test_bad_rows_are_refused_and_good_rows_beside_them_save(as_user):
    client = as_user("economy")
    page = open_sheet(client)
    changes = {code: changes for code, (changes, _f, _m) in BAD_ROWS.items()}
    changes["exports"] = {"value": "24.5", "status": "preliminary"}
    before = counts()
    response = client.post(URL, form_data(page, **changes))
    assert response.status_code == 200
    untouched = [
        "grant_funds",
        "training_voucher_firms",
        "training_vouchers",
        "entrepreneur_lectures",
        "study_tour_firms",
    ]
    assert {code: row.state for code, row in rows_by_code(response).items()} == {
        **dict.fromkeys(BAD_ROWS, "refused"),
        "exports": "saved",
        **dict.fromkeys(untouched, ""),
    }
    assert DataValue.objects.count() == before[0] + 1
    assert stored("exports", Q3).status == "preliminary"
    assert stored("gdp", Q3).value == Decimal("185")
    assert messages_of(response) == [
        "1 saved, 8 not saved: the rows marked below say why; nothing was written for them."
    ]


def test_messages_are_in_the_user_s_language(as_user):
    client = as_user("economy", "zh-hans")
    page = open_sheet(client)
    data = form_data(
        page,
        industrial_va={"value": "abc", "status": "final"},
        hightech_share={"value": "35.1234567", "status": "final"},
    )
    rows = rows_by_code(client.post(URL, data))
    assert rows["industrial_va"].form.errors["value"] == ["abc不是数字。"]
    assert rows["hightech_share"].form.errors["value"] == ["确认小数不超过 6 位."]


# --- reading what is typed ------------------------------------------------------------------


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=6, min_value=-(10**17), max_value=10**17
    )
)
def test_a_stored_number_shown_on_the_page_reads_back_as_itself(number):
    assert parse_number(plain(number)) == number


@pytest.mark.parametrize("text", ["", "   ", None])
def test_an_empty_box_is_no_number(text):
    assert parse_number(text) is None
