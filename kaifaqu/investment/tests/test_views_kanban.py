"""The kanban and the list of the investment pages (issue 4) per role: readers see
every column with its count and sums, other departments an empty board, the three
administrators are refused, anonymous visitors are sent to log in; filters and pagination;
the kanban and the list take a number of queries that does not grow with the projects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifaqu.core.testing import audit_mark, audit_since
from kaifaqu.enterprises.models import Industry
from kaifaqu.investment.models import Project
from kaifaqu.investment.services import MoveSpec
from kaifaqu.investment.stages import Stage

from .test_views_support import (
    DEMO_COLUMNS,
    LEAD,
    NEGOTIATING,
    OTHER_DEPARTMENTS,
    READERS,
    SEPARATED,
    columns_of,
    move_url,
    project,
)

# --- anonymous visitors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "with_pk"),
    [
        ("kanban", False),
        ("project_list", False),
        ("project_create", False),
        ("key_projects", False),
        ("talent", False),
        ("awards", False),
        ("award_create", False),
        ("programme_create", False),
        ("project_detail", True),
        ("project_edit", True),
        ("project_move", True),
        ("project_merge", True),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, seeded, name, with_pk):
    args = [project(LEAD).pk] if with_pk else []
    url = reverse(f"investment:{name}", args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:login')}?next={url}"


def test_an_anonymous_move_or_contact_view_changes_and_records_nothing(client, seeded):
    lead = project(LEAD)
    mark = audit_mark()
    moved = client.post(move_url(lead), {"to": "negotiating", "on": "2017-09-20", "version": 1})
    shown = client.post(reverse("investment:project_contact", args=[lead.pk]))
    assert (moved.status_code, shown.status_code) == (302, 302)
    assert moved["Location"].startswith(reverse("core:login"))
    lead.refresh_from_db()
    assert (lead.stage, lead.version) == (Stage.LEAD, 1)
    assert audit_since(mark) == []


# --- the kanban -----------------------------------------------------------------------------


@pytest.mark.parametrize("username", READERS)
def test_readers_see_every_column_with_its_count_and_sums(as_user, username):
    response = as_user(username).get(reverse("investment:kanban"))
    assert response.status_code == 200
    assert columns_of(response) == DEMO_COLUMNS
    html = response.content.decode()
    assert 'data-column="negotiating" data-count="2" data-contract="128000' in html
    # The sums as shown: 亿元 through core.numbers.
    assert (
        '<span class="text-body fw-semibold" data-testid="column-contract">1.28 billion yuan'
        in (html)
    )
    negotiating = response.context["columns"][1]
    assert [c.name for c in negotiating.cards] == [
        "海衢供应链管理总部项目",
        NEGOTIATING,
    ]


@pytest.mark.parametrize("username", OTHER_DEPARTMENTS)
def test_other_departments_see_an_empty_board(as_user, username):
    response = as_user(username).get(reverse("investment:kanban"))
    assert response.status_code == 200
    assert {s: c[0] for s, c in columns_of(response).items()} == dict.fromkeys(DEMO_COLUMNS, 0)
    assert NEGOTIATING not in response.content.decode()


@pytest.mark.parametrize("username", SEPARATED)
@pytest.mark.parametrize("name", ["kanban", "project_list", "key_projects", "talent", "awards"])
def test_the_three_administrators_are_refused(as_user, username, name):
    assert as_user(username).get(reverse(f"investment:{name}")).status_code == 403


def test_only_editors_get_draggable_cards_and_move_boxes(as_user):
    editor = as_user("investment").get(reverse("investment:kanban")).content.decode()
    leader = as_user("leader").get(reverse("investment:kanban")).content.decode()
    pk = project(NEGOTIATING).pk
    assert f'data-project="{pk}"' in editor
    assert f'data-project="{pk}"' in leader
    # Operating and dropped projects move no more; a column shows its first 40 cards.
    assert editor.count('draggable="true"') == 3 + 2 + 37 + 17 + 40
    assert editor.count('data-testid="move-open"') == 99
    assert 'draggable="true"' not in leader
    assert 'data-testid="move-open"' not in leader


def test_the_kanban_is_filtered_and_its_sums_follow(as_user, seeded):
    response = as_user("investment").get(reverse("investment:kanban"), {"key_level": "city"})
    assert {s: c[0] for s, c in columns_of(response).items() if c[0]} == {
        "under_construction": 12,
        "operating": 3,
    }
    bad = as_user("investment").get(reverse("investment:kanban"), {"signed_in": "2017-13"})
    assert bad.context["filter"].errors["signed_in"]
    assert sum(c[0] for c in columns_of(bad).values()) == 0


def _more_projects(make, n: int) -> None:
    """``n`` projects of 招商局, spread over the stages, each with its own investor."""
    plans = [
        [],
        [MoveSpec(Stage.NEGOTIATING, date(2017, 2, 1))],
        [
            MoveSpec(Stage.NEGOTIATING, date(2017, 2, 1)),
            MoveSpec(Stage.SIGNED, date(2017, 3, 1), "协议"),
        ],
    ]
    for i in range(n):
        make.project(contract_investment=100 + i, total_investment=200 + i, moves=plans[i % 3])


@pytest.mark.parametrize("name", ["kanban", "project_list"])
def test_the_kanban_and_the_list_take_queries_that_do_not_grow(
    as_user, make, django_assert_max_num_queries, name
):
    client = as_user("investment")
    url = reverse(f"investment:{name}")
    client.get(url)  # warm the session and the content types
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _more_projects(make, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    total = (
        sum(c[0] for c in columns_of(response).values())
        if name == "kanban"
        else (response.context["total_count"])
    )
    assert total == 135 + 15


# --- the list -------------------------------------------------------------------------------


def test_the_list_filters_the_signed_projects_of_a_window(as_user):
    response = as_user("leader").get(
        reverse("investment:project_list"), {"signed_in": "2017-01/2017-09"}
    )
    assert response.status_code == 200
    assert response.context["total_count"] == 50
    assert response.context["total_contract"] == Decimal("1920000")
    assert len(response.context["projects"]) == 50
    assert "50 projects; contracted investment 19.2 billion yuan" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"stage": "negotiating"}, 2),
        ({"key_level": "city"}, 15),
        ({"started_in": "2017-01/2017-09"}, 35),
        ({"started_in": "2016-01/2016-09"}, 35),
        ({"started_in": "2018"}, 0),
        ({"q": "凯旺"}, 2),
        ({"light_asset": "true", "signed_in": "2017"}, 42),
    ],
)
def test_the_list_filters(as_user, params, count):
    response = as_user("investment").get(reverse("investment:project_list"), params)
    assert response.context["total_count"] == count


def test_the_list_filters_by_industry_and_department(as_user, seeded):
    c38 = Industry.objects.get(code="C38")
    expected = Project.objects.filter(industry__code__startswith="C38").count()
    response = as_user("investment").get(reverse("investment:project_list"), {"industry": c38.pk})
    assert response.context["total_count"] == expected > 0
    response = as_user("leader").get(
        reverse("investment:project_list"), {"department": seeded.departments["economy"].pk}
    )
    assert response.context["total_count"] == 0


def test_a_bad_period_is_an_error_and_lists_nothing(as_user):
    response = as_user("investment").get(
        reverse("investment:project_list"), {"signed_in": "2017-01/2016-09"}
    )
    assert response.status_code == 200
    assert response.context["filter"].errors["signed_in"]
    assert list(response.context["projects"]) == []


def test_the_list_is_paginated(as_user):
    first = as_user("investment").get(reverse("investment:project_list"))
    last = as_user("investment").get(reverse("investment:project_list"), {"page": 3})
    assert (len(first.context["projects"]), len(last.context["projects"])) == (50, 35)
    assert first.context["page_obj"].paginator.num_pages == 3


@pytest.mark.parametrize("username", OTHER_DEPARTMENTS)
def test_other_departments_list_nothing_of_the_bureau(as_user, username):
    response = as_user(username).get(reverse("investment:project_list"))
    assert response.status_code == 200
    assert response.context["total_count"] == 0
