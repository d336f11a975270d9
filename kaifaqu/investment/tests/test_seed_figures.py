"""The figures of the seed's section (二)-第二 ("双招双引"), counted from the demo ledgers
through the figure engine for 德州经济技术开发区, 2017-01/2017-09.

Each case names the row of shared/seed/figures.tsv it reproduces. The engine's phrase states
a count's change as a number (比去年同期增加14个) and a target as 年度任务; where the seed
words it otherwise, the test builds the seed's wording from the same figure with
core.numbers and says what differs.
"""

from decimal import Decimal

import pytest
from django.utils import translation

from kaifaqu.core import numbers
from kaifaqu.investment.models import Project
from kaifaqu.metrics.engine import compute
from kaifaqu.metrics.figures import FigureRequest

ZONE, Q3 = "371471", "2017-01/2017-09"


def one(metric, period=Q3, org=ZONE):
    with translation.override("zh-hans"):
        (figure,) = compute([FigureRequest(metric, org, period)])
    return figure


def shown(value, decimals=1):
    return numbers.round_half_up(value, decimals)


def test_s028_s029_projects_signed(seeded):
    figure = one("projects_signed")
    assert (figure.value, figure.prior_value) == (50, 36)
    # 50 against 36 is +38.888…%: 38.9% half up. The seed prints 38.8% (truncated).
    assert figure.growth_pct == (Decimal(50) / 36 - 1) * 100
    assert shown(figure.growth_pct) == Decimal("38.9")
    assert figure.text == "新签约项目50个，比去年同期增加14个"
    assert f"新签约项目50个，同比{numbers.growth_phrase(figure.growth_pct)}" == (
        "新签约项目50个，同比增长38.9%"
    )


def test_s030_s031_contracted_investment(seeded):
    figure = one("contract_investment_signed")
    assert (figure.value, figure.prior_value) == (Decimal(192), Decimal(45))
    # 192 / 45 − 1 = 326.666…%: 326.7% at one decimal; the seed rounds it to 327%.
    assert shown(figure.growth_pct) == Decimal("326.7")
    assert shown(figure.growth_pct, 0) == Decimal(327)
    assert figure.text == "合同投资额192亿元，同比增长326.7%"


def test_s032_projects_started(seeded):
    figure = one("projects_started")
    assert (figure.value, figure.prior_value) == (35, 35)
    assert figure.text == "新开工项目35个，与去年同期持平"


def test_s033_total_investment_of_new_starts(seeded):
    figure = one("total_investment_started")
    assert figure.value == Decimal("64.13")
    assert figure.prior_value == Decimal("63.5")
    assert figure.text == "新开工项目总投资64.13亿元，同比增长1.0%"


def test_s034_s035_funds_received_by_new_starts(seeded):
    figure = one("funds_received_started")
    assert (figure.value, figure.prior_value) == (Decimal("15.33"), Decimal("15.33"))
    # The seed: 与去年同期基本持平.
    assert figure.text == "新开工项目到位资金15.33亿元，同比持平"


def test_s036_continuing_key_projects(seeded):
    figure = one("key_projects_continuing")
    assert figure.value == 18
    assert figure.text == "重点续建项目18个，比去年同期增加5个"


def test_s037_s038_funds_received_by_continuing_key_projects(seeded):
    figure = one("funds_received_continuing")
    assert figure.value == Decimal("15.19")
    assert figure.prior_value == Decimal("12.29")  # 15.19 / 1.236, as figures.tsv derives
    assert shown(figure.growth_pct) == Decimal("23.6")
    assert figure.text == "重点续建项目到位资金15.19亿元，同比增长23.6%"


def test_s039_light_asset_projects(seeded):
    figure = one("light_asset_projects")
    assert figure.value == 42  # the seed: 40余个 (over 40)
    assert figure.value > 40
    assert figure.text == "新引进轻资产项目42个，比去年同期增加22个"


def test_s040_city_level_key_projects(seeded):
    figure = one("key_projects_city")
    assert figure.value == 12
    assert figure.text == "市级重点项目12个"  # no 2016 list: no comparison


def test_s041_their_total_investment(seeded):
    figure = one("key_projects_total_investment")
    assert figure.value == Decimal("98.37")
    assert figure.text == "市级重点项目总投资98.37亿元"


def test_s042_s043_investment_completed_against_the_annual_plan(seeded):
    figure = one("key_projects_completed_investment")
    assert figure.value == Decimal("39.26")
    assert figure.target == Decimal("49.08")  # the sum of the twelve projects' annual plans
    assert shown(figure.progress_pct, 0) == Decimal(80)  # 39.26 / 49.08 = 79.99%
    assert figure.text == "市级重点项目完成投资39.26亿元，占年度任务的80%"
    # The seed's wording of the same figure (a metric cannot name its target word yet):
    assert numbers.progress_phrase(figure.progress_pct, target_word="年度投资计划") == (
        "占年度投资计划的80%"
    )
    # Not 39.26 / 98.37 = 39.9%, the share of the total investment (figures.tsv's trap).
    assert shown(figure.value / Decimal("98.37") * 100) == Decimal("39.9")


def test_s044_talents_selected(seeded):
    figure = one("talents_selected")
    assert figure.value == 16
    assert figure.text == "评选产业领军人才16名，比去年同期增加16名"  # the first batch (首批)
    assert [r["label"] for r in figure.inputs[0].records][:2] == [
        "王某（安澜产业领军人才）",
        "李某（安澜产业领军人才）",
    ]


def test_s045_talent_subsidies(seeded):
    figure = one("talent_subsidies")
    assert figure.value == Decimal("382.4")
    assert figure.text == "发放人才补助资助资金382.4万元"


def test_the_named_projects_are_counted(seeded):
    signed = {r["label"] for r in one("projects_signed").inputs[0].records}
    assert {
        "凯旺新能源与杭州锣卜科技合作中国邮政专用车项目",
        "凯旺新能源与杭州赫日公司合作纯电动汽车增程器项目",
        "奥冠电池与青岛华高石墨烯导电剂项目",
        "黄河商品交易市场与首建投合作项目",
    } <= signed
    light = {r["label"] for r in one("light_asset_projects").inputs[0].records}
    assert "黄河商品交易市场与首建投合作项目" in light
    started = one("funds_received_started").inputs[0].records
    kaiwang = Project.objects.get(name="凯旺新能源与杭州锣卜科技合作中国邮政专用车项目")
    assert {
        "label": "凯旺新能源与杭州锣卜科技合作中国邮政专用车项目（12000万元）",
        "url": f"/backoffice/investment/projects/{kaiwang.pk}/",
        "value": "1.20",  # 亿元, the figure's unit
    } in started


@pytest.mark.parametrize(
    "metric",
    [
        "projects_signed",
        "contract_investment_signed",
        "projects_started",
        "total_investment_started",
        "funds_received_started",
        "key_projects_continuing",
        "funds_received_continuing",
        "light_asset_projects",
        "key_projects_city",
        "key_projects_total_investment",
        "key_projects_completed_investment",
        "talents_selected",
        "talent_subsidies",
    ],
)
def test_every_figure_lists_the_records_it_counted(seeded, metric):
    figure = one(metric)
    (current,) = [i for i in figure.inputs if i.period == Q3]
    assert current.kind == "ledger"
    assert current.records
    if figure.unit != "个" and figure.unit != "名":
        assert sum(Decimal(r["value"]) for r in current.records) == figure.value
    else:
        assert len(current.records) == figure.value
