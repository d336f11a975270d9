"""Validation rules: checked on save, on import and on demand; violations kept current.

The demo has eleven rules (parts add up, a share ≤ 100, tax tiers nested, jumps over last
year's flagged) and its values break one: trade rose 72.1%, past the 1.5× warning.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.core.testing import audit_mark, audit_since
from kaifaqu.core.versioning import CURRENT, ConcurrentEditError
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats import services, validation
from kaifaqu.stats.models import DataElement, DataValue, RuleViolation, ValidationRule
from kaifaqu.stats.workbook import import_plan, read_workbook

#: Messages are compared in English, their msgid language.
pytestmark = pytest.mark.usefixtures("english")

ZONE, TOWN = "371471", "371471101"
M8, M8_2016 = "2017-01/2017-08", "2016-01/2016-08"


def element(code: str) -> DataElement:
    return DataElement.objects.get(code=code)


def save(code: str, value, period: str = M8, org: str = ZONE, actor=None):
    """A value stored and checked as a save checks it, but stored even where it breaks an
    error-level rule: these tests are about what the rules find (that such a save is refused
    is test_rule_refusal's)."""
    row = services.value_save(
        version=CURRENT,
        actor=actor,
        element=element(code),
        org_unit=OrgUnit.objects.get(code=org),
        period=period,
        value=Decimal(str(value)),
        check_rules=False,
    )
    year = row.month_from // 100
    validation.check(
        element_ids=[row.element_id], org_ids=[row.org_unit_id], years=[year, year + 1]
    )
    return row


def found() -> list[tuple[str, str, str, Decimal, Decimal]]:
    return [
        (v.rule.code, v.org_unit.code, v.period, v.left_value, v.right_value)
        for v in RuleViolation.objects.select_related("rule", "org_unit").order_by(
            "rule__code", "org_unit__code", "month_from"
        )
    ]


# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
TRADE_JUMP = ("trade_jump", ZONE, M8, Decimal("34.4"), Decimal("29.9805"))  # 1.5 × 19.987


def test_the_demo_values_break_one_rule(demo):
    assert ValidationRule.objects.count() == 11
    assert found() == [TRADE_JUMP]
    (violation,) = RuleViolation.objects.all()
    assert violation.rule.importance == "warning"
    assert violation.rule.department.code == "economy"
    assert violation.difference == Decimal("4.4195")


# -- on save ---------------------------------------------------------------------------------


def test_a_part_that_no_longer_adds_up_is_found_on_save_and_cleared_when_fixed(demo):
    save("exports", "22")
    assert found() == [
        ("trade_jump", ZONE, M8, Decimal("34.4"), Decimal("29.9805")),
        ("trade_parts", ZONE, M8, Decimal("34.4"), Decimal("34.6")),
    ]
    save("exports", "21.8")
    assert found() == [TRADE_JUMP]


@pytest.mark.parametrize(
    ("primary", "broken"),
    [
        ("3.936", False),  # 164.000 exactly
        ("3.94", False),  # 164.004: within the rounding of four values at 2 decimals (0.02)
        ("3.956", False),  # 164.020: at the edge
        ("3.957", True),  # 164.021: past it
        ("4.0", True),
    ],
)
def test_parts_add_up_within_rounding(demo, primary, broken):
    save("va_primary", primary)
    assert (("gdp_parts", ZONE, M8) in {f[:3] for f in found()}) is broken


def test_a_share_over_100_is_an_error(demo):
    save("hightech_share", "100")
    assert "hightech_share_max" not in {f[0] for f in found()}
    save("hightech_share", "100.5")
    violation = RuleViolation.objects.get(rule__code="hightech_share_max")
    assert (violation.left_value, violation.right_value) == (Decimal("100.5"), Decimal("100"))
    assert violation.rule.importance == "error"


def test_nested_tiers_compare_two_elements(demo):
    save("taxpayers_over_100m", "42")  # more enterprises over 100m than over 10m (41)
    assert ("tax_tier_100m", ZONE, M8, Decimal("42"), Decimal("41")) in found()
    save("taxpayers_over_10m", "42")  # now equal, and 42 ≤ 66 over 5m
    assert {f[0] for f in found()} == {"trade_jump"}


def test_last_year_s_value_changes_this_year_s_jump_flag(demo):
    """Saving a 2016 value rechecks 2017's "more than 1.5 × last year" rule."""
    save("exports", "17", period=M8_2016)  # trade 2016 = 17 + 7.313 = 24.313; × 1.5 = 36.47
    assert found() == []
    save("exports", "12.674", period=M8_2016)
    assert found() == [TRADE_JUMP]


def test_a_side_that_cannot_be_resolved_is_not_checked(demo):
    """A town with trade and exports but no imports yet: the parts cannot be added up."""
    save("trade", "5", org=TOWN)
    save("exports", "4", org=TOWN)
    assert found() == [TRADE_JUMP]
    save("imports", "2", org=TOWN)
    assert ("trade_parts", TOWN, M8, Decimal("5"), Decimal("6")) in found()


def test_months_add_up_for_the_right_side(demo):
    """Transfer payments entered for Q1–Q3 against general and special entered by month."""
    zone = OrgUnit.objects.get(code=ZONE)
    DataValue.objects.filter(element__code__startswith="transfer_", org_unit=zone).delete()
    save("transfer_payments", "7.1", period="2017-01/2017-03")
    for month, general in (("2017-01", "1"), ("2017-02", "1"), ("2017-03", "0.9")):
        save("transfer_general", general, period=month)
        save("transfer_special", "1.4", period=month)
    assert found() == [TRADE_JUMP]  # 2.9 + 4.2 = 7.1
    save("transfer_special", "1.5", period="2017-03")
    # the window is stored in its canonical form: 1—3月 is the first quarter
    assert ("transfer_parts", ZONE, "2017Q1", Decimal("7.1"), Decimal("7.2")) in found()


# -- on import -------------------------------------------------------------------------------


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "values"
    sheet.append(["org", "element", "period", "value"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_import_is_checked_once_at_its_end(demo, django_assert_max_num_queries):
    plan = read_workbook(
        workbook([[ZONE, "exports", M8, 22], [ZONE, "imports", M8, 12.4]]), name="v.xlsx"
    )
    result = import_plan(plan, actor=demo.economy)
    assert result.imported
    # 22 + 12.4 = 34.4 again: after the whole file, the parts add up
    assert [v.rule.code for v in result.violations] == ["trade_jump"]
    assert found() == [TRADE_JUMP]


def test_a_dry_run_reports_what_the_rules_would_find_and_keeps_nothing(demo):
    plan = read_workbook(workbook([[ZONE, "hightech_share", M8, 101]]), name="v.xlsx")
    result = import_plan(plan, actor=demo.economy, dry_run=True)
    assert not result.imported
    # what the rules reading the imported elements find (trade's rules were not touched)
    assert [v.rule.code for v in result.violations] == ["hightech_share_max"]
    assert found() == [TRADE_JUMP]
    assert DataValue.objects.get(element__code="hightech_share", period=M8).value == Decimal("33.7")


def test_an_error_level_breach_stops_an_import_and_a_warning_does_not(demo):
    plan = read_workbook(workbook([[ZONE, "hightech_share", M8, 101]]), name="v.xlsx")
    result = import_plan(plan, actor=demo.economy)
    assert not result.imported
    assert [(p.location, p.message) for p in result.problems] == [
        (
            "values!D2",
            "This breaks the data check “高新技术产业产值比重不超过100%” (德州经济技术开发区, "
            "High-tech share of industrial output, January–August 2017: 101, must be ≤ 100).",
        )
    ]
    assert element("hightech_share").values.get(period=M8, org_unit__code=ZONE).value == Decimal(
        "33.7"
    )
    assert found() == [TRADE_JUMP]
    rows = [[ZONE, "exports", M8, 22], [ZONE, "imports", M8, 12.4]]
    plan = read_workbook(workbook(rows), name="v.xlsx")
    result = import_plan(plan, actor=demo.economy)  # still adding up; trade_jump: a warning
    assert result.imported
    assert [v.rule.code for v in result.violations] == ["trade_jump"]


# -- on demand -------------------------------------------------------------------------------


def test_a_check_on_demand_rebuilds_the_list(demo):
    RuleViolation.objects.all().delete()
    violations = services.rules_run(actor=demo.admin)
    assert [v.rule.code for v in violations] == ["trade_jump"]
    assert found() == [TRADE_JUMP]
    entry = AuditEntry.objects.filter(object_type="stats.validationrule").latest("seq")
    assert entry.after == {"department": None, "violations": 1}


def test_a_check_of_one_department(demo):
    RuleViolation.objects.all().delete()
    assert services.rules_run(actor=demo.twodept, department=demo.departments["finance"]) == []
    assert found() == []  # finance's rules hold; economy's were not checked
    assert len(services.rules_run(actor=demo.economy, department=demo.departments["economy"])) == 1


@pytest.mark.parametrize(
    ("username", "department"),
    [
        ("economy", None),
        ("economy", "finance"),
        # Checking rewrites the list of violations: read-only roles may not.
        ("leader", None),
        ("leader", "economy"),
        ("finance", "finance"),
    ],
)
def test_a_check_needs_the_right_to_change(demo, username, department):
    with pytest.raises(PermissionDenied):
        services.rules_run(
            actor=demo.users[username],
            department=demo.departments[department] if department else None,
        )


def test_the_command_checks_every_rule(demo):
    RuleViolation.objects.all().delete()
    out = io.StringIO()
    call_command("check_rules", stdout=out)
    assert found() == [TRADE_JUMP]
    assert "1" in out.getvalue()


def test_a_check_reads_in_a_bounded_number_of_queries(demo, django_assert_num_queries):
    # rules, parts, values, the violations replaced (select + delete), the new ones
    with django_assert_num_queries(5):
        validation.check()
    for month in range(1, 13):
        save("exports", month, period=f"2015-{month:02d}", org=TOWN)
    with django_assert_num_queries(5):
        validation.check()


# -- keeping rules ---------------------------------------------------------------------------


def test_a_rule_is_created_by_the_department_s_editor_and_checked_at_once(demo):
    rule = services.rule_create(
        actor=demo.economy,
        code="exports_cap",
        left=element("exports"),
        operator="le",
        right_kind="number",
        right_number=Decimal("20"),
    )
    assert rule.name == "出口额 ≤ 20"
    assert rule.department.code == "economy"
    assert ("exports_cap", ZONE, M8, Decimal("21.8"), Decimal("20")) in found()
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_repr=rule.name).exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"left": "exports", "right_kind": "parts"}, "left", "出口额 has no parts to add up."),
        (
            {"left": "exports", "right_kind": "element", "right_element": "taxpayers_over_1m"},
            "right_element",
            "Only elements of the same unit can be compared.",
        ),
        (
            {"left": "exports", "right_kind": "element", "right_element": "exports"},
            "right_element",
            "An element compared with itself is always equal.",
        ),
        ({"left": "exports", "right_kind": "number"}, "right_number",
         "A number is required for this right side."),
        ({"left": "exports", "right_kind": "prior_multiple", "right_number": Decimal(0)},
         "right_number", "The multiple must be greater than zero."),
        ({"left": "exports", "right_kind": "parts", "right_number": Decimal(1)},
         "right_number", "Only a number or a multiple takes a number."),
    ],
)  # fmt: skip
def test_a_rule_that_makes_no_sense_is_refused(demo, fields, field, message):
    fields = dict(fields)
    fields["left"] = element(fields["left"])
    if "right_element" in fields:
        fields["right_element"] = element(fields["right_element"])
    with pytest.raises(ValidationError) as caught:
        services.rule_create(actor=demo.admin, code="bad", operator="le", **fields)
    assert caught.value.message_dict[field] == [message]
    assert not ValidationRule.objects.filter(code="bad").exists()


