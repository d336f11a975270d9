"""The statistics of the seed report's section (二), reproduced from the demo data.

Each case names the row of shared/seed/figures.tsv it reproduces. Where the product's
rounding (half up, one decimal for rates, NBS usage) prints differently from the seed, the
number is the same and the test says so: the seed writes 8% and 72%, we write 8.0% and 72.0%.
"""

from decimal import Decimal

import pytest
from django.utils import translation

from kaifaqu.core import numbers
from kaifaqu.core.demo import SEED
from kaifaqu.metrics.engine import compute
from kaifaqu.metrics.figures import FigureRequest

ZONE, Q3, M8 = "371471", "2017-01/2017-09", "2017-01/2017-08"


def one(metric, period, org=ZONE):
    (figure,) = compute([FigureRequest(metric, org, period)])
    return figure


def shown(value, decimals=1):
    return numbers.round_half_up(value, decimals)


@pytest.fixture
def seed(demo):
    return demo


def test_s011_s013_gdp(seed):
    gdp = one("gdp", Q3)
    assert gdp.value == Decimal("185")  # S011
    assert gdp.status == "estimate"  # 预计
    assert gdp.growth_basis == "reported"
    assert shown(gdp.growth_pct) == Decimal("8.0")  # S012 (the seed writes 8%)
    assert shown(gdp.prior_growth_pct) == Decimal("7.4")
    assert gdp.pp_change == Decimal("0.6")  # S013
    assert gdp.text == "预计地区生产总值185亿元，同比增长8.0%，比去年同期提高0.6个百分点"


def test_s014_s015_three_sector_structure(seed):
    gdp = one("gdp", M8)
    shares = [shown(p.share_pct) for p in gdp.parts]
    assert [p.metric for p in gdp.parts] == ["va_primary", "va_secondary", "va_tertiary"]
    assert shares == [Decimal("2.4"), Decimal("60.6"), Decimal("37.0")]  # S014
    assert numbers.structure_ratio([p.share_pct for p in gdp.parts], strip_zeros=True) == (
        "2.4:60.6:37"
    )
    assert gdp.parts[2].share_pp_change == Decimal("0.1")  # S015
    assert numbers.pp_phrase(gdp.parts[2].share_pp_change) == "提高0.1个百分点"
    # Pull and contribution of each sector to the growth of the whole (current prices).
    assert shown(sum(p.pull_pp for p in gdp.parts), 6) == shown(
        (gdp.value / gdp.prior_value - 1) * 100, 6
    )
    assert shown(sum(p.contribution_pct for p in gdp.parts), 6) == Decimal("100")


def test_s016_s017_hightech_share(seed):
    share = one("hightech_share", M8)
    assert share.value == Decimal("33.7")  # S016
    assert share.pp_change == Decimal("1.98")  # S017
    assert share.growth_pct is None  # a rate has a 百分点 change, not a growth
    assert share.text == "高新技术产业产值比重33.7%，比去年同期提高1.98个百分点"


@pytest.mark.parametrize(
    ("metric", "value", "growth", "share", "seed_rows"),
    [
        ("trade", "34.4", "72.1", "21.2", "S018 S019 S024 S025"),
        ("exports", "21.8", "72.0", "18.3", "S020 S021 S024 S026"),  # the seed writes 72%
        ("imports", "12.6", "72.3", "29.0", "S022 S023 S024 S027"),  # the seed writes 29%
    ],
)
def test_s018_s027_foreign_trade(seed, metric, value, growth, share, seed_rows):
    figure = one(metric, M8)
    assert figure.value == Decimal(value)
    assert shown(figure.growth_pct) == Decimal(growth)
    assert shown(figure.share_pct) == Decimal(share)
    assert figure.reference_org == "371400"
    assert figure.rank_by_value == 1  # 均居全市首位
    assert figure.peer_count == 13
    assert "居全市首位" in figure.text


def test_trade_is_the_sum_of_its_parts_where_not_entered(seed):
    city = one("trade", M8, org="371400")
    assert city.value == Decimal("162.58")  # 119.13 + 43.45, the city's exports + imports
    assert city.formula == "exports + imports"


