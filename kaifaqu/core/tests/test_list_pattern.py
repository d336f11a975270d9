"""Every back-office list through the one list pattern (``core.views.lists.TableView``):
it sorts by a column, shows a second page, and exports exactly what it shows (the header,
the rows, all pages) as a workbook that is formula-safe, masked as the page is, and audited.

The tests walk the lists as a user allowed to see each; the refusals stay with each list's own
tests. Tests only: the import graph leaves them out, so this module may read every package.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from kaifaqu.core import spreadsheets
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.testing import audit_mark, audit_since, xlsx_cell_quoted, xlsx_sheet
from kaifaqu.core.views.lists import PER_PAGE_RANGE, clamp_per_page

FORMULA = '=HYPERLINK("http://x.example")'


@dataclass(frozen=True)
class Walk:
    url: str
    username: str
    #: A column to sort by, and the record's value it sorts on.
    sort: str
    key: Any
    #: The audit row's object type.
    object_type: str
    query: tuple[tuple[str, str], ...] = ()


def _name(record):
    return record.name


LISTS = {
    "projects": Walk("investment:project_list", "investment", "name", _name, "investment.project"),
    "carrier units": Walk(
        "carriers:list",
        "investment",
        "floor_area_m2",
        lambda r: r.floor_area_m2,
        "carriers.buildingunit",
    ),
    "carrier land": Walk(
        "carriers:list",
        "investment",
        "code",
        lambda r: r.code,
        "carriers.landparcel",
        (("tab", "land"),),
    ),
    "consultations": Walk(
        "consultations:inbox",
        "investment",
        "number",
        lambda r: r.number,
        "consultations.consultation",
    ),
    "policies": Walk("portal:policy_admin", "admin", "title", lambda r: r.title, "portal.policy"),
    "users": Walk("core:user_list", "sysadmin", "username", lambda r: r.username, "core.user"),
    "audit": Walk("core:audit_list", "auditadmin", "seq", lambda r: r.seq, "core.auditentry"),
    "violations": Walk(
        "stats:violations", "leader", "rule", lambda r: r.rule.name, "stats.ruleviolation"
    ),
    "key projects": Walk(
        "investment:key_projects",
        "investment",
        "project",
        lambda r: r.project.name,
        "investment.keyprojectplan",
    ),
    "rules": Walk("stats:rules", "leader", "name", _name, "stats.validationrule"),
    "awards": Walk(
        "investment:awards",
        "investment",
        "person_name",
        lambda r: r.person_name,
        "investment.talentaward",
    ),
}


def _records(response) -> list:
    return [row.record for row in response.context["table"].paginated_rows]


def _shown(value: Any) -> str:
    """An exported cell as the page writes it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.strftime("%Y-%m-%d")  # a date: Excel keeps it as a time at midnight
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, Decimal | float):
        return format(Decimal(str(value)).normalize(), "f")
    return str(value)


def _page_cells(response) -> tuple[list[str], list[list[str]]]:
    """The header and the cells of the page's table as a reader sees them (text only)."""
    table = response.context["table"]
    columns = [c for c in table.columns if not c.column.exclude_from_export]
    header = [str(c.header) for c in columns]
    rows = []
    for row in table.paginated_rows:
        cells = []
        for column in columns:
            cell = re.sub(r"</li>\s*<li[^>]*>", "\n", str(row.get_cell(column.name)))
            text = html.unescape(strip_tags(cell)).strip()
            cells.append("" if text == "—" else re.sub(r"[ \t]+", " ", text))
        rows.append(cells)
    return header, rows


def _get(client, walk: Walk, **params):
    return client.get(reverse(walk.url), {**dict(walk.query), **params})


@pytest.fixture
def more_violations(demo):
    """A finding of each rule in each of eleven windows: enough for a second page of ten."""
    from kaifaqu.stats.models import RuleViolation, ValidationRule

    for month in range(2, 13):
        for rule in ValidationRule.objects.all():
            RuleViolation.objects.get_or_create(
                rule=rule,
                org_unit=demo.zone,
                month_from=201701,
                month_to=201700 + month,
                defaults={
                    "period": f"2017-01/2017-{month:02}",
                    "left_value": Decimal("10.5"),
                    "right_value": Decimal(month),
                },
            )


