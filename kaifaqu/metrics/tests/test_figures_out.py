import json
from io import StringIO

import pytest
from django.core.management import call_command

from kaifaqu.core.demo import SEED

URL = "/api/v1/figures/"
Q3 = "2017-01/2017-09"


def test_the_api_returns_the_documented_schema(api):
    response = api("leader").get(
        URL, {"org": "371471", "period": Q3, "metrics": "gdp,financing_indirect"}
    )
    assert response.status_code == 200
    gdp, financing = response.json()["figures"]
    assert set(gdp) >= {
        "metric",
        "org",
        "period",
        "value",
        "unit",
        "prior_value",
        "growth_pct",
        "growth_basis",
        "prior_growth_pct",
        "pp_change",
        "share_pct",
        "rank_by_value",
        "rank_by_growth",
        "peer_count",
        "gap_pp",
        "target",
        "progress_pct",
        "time_progress_gap_pp",
        "parts",
        "status",
        "text",
        "missing",
        "provenance",
    }
    assert (gdp["value"], gdp["unit"], gdp["growth_pct"], gdp["pp_change"]) == (
        "185",
        "亿元",
        "8",
        "0.6",
    )
    assert gdp["status"] == "estimate"
    assert gdp["text"] == "预计地区生产总值185亿元，同比增长8.0%，比去年同期提高0.6个百分点"
    assert financing["target"] == "43.2"
    assert financing["progress_pct"].startswith("81.0185")
    assert [p["metric"] for p in gdp["parts"]] == ["va_primary", "va_secondary", "va_tertiary"]


def test_the_command_prints_the_same_json(demo):
    out = StringIO()
    call_command(
        "figures",
        "--org",
        "371471",
        "--period",
        Q3,
        "--metrics",
        "gdp",
        "--format",
        "json",
        stdout=out,
    )
    (gdp,) = json.loads(out.getvalue())["figures"]
    assert gdp["value"] == "185"
    assert gdp["provenance"]["inputs"][0]["source"] == SEED


def test_the_command_prints_a_table_with_what_is_missing(demo):
    out = StringIO()
    call_command("figures", "--org", "371471", "--period", "2015", "--metrics", "gdp", stdout=out)
    assert out.getvalue().startswith("gdp\t—\n\t  missing value:")


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("leader", 200),
        ("economy", 200),
        ("finance", 200),
        ("admin", 200),
        ("sysadmin", 403),
        ("secadmin", 403),
        ("auditadmin", 403),
        (None, 403),
    ],
)
def test_who_reads_figures(api, user, status):
    response = api(user).get(URL, {"org": "371471", "period": Q3, "metrics": "gdp"})
    assert response.status_code == status


def test_missing_parameters_are_named(api):
    response = api("leader").get(URL, {"org": "371471"})
    assert response.status_code == 400
    assert set(response.json()) == {"period", "metrics"}


def test_the_api_answers_in_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    client = api("leader")
    metrics = "gdp,trade,exports,imports,industrial_va,hightech_share,transfer_payments"
    with django_assert_max_num_queries(8):
        response = client.get(
            URL, {"org": "371471", "period": "2017-01/2017-08", "metrics": metrics}
        )
    assert len(response.json()["figures"]) == 7