def test_s049_s051_industrial_value_added(seed):
    industry = one("industrial_va", M8)
    assert industry.value == Decimal("102")  # S049
    assert industry.status == "estimate"
    assert shown(industry.growth_pct) == Decimal("8.1")  # S050
    assert industry.rank_by_growth == 2  # S051: 列全市第2位 (by growth)
    assert numbers.rank_phrase(industry.rank_by_growth, arabic=True) == "列全市第2位"
    assert industry.gap_pp == Decimal("0.9")  # 8.1 against the city's 7.2


@pytest.mark.parametrize(
    ("metric", "value", "target", "progress", "seed_rows"),
    [
        ("financing_indirect", "35", "43.2", "81", "S052 S053"),
        ("financing_direct", "17", "25.4", "67", "S054 S055"),
    ],
)
def test_s052_s055_financing_against_annual_tasks(seed, metric, value, target, progress, seed_rows):
    figure = one(metric, Q3)
    assert figure.value == Decimal(value)
    assert figure.target == Decimal(target)
    assert shown(figure.progress_pct, 0) == Decimal(progress)
    assert f"占年度任务的{progress}%" in figure.text
    # Nine months of twelve: 75% of the year has passed.
    assert figure.time_progress_gap_pp == figure.progress_pct - 75


def test_s057_s059_transfer_payments_sum_their_parts(seed):
    transfers = one("transfer_payments", Q3)
    assert transfers.value == Decimal("7.1")  # S057, no value of its own: 2.9 + 4.2
    assert [(p.metric, p.value) for p in transfers.parts] == [
        ("transfer_general", Decimal("2.9")),  # S058
        ("transfer_special", Decimal("4.2")),  # S059
    ]
    assert transfers.formula == "transfer_general + transfer_special"


@pytest.mark.parametrize(
    ("metric", "value", "change", "phrase", "seed_rows"),
    [
        ("taxpayers_over_10m", 41, 11, "比去年同期增加11家", "S066 S067"),
        ("taxpayers_over_100m", 4, 0, "与去年同期持平", "S068 S070"),
        ("taxpayers_over_300m", 1, 0, "与去年同期持平", "S069 S070"),
        ("taxpayers_over_5m", 66, 15, "比去年同期增加15家", "S071 S072"),
        ("taxpayers_over_1m", 213, 62, "比去年同期增加62家", "S073 S074"),
    ],
)
def test_s066_s074_tax_tiers(seed, metric, value, change, phrase, seed_rows):
    figure = one(metric, M8)
    assert figure.value == value
    assert figure.change == change
    assert phrase in figure.text


def test_a_batch_takes_the_same_queries_whatever_its_size(seed, django_assert_num_queries):
    metrics = [
        "gdp",
        "trade",
        "exports",
        "imports",
        "industrial_va",
        "hightech_share",
        "financing_indirect",
        "transfer_payments",
        "taxpayers_over_10m",
    ]
    small = [FigureRequest("gdp", ZONE, Q3)]
    large = [
        FigureRequest(m, org, p)
        for m in metrics
        for p in (Q3, M8)
        for org in (ZONE, "371400", "371482", "371402")
    ]
    with django_assert_num_queries(4):
        compute(small)
    with django_assert_num_queries(4):
        figures = compute(large)
    assert len(figures) == 72


def test_missing_inputs_say_what_is_missing(seed):
    with translation.override("en"):
        figure = one("gdp", "2015-01/2015-09")
    assert figure.value is None
    assert figure.text == ""
    assert figure.missing == [
        {"field": "value", "reason": "No value for 德州经济技术开发区 in Q1–Q3 2015."}
    ]
    assert one("no_such_metric", Q3).missing[0]["field"] == "metric"
    assert one("gdp", "2017Q5").missing[0]["field"] == "period"


def test_provenance_lists_every_input_with_its_source(seed):
    trade = one("trade", M8)
    own = [i for i in trade.inputs if i.org == ZONE]
    assert [(i.metric, i.period, i.value, i.source) for i in own] == [
        ("trade", M8, Decimal("34.4"), SEED),
        ("exports", "2016-01/2016-08", Decimal("12.674"), "据公报推算（21.8 / 1.72）"),
        ("imports", "2016-01/2016-08", Decimal("7.313"), "据公报推算（12.6 / 1.723）"),
    ]
    city = {(i.metric, i.value) for i in trade.inputs if i.org == "371400"}
    assert city == {("exports", Decimal("119.13")), ("imports", Decimal("43.45"))}
    assert trade.as_json()["provenance"]["inputs"][0]["value_id"] == own[0].value_id