def test_only_the_left_element_s_editors_keep_its_rules(demo):
    with pytest.raises(PermissionDenied):
        services.rule_create(
            actor=demo.investment,
            code="x",
            left=element("exports"),
            operator="le",
            right_kind="number",
            right_number=Decimal(1),
        )
    rule = ValidationRule.objects.get(code="trade_jump")
    with pytest.raises(PermissionDenied):
        services.rule_update(version=CURRENT, actor=demo.finance, rule=rule, active=False)


def test_a_rule_switched_off_has_no_violations(demo):
    rule = ValidationRule.objects.get(code="trade_jump")
    services.rule_update(actor=demo.economy, rule=rule, active=False, version=rule.version)
    assert found() == []
    rule.refresh_from_db()
    services.rule_update(
        version=CURRENT, actor=demo.economy, rule=rule, active=True, right_number=Decimal("1.8")
    )
    assert found() == []  # 34.4 ≤ 1.8 × 19.987 = 35.98


def test_a_rule_edited_by_two_people_keeps_the_first_edit(demo):
    rule = ValidationRule.objects.get(code="trade_jump")
    services.rule_update(actor=demo.economy, rule=rule, right_number=Decimal(2), version=1)
    with pytest.raises(ConcurrentEditError):
        services.rule_update(actor=demo.admin, rule=rule, right_number=Decimal(3), version=1)
    rule.refresh_from_db()
    assert rule.right_number == Decimal(2)


