"""Navigation (issue 13, item 10): breadcrumbs on every back-office page below a module's
first level, derived once from the navigation registry's entry for the module and the page's
own title (a page adds only the levels between, in its ``breadcrumb_parents`` block); the
API's documentation in the menu of the administrators only."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kaifaqu.carriers.models import Building, LandParcel
from kaifaqu.consultations.models import Consultation
from kaifaqu.core import navigation
from kaifaqu.core.models import User
from kaifaqu.investment.models import Project
from kaifaqu.reports.models import ReportType
from kaifaqu.stats.models import ValidationRule

CRUMB = re.compile(
    r'<li class="breadcrumb-item[^"]*"[^>]*>(?:<a href="([^"]*)">)?(.*?)(?:</a>)?</li>'
)
TRAIL = re.compile(r'<nav aria-label="Breadcrumbs" data-testid="breadcrumbs">(.*?)</nav>', re.S)


def trail(response) -> list[tuple[str, str]] | None:
    """The breadcrumbs a page shows, as (link, label) pairs ("" for the page itself)."""
    assert response.status_code == 200
    found = TRAIL.search(response.content.decode())
    return None if found is None else CRUMB.findall(found.group(1))


def _module(entries, path: str) -> str:
    entry = navigation.module_for(entries, path)
    assert entry is not None
    return entry.key


def crumbs_of(response) -> list[tuple[str, str]]:
    crumbs = trail(response)
    assert crumbs is not None, "the page shows no breadcrumbs"
    return crumbs


DASHBOARD = ("/backoffice/", "Dashboard")


def test_a_project_page_shows_where_it_sits(as_user, demo):
    project = Project.objects.order_by("pk")[0]
    response = as_user("investment").get(reverse("investment:project_detail", args=[project.pk]))
    assert trail(response) == [
        DASHBOARD,
        ("/backoffice/investment/", "Investment projects"),
        ("/backoffice/investment/projects/", "Project list"),
        ("", project.name),
    ]


def test_breadcrumbs_are_in_chinese_on_a_chinese_page(as_user, demo):
    project = Project.objects.order_by("pk")[0]
    response = as_user("investment", language=None).get(
        reverse("investment:project_detail", args=[project.pk])
    )
    body = response.content.decode()
    assert '<nav aria-label="当前位置" data-testid="breadcrumbs">' in body
    assert '<a href="/backoffice/">工作台</a>' in body
    assert '<a href="/backoffice/investment/">招商项目</a>' in body


@pytest.mark.parametrize(
    ("username", "url", "module", "title"),
    [
        (
            "investment",
            lambda: reverse("carriers:land", args=[LandParcel.objects.order_by("pk")[0].pk]),
            ("/backoffice/carriers/", "Carriers"),
            lambda: LandParcel.objects.order_by("pk")[0].name,
        ),
        (
            "investment",
            lambda: reverse("carriers:building", args=[Building.objects.order_by("pk")[0].pk]),
            ("/backoffice/carriers/", "Carriers"),
            lambda: Building.objects.order_by("pk")[0].name,
        ),
        (
            "investment",
            lambda: reverse(
                "consultations:detail", args=[Consultation.objects.order_by("pk")[0].pk]
            ),
            ("/backoffice/consultations/", "Consultations"),
            lambda: Consultation.objects.order_by("pk")[0].number,
        ),
        (
            "sysadmin",
            lambda: reverse("core:user_update", args=[User.objects.get(username="economy").pk]),
            ("/backoffice/users/", "Users"),
            lambda: "economy",
        ),
        (
            "economy",
            lambda: reverse("reports:type", args=[ReportType.objects.order_by("pk")[0].code]),
            ("/backoffice/reports/", "Reports"),
            lambda: ReportType.objects.order_by("pk")[0].name,
        ),
        (
            "sysadmin",
            lambda: reverse("core:user_create"),
            ("/backoffice/users/", "Users"),
            lambda: "New account",
        ),
    ],
)
def test_a_page_below_a_module_shows_the_dashboard_the_module_and_itself(
    as_user, demo, username, url, module, title
):
    assert trail(as_user(username).get(url())) == [DASHBOARD, module, ("", title())]


def test_a_level_between_is_the_pages_own_addition(as_user, demo):
    rule = ValidationRule.objects.order_by("pk")[0]
    response = as_user("economy").get(reverse("stats:rule_update", args=[rule.pk]))
    assert trail(response) == [
        DASHBOARD,
        ("/backoffice/stats/checks/", "Data checks"),
        ("/backoffice/stats/checks/rules/", "Validation rules"),
        ("", rule.name),
    ]


def test_a_figure_page_sits_under_the_figures(as_user, demo):
    response = as_user("leader").get(
        reverse("metrics:detail") + "?metric=gdp&org=371471&period=2017-01/2017-09"
    )
    crumbs = crumbs_of(response)
    assert crumbs[:2] == [DASHBOARD, ("/backoffice/figures/", "Figures")]
    assert crumbs[2][0] == ""
    assert len(crumbs) == 3


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("investment", "/backoffice/"),
        ("investment", "/backoffice/investment/"),
        # A tab of the module's first page, titled as the module.
        ("investment", "/backoffice/investment/projects/"),
        ("economy", "/backoffice/stats/entry/"),
        ("leader", "/backoffice/figures/"),
        ("sysadmin", "/backoffice/users/"),
    ],
)
def test_a_modules_first_page_has_no_breadcrumbs(as_user, demo, username, url):
    assert trail(as_user(username).get(url)) is None


def test_the_module_of_a_page_is_the_entry_with_the_longest_address_beginning_it(demo):
    entries = navigation.entries_for(demo.users["economy"])
    assert _module(entries, "/backoffice/stats/entry/") == "stats_entry"
    assert _module(entries, "/backoffice/stats/checks/rules/3/") == ("stats_checks")
    assert _module(entries, "/backoffice/stats/import/x/") == "stats"
    assert _module(entries, "/backoffice/jobs/1/") == "dashboard"
    assert navigation.module_for(entries, "/policies/") is None


def test_the_menu_marks_the_module_of_a_page_below_it(as_user, demo):
    project = Project.objects.order_by("pk")[0]
    body = (
        as_user("investment")
        .get(reverse("investment:project_detail", args=[project.pk]))
        .content.decode()
    )
    assert (
        '<a class="nav-link active fw-semibold" href="/backoffice/investment/" '
        'data-nav="investment">'
    ) in body


@pytest.mark.parametrize(
    ("username", "shown"),
    [
        ("admin", True),
        ("sysadmin", True),
        ("leader", False),
        ("finance", False),
        ("economy", False),
        ("secadmin", False),
        ("auditadmin", False),
    ],
)
def test_the_api_documentation_is_in_the_administrators_menu_only(as_user, demo, username, shown):
    body = as_user(username).get("/backoffice/").content.decode()
    assert ('data-nav="api_docs"' in body) is shown
