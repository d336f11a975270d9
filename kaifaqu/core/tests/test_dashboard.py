"""The dashboard (工作台) per role: what each sees and what it must not, the items waiting,
each a link, and a query count that does not grow with the ledgers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from kaifaqu.core import access, dashboard

URL = "/backoffice/"


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def page(as_user, who):
    response = as_user(who).get(URL)
    assert response.status_code == 200
    return response


def waiting(response):
    return [(w.key, w.count, w.label, w.url) for w in response.context["waiting"]]


def chart_keys(response):
    return [c.key for c in response.context["charts"]]


def panel_keys(response):
    return [p.key for p in response.context["panels"]]


def key_figures(response):
    (panel,) = [p for p in response.context["panels"] if p.key == "key_figures"]
    return [k.figure.metric for k, _trend in panel.context["figures"]]


LEADER_WAITING = [
    (
        "consultations_overdue",
        1,
        "1 consultation is waiting past its reply date",
        "/backoffice/consultations/?overdue=on",
    ),
    (
        "checks_warned",
        1,
        "1 data check to confirm (warning)",
        "/backoffice/stats/checks/?importance=warning",
    ),
    ("follow_ups_due", 3, "3 projects' next steps are due", "/backoffice/investment/projects/"),
    (
        "key_project_issues_late",
        4,
        "4 key project problems are past their date",
        "/backoffice/investment/key-projects/",
    ),
]
KEY = [
    "gdp",
    "industrial_va",
    "trade",
    "hightech_share",
    "projects_signed",
    "contract_investment_signed",
]
ALL_CHARTS = ["growth", "pipeline", "key_projects", "vacancy", "land"]


@pytest.mark.parametrize("who", ["leader", "admin"])
def test_the_leader_and_the_zone_administrator_see_figures_charts_and_what_waits(
    demo, as_user, who
):
    response = page(as_user, who)
    assert waiting(response) == LEADER_WAITING
    assert panel_keys(response) == ["key_figures"]
    assert key_figures(response) == KEY
    assert chart_keys(response) == ALL_CHARTS
    html = response.content.decode()
    for key in ALL_CHARTS:
        assert f'data-chart="chart-{key}"' in html
        assert f'<script id="chart-{key}" type="application/json">' in html
    for _key, _n, _label, url in LEADER_WAITING:
        assert f'href="{url}"' in html
    gdp = "/backoffice/figures/figure/?metric=gdp&amp;org=371471&amp;period=2017-01%2F2017-09"
    assert f'href="{gdp}"' in html
    assert "Your duties" not in html


def test_only_the_zone_administrator_is_offered_to_choose_the_key_figures(demo, as_user):
    link = f'href="{reverse("metrics:key_metrics")}"'
    assert link in page(as_user, "admin").content.decode()
    assert link not in page(as_user, "leader").content.decode()


def test_a_department_member_sees_their_departments_part(demo, as_user):
    economy = page(as_user, "economy")
    # 经济发展局 keeps the statistics: its checks and the key figures of its elements, not the
    # ledgers' (招商局's) charts, consultations or projects.
    assert waiting(economy) == [LEADER_WAITING[1]]
    assert key_figures(economy) == ["gdp", "industrial_va", "trade", "hightech_share"]
    assert chart_keys(economy) == ["growth"]
    html = economy.content.decode()
    assert "consultations_overdue" not in html
    assert 'data-chart="chart-pipeline"' not in html

    investment = page(as_user, "investment")
    # 招商局 keeps the projects, the carriers and the consultations; no key figure is its own
    # (the ledgers' metrics belong to no department) and the statistics' checks are not its.
    assert waiting(investment) == [LEADER_WAITING[0], *LEADER_WAITING[2:]]
    assert panel_keys(investment) == []
    assert chart_keys(investment) == ["pipeline", "key_projects", "vacancy", "land"]

    finance = page(as_user, "finance")
    assert waiting(finance) == []
    assert panel_keys(finance) == []
    assert chart_keys(finance) == []
    assert "Nothing waits for you." in finance.content.decode()


def test_the_system_administrator_sees_the_accounts_and_no_business_data(demo, as_user):
    response = page(as_user, "sysadmin")
    assert waiting(response) == []
    assert panel_keys(response) == ["accounts"]
    assert chart_keys(response) == []
    (panel,) = response.context["panels"]
    assert panel.context == {
        "duty": "accounts",
        "url": "/backoffice/users/",
        "active": 9,
        "inactive": 0,
    }
    html = response.content.decode()
    assert "9 staff accounts are active, 0 deactivated." in html
    for absent in ("data-figure", "data-chart", "consultation", "data check", "project"):
        assert absent not in html


def test_the_security_administrator_sees_the_locked_accounts(demo, as_user):
    from axes.models import AccessAttempt
    from django.conf import settings

    AccessAttempt.objects.create(
        username="economy",
        ip_address="10.0.0.9",
        user_agent="test",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        attempt_time=timezone.now(),
    )
    response = page(as_user, "secadmin")
    assert waiting(response) == [
        ("accounts_locked", 1, "1 sign-in is locked out", "/backoffice/security/")
    ]
    assert panel_keys(response) == ["security"]
    assert chart_keys(response) == []
    assert "data-figure" not in response.content.decode()


def test_the_audit_administrator_sees_the_chain_against_its_anchor(demo, as_user):
    from kaifaqu.core import audit
    from kaifaqu.core.models import AuditEntry

    client = as_user("auditadmin")  # signing in is audited: before the anchor
    audit.anchor_head()
    response = client.get(URL)
    (panel,) = response.context["panels"]
    assert panel.key == "audit"
    assert panel.context["rows"] == AuditEntry.objects.count()
    assert panel.context["since_anchor"] == 0
    assert panel.context["anchor_break"] is None
    assert waiting(response) == []
    assert chart_keys(response) == []
    html = response.content.decode()
    assert "The log matches its last anchor." in html
    assert "data-figure" not in html


def test_a_user_without_a_role_has_an_empty_dashboard(demo, as_user):
    from kaifaqu.core import services

    nobody = services.user_create(
        actor=None, username="nobody", password=demo.password, full_name="无角色"
    )
    response = page(as_user, nobody)
    assert waiting(response) == []
    assert panel_keys(response) == []
    assert chart_keys(response) == []


def _more_projects_and_consultations(demo, n: int) -> None:
    from kaifaqu.consultations import services as consultations
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.investment import services as investment

    investor = Enterprise.objects.order_by("pk").first()
    for i in range(n):
        investment.project_create(
            actor=None,
            name=f"仪表盘测试项目{i}",
            investor=investor,
            source="outreach",
            org_unit=demo.zone,
            department=demo.departments["investment"],
            contract_investment=1000 + i,
            first_contact_on=date(2017, 1, 5),
            allow_duplicate=True,
        )
        consultations.consultation_submit(
            category="other",
            question=f"问题{i}",
            name="吴八",
            phone=f"1380000{i:04d}",
            consent=True,
            received_at=timezone.now() - timedelta(days=20),
        )


LEADER_QUERIES = 34


def test_the_leaders_dashboard_is_a_fixed_number_of_queries(
    demo, as_user, django_assert_num_queries
):
    client = as_user("leader")
    client.get(URL)  # the session and the second factor's device, read once signed in
    with django_assert_num_queries(LEADER_QUERIES):
        first = client.get(URL)
    _more_projects_and_consultations(demo, 4)
    cache.clear()
    with django_assert_num_queries(LEADER_QUERIES):
        again = client.get(URL)
    assert [w.count for w in again.context["waiting"]] == [
        w.count + (4 if w.key == "consultations_overdue" else 0) for w in first.context["waiting"]
    ]
    (lead,) = [c for c in again.context["charts"] if c.key == "pipeline"]
    assert lead.spec["series"][0]["data"][0] == 3 + 4


def test_every_entry_is_registered_by_the_package_that_owns_it():
    assert sorted(dashboard._waiting) == [
        "accounts_locked",
        "consultations",
        "investment",
        "stats",
    ]
    assert sorted(dashboard._charts) == ["carriers", "investment"]
    assert sorted(dashboard._panels) == ["accounts", "audit", "key_figures", "security"]
    assert access  # the predicates are core.access's


def test_the_audit_administrator_is_told_when_nothing_is_anchored(demo, as_user):
    response = page(as_user, "auditadmin")
    (panel,) = response.context["panels"]
    assert panel.context["anchored_at"] is None
    assert panel.context["since_anchor"] == panel.context["rows"]
    assert "Nothing is anchored yet: run kaifaqu anchor_audit." in response.content.decode()


def test_the_projects_whose_next_step_is_due_are_named_each_a_link(demo, as_user):
    from kaifaqu.investment.selectors import next_actions_due

    response = page(as_user, "leader")
    (item,) = [w for w in response.context["waiting"] if w.key == "follow_ups_due"]
    due = list(next_actions_due(demo.leader, timezone.localdate()))
    assert len(due) == 3
    assert item.records == tuple(
        (f"{f.project.name}: {f.next_action}", f"/backoffice/investment/projects/{f.project_id}/")
        for f in due
    )
    html = response.content.decode()
    for _label, url in item.records:
        assert f'href="{url}"' in html