@pytest.mark.parametrize("name", LISTS)
def test_every_list_sorts_pages_and_exports_what_it_shows(
    as_user, demo, more_violations, english, name
):
    walk = LISTS[name]
    client = as_user(walk.username)
    first = _get(client, walk, sort=walk.sort, per_page=PER_PAGE_RANGE[1])
    total = first.context["table"].paginator.count
    keys = [walk.key(r) for r in _records(first)]
    assert len(keys) > 1, name
    assert keys == sorted(keys)

    page = _get(client, walk, sort=walk.sort, per_page=10)
    assert [walk.key(r) for r in _records(page)] == keys[:10]
    html_ = page.content.decode()
    assert 'aria-sort="ascending"' in html_
    assert f'data-sort="{walk.sort}"' in html_

    backwards = _get(client, walk, sort=f"-{walk.sort}", per_page=10)
    descending = [walk.key(r) for r in _records(backwards)]
    assert descending == sorted(descending, reverse=True)
    assert descending[0] == (max(keys) if total == len(keys) else total)  # audit: the last seq
    assert 'aria-sort="descending"' in backwards.content.decode()

    if len(keys) > 10:
        second = _get(client, walk, sort=walk.sort, per_page=10, page=2)
        assert [walk.key(r) for r in _records(second)] == keys[10:20]

    mark = audit_mark()
    exported = _get(client, walk, sort=walk.sort, export="xlsx")
    assert exported.status_code == 200
    assert exported["Content-Type"] == spreadsheets.CONTENT_TYPE
    header, *rows = xlsx_sheet(exported)
    shown_header, shown_rows = _page_cells(_get(client, walk, sort=walk.sort, per_page=200))
    assert header == shown_header
    assert len(rows) == total
    assert [[_shown(v) for v in row] for row in rows][: len(shown_rows)] == shown_rows
    entries = [e for e in audit_since(mark) if e.action == AuditAction.EXPORT]
    assert [(e.actor_username, e.object_type, (e.after or {})["rows"]) for e in entries] == [
        (walk.username, walk.object_type, total)
    ]
    assert (entries[0].after or {})["sort"] == [walk.sort]
    assert (entries[0].after or {})["columns"] == header


@pytest.mark.parametrize("name", LISTS)
def test_a_page_of_each_list_takes_the_same_queries_for_ten_rows_and_for_fifty(
    as_user, demo, name, django_assert_num_queries
):
    walk = LISTS[name]
    client = as_user(walk.username)
    _get(client, walk, per_page=10)  # the session, the roles: read once
    with CaptureQueriesContext(connection) as ten:
        assert _get(client, walk, per_page=10).status_code == 200
    with django_assert_num_queries(len(ten.captured_queries)):
        assert _get(client, walk, per_page=50).status_code == 200


def test_the_page_size_is_clamped():
    assert [clamp_per_page(v) for v in ("", "abc", "1", "10", "75", "5000")] == [
        50,
        50,
        10,
        10,
        75,
        200,
    ]


def _column(header: list, name: str) -> int:
    return header.index(name)


