"""The ledger functions behind the figures: any unit of the zone (with the units below it),
any window, a batch in a fixed number of queries, read afresh on every batch."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaifaqu.core.versioning import CURRENT
from kaifaqu.investment import metrics, services
from kaifaqu.investment.models import Project
from kaifaqu.investment.paths import project_url
from kaifaqu.investment.services import MoveSpec
from kaifaqu.investment.stages import Stage
from kaifaqu.metrics.engine import compute
from kaifaqu.metrics.figures import FigureRequest
from kaifaqu.metrics.registry import ledger_metrics

Q3, Q3_2016 = (201701, 201709), (201601, 201609)
CODES = [m.code for m in metrics.METRICS]


def test_every_metric_is_registered_with_its_unit():
    registered = ledger_metrics()
    units = {code: registered[code].unit for code in CODES}
    assert units == {
        "projects_signed": "个",
        "contract_investment_signed": "亿元",
        "projects_started": "个",
        "total_investment_started": "亿元",
        "funds_received_started": "亿元",
        "key_projects_continuing": "个",
        "funds_received_continuing": "亿元",
        "light_asset_projects": "个",
        "key_projects_city": "个",
        "key_projects_total_investment": "亿元",
        "key_projects_completed_investment": "亿元",
        "talents_selected": "名",
        "talent_subsidies": "万元",
    }
    assert {registered[c].decimals for c in CODES} == {0, 2}


@pytest.mark.parametrize("code", CODES)
def test_a_batch_takes_the_same_queries_whatever_its_size(seeded, code, django_assert_num_queries):
    ledger = ledger_metrics()[code].ledger
    units = list(seeded.units.values())
    small = ([seeded.zone.pk], [Q3])
    large = (
        [u.pk for u in units],
        [(y * 100 + 1, y * 100 + m) for y in (2015, 2016, 2017) for m in range(1, 13)],
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        ledger(*small)
    with django_assert_num_queries(len(first.captured_queries)):
        answer = ledger(*large)
    assert len(first.captured_queries) <= 4  # the org tree and at most three reads of records
    # Units outside the zone are not answered; every unit of the zone is, in every window
    # the ledger keeps (a year without a key-project list has none).
    zone_units = {u.pk for u in units if u.code.startswith("371471")}
    assert {org for org, _w in answer} == zone_units


def test_a_town_counts_its_own_records_and_the_zone_all(seeded):
    answer = metrics.projects_signed([seeded.zone.pk, seeded.units["371471002"].pk], [Q3])
    zone, changhe = answer[(seeded.zone.pk, Q3)], answer[(seeded.units["371471002"].pk, Q3)]
    assert zone.value == 50
    assert "奥冠电池与青岛华高石墨烯导电剂项目" in {r.label for r in changhe.records}
    assert changhe.value == len(changhe.records) < 50
    by_town = metrics.projects_signed([u.pk for u in seeded.units.values()], [Q3])
    children = [u for u in seeded.units.values() if u.parent_id == seeded.zone.pk]
    own = Project.objects.filter(
        org_unit=seeded.zone, signed_on__range=(date(2017, 1, 1), date(2017, 9, 30))
    )
    assert sum(by_town[(u.pk, Q3)].value for u in children) + own.count() == 50


def test_windows_are_any_run_of_months(seeded):
    answer = metrics.projects_signed(
        [seeded.zone.pk], [(201701, 201703), (201704, 201709), (201702, 201702)]
    )
    first, rest, feb = (
        answer[(seeded.zone.pk, w)].value
        for w in [(201701, 201703), (201704, 201709), (201702, 201702)]
    )
    assert first + rest == 50
    assert 0 < feb < first


def test_the_city_has_no_ledger_figure(seeded):
    (figure,) = compute([FigureRequest("projects_signed", "371400", "2017-01/2017-09")])
    assert figure.value is None
    (zone,) = compute([FigureRequest("projects_signed", "371471", "2017-01/2017-09")])
    # Neither a share of the city nor a rank is made up from the zone's records alone.
    assert zone.share_pct is None
    assert zone.rank_by_value is None


def test_a_record_entered_is_in_the_next_figure(seeded, make):
    project = make.project(
        contract_investment="10000",
        total_investment="10000",
        moves=[
            MoveSpec(Stage.NEGOTIATING, date(2017, 8, 1)),
            MoveSpec(Stage.SIGNED, date(2017, 9, 1), "协议"),
        ],
    )
    (figure,) = compute([FigureRequest("contract_investment_signed", "371471", "2017-01/2017-09")])
    assert figure.value == Decimal("193")
    services.project_move(
        version=CURRENT,
        actor=None,
        project=project,
        to=Stage.DROPPED,
        on=date(2017, 9, 20),
        reason="x",
    )
    (figure,) = compute([FigureRequest("contract_investment_signed", "371471", "2017-01/2017-09")])
    # It was signed in the window; dropping it later does not unsign it.
    assert figure.value == Decimal("193")
    make.project(
        contract_investment=5,
        moves=[
            MoveSpec(Stage.NEGOTIATING, date(2017, 8, 1)),
            MoveSpec(Stage.SIGNED, date(2017, 9, 2), "协议"),
        ],
    )
    (figure,) = compute([FigureRequest("projects_signed", "371471", "2017-01/2017-09")])
    assert figure.value == 52


def test_a_merged_record_is_not_counted_twice(seeded, make):
    moves = [
        MoveSpec(Stage.NEGOTIATING, date(2017, 8, 1)),
        MoveSpec(Stage.SIGNED, date(2017, 9, 1), "协议"),
    ]
    keep = make.project("重复甲项目", contract_investment=1, moves=moves)
    twin = make.project(
        "重复甲项目",
        investor_=keep.investor,
        contract_investment=1,
        moves=moves,
        allow_duplicate=True,
    )
    assert metrics.projects_signed([seeded.zone.pk], [Q3])[(seeded.zone.pk, Q3)].value == 52
    services.project_merge(actor=None, keep=keep, merge=twin)
    assert metrics.projects_signed([seeded.zone.pk], [Q3])[(seeded.zone.pk, Q3)].value == 51


def test_continuing_key_projects_of_each_year(seeded):
    answer = metrics.key_projects_continuing([seeded.zone.pk], [Q3, Q3_2016])
    assert (answer[(seeded.zone.pk, Q3)].value, answer[(seeded.zone.pk, Q3_2016)].value) == (18, 13)


def test_a_year_without_a_key_project_list_has_no_figure(seeded):
    answer = metrics.key_projects_city([seeded.zone.pk], [Q3, Q3_2016])
    assert (seeded.zone.pk, Q3_2016) not in answer
    assert answer[(seeded.zone.pk, Q3)].value == 12


def test_the_project_page_link():
    assert project_url(7) == "/backoffice/investment/projects/7/"


FLOWS = [
    "projects_signed",
    "contract_investment_signed",
    "projects_started",
    "total_investment_started",
    "light_asset_projects",
    "talents_selected",
    "talent_subsidies",
]


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(FLOWS), st.integers(1, 12), st.integers(0, 11), st.sampled_from([2016, 2017])
)
def test_a_flow_over_a_window_is_the_sum_of_its_months(seeded, code, first, span, year):
    last = min(first + span, 12)
    ledger = ledger_metrics()[code].ledger
    window = (year * 100 + first, year * 100 + last)
    months = [(year * 100 + m, year * 100 + m) for m in range(first, last + 1)]
    answer = ledger([seeded.zone.pk], [window, *months])
    total = sum((answer[(seeded.zone.pk, m)].value for m in months), Decimal(0))
    assert answer[(seeded.zone.pk, window)].value == total