def test_deleting_a_rule_deletes_its_violations(demo):
    services.rule_delete(actor=demo.economy, rule=ValidationRule.objects.get(code="trade_jump"))
    assert found() == []
    assert AuditEntry.objects.filter(action=AuditAction.DELETE).count() == 1


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    parts=st.tuples(*[st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False)] * 2),
    whole=st.decimals(min_value=0, max_value=2000, places=3, allow_nan=False),
)
def test_parts_rule_is_broken_exactly_when_the_sum_is_off_by_more_than_the_rounding(
    demo, parts, whole
):
    save("exports", parts[0], org=TOWN)
    save("imports", parts[1], org=TOWN)
    save("trade", whole, org=TOWN)
    broken = ("trade_parts", TOWN, M8) in {f[:3] for f in found()}
    assert broken is (abs(whole - sum(parts)) > Decimal("0.015"))


# -- pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("leader", 200),
        ("economy", 200),
        ("finance", 200),
        ("admin", 200),
        ("sysadmin", 403),
        ("auditadmin", 403),
    ],
)
def test_the_checks_page_is_for_business_readers(login, username, status):
    assert login(username).get(reverse("stats:violations")).status_code == status


def test_anonymous_users_are_sent_to_the_login(client, demo):
    response = client.get(reverse("stats:violations"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_violations_are_listed_per_department_with_a_link_to_the_values(login, demo):
    save("taxpayers_over_100m", "42")
    page = login("leader").get(reverse("stats:violations")).content.decode()
    assert page.index('data-department="economy"') < page.index('data-department="finance"')
    assert 'data-violation="tax_tier_100m:371471:2017-01/2017-08"' in page
    link = f"{reverse('stats:entry')}?org=371471&amp;period=2017-01/2017-08"
    assert link in page
    assert "34.4" in page
    assert "29.9805" in page


def test_a_department_member_sees_only_their_department(login, demo):
    save("taxpayers_over_100m", "42")
    response = login("finance").get(reverse("stats:violations"))
    assert [v.rule.code for _d, items in response.context["groups"] for v in items] == [
        "tax_tier_100m"
    ]
    response = login("economy").get(reverse("stats:violations"))
    assert [v.rule.code for _d, items in response.context["groups"] for v in items] == [
        "trade_jump"
    ]


def test_the_checks_page_filters_by_importance(login, demo):
    save("hightech_share", "101")
    response = login("leader").get(reverse("stats:violations"), {"importance": "error"})
    codes = [v.rule.code for _d, items in response.context["groups"] for v in items]
    assert codes == ["hightech_share_max"]


def test_the_checks_page_reads_in_a_fixed_number_of_queries(login, demo):
    client = login("leader")
    client.get(reverse("stats:violations"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("stats:violations")).status_code == 200
        return len(captured)

    one = queries()
    for code in ("hightech_share", "taxpayers_over_100m"):
        save(code, "101")
    assert RuleViolation.objects.count() == 3
    assert queries() == one


def test_a_check_on_demand_from_the_page(login, demo):
    RuleViolation.objects.all().delete()
    response = login("admin").post(reverse("stats:rules_run"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("stats:violations")
    assert "规则已校验：1 条违反。" in response.content.decode()  # the site speaks Chinese
    assert found() == [TRADE_JUMP]


def test_an_editor_checks_only_their_department_from_the_page(login, demo):
    client = login("economy")
    assert client.post(reverse("stats:rules_run")).status_code == 403
    assert client.post(reverse("stats:rules_run"), {"department": "finance"}).status_code == 404
    response = client.post(reverse("stats:rules_run"), {"department": "economy"})
    assert response.status_code == 302


@pytest.mark.parametrize("username", ["leader", "finance"])
def test_a_read_only_role_is_refused_the_check_and_offered_no_button(login, demo, username):
    RuleViolation.objects.all().delete()
    client = login(username)
    mark = audit_mark()
    assert client.post(reverse("stats:rules_run")).status_code == 403
    assert client.post(reverse("stats:rules_run"), {"department": "finance"}).status_code == 403
    assert found() == []
    assert audit_since(mark) == []
    page = client.get(reverse("stats:violations"), {"department": "finance"})
    assert 'data-testid="run-rules"' not in page.content.decode()


def test_the_rules_page_lists_the_rules_with_their_violations(login, demo):
    response = login("leader").get(reverse("stats:rules"))
    rules = {r.code: r for r in response.context["rules"]}
    assert len(rules) == 11
    assert rules["trade_jump"].open_violations == 1
    assert not any(r.editable for r in rules.values())  # leaders read; editors keep rules
    response = login("economy").get(reverse("stats:rules"))
    rules = {r.code: r for r in response.context["rules"]}
    assert sorted(rules) == [
        "gdp_jump",
        "gdp_parts",
        "hightech_share_max",
        "hightech_share_min",
        "trade_jump",
        "trade_parts",
    ]
    assert all(r.editable for r in rules.values())


def test_an_editor_adds_a_rule_through_the_form(login, demo):
    response = login("economy").post(
        reverse("stats:rule_create"),
        {
            "code": "exports_cap",
            "left": element("exports").pk,
            "operator": "le",
            "right_kind": "number",
            "right_number": "20",
            "importance": "warning",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert ("exports_cap", ZONE, M8, Decimal("21.8"), Decimal("20")) in found()


def test_a_rule_form_with_a_bad_rule_shows_why_and_saves_nothing(login, demo):
    response = login("economy").post(
        reverse("stats:rule_create"),
        {
            "code": "bad",
            "left": element("exports").pk,
            "operator": "eq",
            "right_kind": "parts",
            "importance": "error",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"left": ["出口额没有可相加的组成部分。"]}
    assert not ValidationRule.objects.filter(code="bad").exists()


def test_a_rule_s_refusal_is_shown_by_its_field_not_above_the_form(login, demo):
    response = login("economy").post(
        reverse("stats:rule_create"),
        {
            "code": "bad",
            "left": element("exports").pk,
            "operator": "le",
            "right_kind": "number",
            "importance": "error",
            "active": "on",
        },
    )
    assert response.status_code == 200
    message = "此右侧需要填写数值。"
    assert response.context["form"].errors == {"right_number": [message]}
    page = response.content.decode()
    assert 'role="alert"' not in page
    assert page.index('name="right_number"') < page.index(f'data-error="right_number">{message}<')
    assert not ValidationRule.objects.filter(code="bad").exists()


@pytest.mark.parametrize(
    ("username", "status"),
    [("economy", 200), ("admin", 200), ("finance", 403), ("leader", 403), ("investment", 404)],
)
def test_the_rule_form_per_role(login, demo, username, status):
    rule = ValidationRule.objects.get(code="trade_jump")
    client = login(username)
    url = reverse("stats:rule_update", args=[rule.pk])
    assert client.get(url).status_code == status
    if status != 200:
        response = client.post(
            url,
            {
                "operator": "le",
                "right_kind": "prior_multiple",
                "right_number": "9",
                "importance": "warning",
                "version": "1",
            },
        )
        assert response.status_code == status
        rule.refresh_from_db()
        assert (rule.right_number, rule.version) == (Decimal("1.5"), 1)
    creating = 200 if username in ("economy", "admin", "investment") else 403
    assert client.get(reverse("stats:rule_create")).status_code == creating


def test_an_editor_cannot_pick_another_department_s_element(login, demo):
    response = login("economy").post(
        reverse("stats:rule_create"),
        {
            "code": "x",
            "left": element("taxpayers_over_1m").pk,
            "operator": "ge",
            "right_kind": "number",
            "right_number": "0",
            "importance": "error",
        },
    )
    assert "left" in response.context["form"].errors
    assert not ValidationRule.objects.filter(code="x").exists()


def test_a_stale_rule_form_is_refused(login, demo):
    rule = ValidationRule.objects.get(code="trade_jump")
    services.rule_update(version=CURRENT, actor=demo.admin, rule=rule, right_number=Decimal(2))
    response = login("economy").post(
        reverse("stats:rule_update", args=[rule.pk]),
        {
            "name": rule.name,
            "operator": "le",
            "right_kind": "prior_multiple",
            "right_number": "3",
            "importance": "warning",
            "active": "on",
            "version": "1",
        },
    )
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "您编辑期间，他人已保存了这条记录。请重新加载查看其修改后，再进行您的修改。"
    ]
    rule.refresh_from_db()
    assert rule.right_number == Decimal(2)


@pytest.mark.parametrize(("username", "status"), [("finance", 403), ("investment", 404)])
def test_others_cannot_change_or_delete_a_rule(login, demo, username, status):
    rule = ValidationRule.objects.get(code="trade_jump")
    client = login(username)
    assert client.post(reverse("stats:rule_delete", args=[rule.pk])).status_code == status
    assert ValidationRule.objects.filter(pk=rule.pk).exists()


def test_the_import_preview_lists_what_the_rules_would_find(login, demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client = login("economy")
    upload = io.BytesIO(workbook([[ZONE, "hightech_share", M8, 101]]))
    upload.name = "v.xlsx"
    response = client.post(reverse("stats:workbook"), {"file": upload}, follow=True)
    page = response.content.decode()
    assert 'data-testid="preview-violations"' in page
    assert 'data-violation="hightech_share_max:371471:2017-01/2017-08"' in page
    assert found() == [TRADE_JUMP]


def test_the_entry_page_shows_a_row_s_violations_under_it(login, demo):
    save("hightech_share", "101")
    response = login("economy").get(reverse("stats:entry"), {"org": ZONE, "period": M8})
    rows = {row.element.code: row for row in response.context["sheet"].rows}
    assert [v.rule.code for v in rows["hightech_share"].violations] == ["hightech_share_max"]
    assert [v.rule.code for v in rows["trade"].violations] == ["trade_jump"]
    assert rows["exports"].violations == []
    page = response.content.decode()
    assert 'data-rule="hightech_share_max"' in page
    assert "高新技术产业产值比重不超过100%: 101 ≤ 100?" in page