@pytest.mark.parametrize(
    ("name", "inject", "column"),
    [
        (
            "projects",
            lambda: _first("kaifaqu.investment.models", "Project", name=FORMULA),
            "Project",
        ),
        (
            "consultations",
            lambda: _first("kaifaqu.consultations.models", "Consultation", organisation=FORMULA),
            "Organisation",
        ),
        ("policies", lambda: _first("kaifaqu.portal.models", "Policy", title=FORMULA), "Title"),
        ("users", lambda: _first("kaifaqu.core.models", "User", full_name=FORMULA), "Full name"),
        (
            "carrier land",
            lambda: _first("kaifaqu.carriers.models", "LandParcel", name=FORMULA),
            "Name",
        ),
        (
            "awards",
            lambda: _first("kaifaqu.investment.models", "TalentAward", person_name=FORMULA),
            "Person",
        ),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_exported_as_text(
    as_user, demo, english, name, inject, column
):
    inject()
    walk = LISTS[name]
    exported = _get(as_user(walk.username), walk, export="xlsx")
    header, *rows = xlsx_sheet(exported)
    index = _column(header, column)
    [number] = [n for n, row in enumerate(rows, start=2) if row[index] == FORMULA]
    assert xlsx_cell_quoted(exported, number, index + 1)


def _first(module: str, model: str, **values) -> None:
    """One record of ``model`` given ``values`` (as a visitor or an import could write them)."""
    import importlib

    cls = getattr(importlib.import_module(module), model)
    pk = cls.objects.order_by("pk").values_list("pk", flat=True)[1]
    cls.objects.filter(pk=pk).update(**values)


def test_the_export_masks_the_contacts_the_page_masks(as_user, demo, english):
    walk = LISTS["consultations"]
    mark = audit_mark()
    page = _get(as_user("leader"), walk, per_page=200)
    exported = _get(as_user("leader"), walk, export="xlsx")
    header, *rows = xlsx_sheet(exported)
    phone, email = _column(header, "Phone"), _column(header, "Email")
    from kaifaqu.consultations.models import Consultation

    stored = {c.number: c for c in Consultation.objects.all()}
    with_phone = [r for r in rows if stored[r[0]].phone]
    assert with_phone
    for row in with_phone:
        consultation = stored[row[0]]
        assert row[phone] != consultation.phone
        assert row[phone][:3] + "****" + row[phone][-4:] == row[phone]
        assert "*" in (row[email] or "*")
    _header, shown = _page_cells(page)
    assert [[_shown(v) for v in row] for row in rows] == shown
    # Nothing was disclosed: the export's own row, and no view of contact details.
    assert [e.action for e in audit_since(mark) if e.action != AuditAction.LOGIN] == [
        AuditAction.EXPORT
    ]


def test_a_permitted_user_s_export_is_audited_as_a_view_of_the_contacts(as_user, demo, english):
    walk = LISTS["consultations"]
    user = User.objects.get(username="investment")
    mark = audit_mark()
    exported = _get(as_user(user), walk, export="xlsx")
    header, *rows = xlsx_sheet(exported)
    from kaifaqu.consultations.models import Consultation

    phones = {c.number: c.phone for c in Consultation.objects.all()}
    assert [r[_column(header, "Phone")] or "" for r in rows] == [phones[r[0]] for r in rows]
    entries = [e for e in audit_since(mark) if e.action != AuditAction.LOGIN]
    assert [e.action for e in entries] == [AuditAction.VIEW_SENSITIVE, AuditAction.EXPORT]
    assert (entries[0].after or {})["purpose"] == "export of consultations"
    assert (entries[1].after or {})["rows"] == len(rows)


def test_the_column_chooser_is_remembered_and_the_export_follows_it(as_user, demo, english):
    walk = LISTS["projects"]
    client = as_user(walk.username)
    chosen = _get(client, walk, choose="1", columns=["department"])
    shown = [c.name for c in chosen.context["table"].columns]
    assert shown == [
        "name",
        "investor",
        "stage",
        "contract_investment",
        "total_investment",
        "department",
    ]
    again = _get(client, walk)
    assert [c.name for c in again.context["table"].columns] == shown
    header, *_rows = xlsx_sheet(_get(client, walk, export="xlsx"))
    assert header == [
        "Project",
        "Investor",
        "Stage",
        "Contracted (10,000 yuan)",
        "Total (10,000 yuan)",
        "Department",
    ]


def test_an_empty_choice_of_a_list_s_filters_reads_all(demo, english):
    from kaifaqu.investment.filters import ProjectFilter
    from kaifaqu.investment.models import Project

    form = ProjectFilter(None, queryset=Project.objects.none()).form
    assert [str(cast(Any, form.fields[name]).choices[0][1]) for name in ("stage", "key_level")] == [
        "All",
        "All",
    ]
    assert str(cast(Any, form.fields["department"]).empty_label) == "All"
    assert [str(label) for _value, label in form.fields["light_asset"].widget.choices] == [
        "All",
        "Yes",
        "No",
    ]
    assert "---------" not in str(form)
    assert (
        str(form).count('<option value="">All</option>')
        + str(form).count('<option value="" selected>All</option>')
        == 5
    )  # stage, department, industry, key level, where it lands: once each
