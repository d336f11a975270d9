"""The figure wording, in both languages, on figures built by hand (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaifaqu.metrics import text
from kaifaqu.metrics.figures import Figure
from kaifaqu.metrics.registry import Metric

GDP = Metric("gdp", "地区生产总值", "Gross regional product", "亿元", 2)
SHARE = Metric(
    "hightech_share", "高新技术产业产值比重", "High-tech share of industrial output", "%", 2
)
SIGNED = Metric("projects_signed", "新签约项目", "Projects signed", "个", 0)
UNNAMED = Metric("grain", "粮食产量", "", "万吨", 1)


def _fig(metric: Metric, value: str | None, status: str | None = None, **kwargs) -> Figure:
    """A figure of ``metric``; its numbers given as text, as Decimals are written."""
    decimal = {k: Decimal(v) if isinstance(v, str) else v for k, v in kwargs.items()}
    return Figure(
        metric.code,
        "dz",
        "2017-01/2017-09",
        value=None if value is None else Decimal(value),
        status=status,
        **decimal,
    )


FULL_GDP = _fig(
    GDP,
    "185",
    status="estimate",
    growth_pct="8.04",
    pp_change="0.6",
    share_pct="21.23",
    rank_by_value=1,
    progress_pct="81.4",
)


@pytest.mark.parametrize(
    ("fig", "metric", "zh", "en"),
    [
        (
            FULL_GDP,
            GDP,
            "预计地区生产总值185亿元，同比增长8.0%，比去年同期提高0.6个百分点，占全市的21.2%，"
            "居全市首位，占年度任务的81%",
            "Gross regional product 18.5 billion yuan (estimate), up 8.0% year on year, "
            "up 0.6 percentage points on the same period last year, 21.2% of the city's total, "
            "ranked first in the city, 81% of the annual target",
        ),
        (
            _fig(SHARE, "33.70", pp_change="1.98"),
            SHARE,
            "高新技术产业产值比重33.7%，比去年同期提高1.98个百分点",
            "High-tech share of industrial output 33.7%, "
            "up 1.98 percentage points on the same period last year",
        ),
        (
            _fig(SIGNED, "50", change="14", growth_pct="38.9", rank_by_value=2),
            SIGNED,
            "新签约项目50个，比去年同期增加14个，列全市第2位",
            "Projects signed 50, 14 more on the same period last year, ranked 2nd in the city",
        ),
        (
            _fig(SIGNED, "36", change="0"),
            SIGNED,
            "新签约项目36个，与去年同期持平",
            "Projects signed 36, unchanged on the same period last year",
        ),
        (
            _fig(GDP, "164.456", growth_pct="-3.25", pp_change="-1"),
            GDP,
            "地区生产总值164.46亿元，同比下降3.3%，比去年同期回落1.0个百分点",
            "Gross regional product 16.446 billion yuan, down 3.3% year on year, "
            "down 1.0 percentage points on the same period last year",
        ),
        (
            _fig(UNNAMED, "12.34"),
            UNNAMED,
            "粮食产量12.3万吨",
            "粮食产量 12.3万吨",
        ),
        (_fig(GDP, None, growth_pct="8"), GDP, "", ""),
    ],
)
def test_figure_text_in_both_languages(fig, metric, zh, en):
    assert text.figure_text(fig, metric) == zh
    assert text.figure_text(fig, metric, lang="zh") == zh
    assert text.figure_text(fig, metric, lang="en") == en


@pytest.mark.parametrize(
    ("fig", "metric", "zh", "en"),
    [
        (FULL_GDP, GDP, "同比增长8.0%", "up 8.0% year on year"),
        (
            _fig(SHARE, "33.7", pp_change="1.98", growth_pct="5"),
            SHARE,
            "比去年同期提高1.98个百分点",
            "up 1.98 percentage points on the same period last year",
        ),
        (
            _fig(SIGNED, "50", change="-3"),
            SIGNED,
            "比去年同期减少3个",
            "3 fewer on the same period last year",
        ),
        # A count without last year's value but with a growth is worded by its growth.
        (_fig(SIGNED, "50", growth_pct="12.5"), SIGNED, "同比增长12.5%", "up 12.5% year on year"),
        (_fig(SHARE, "33.7"), SHARE, "", ""),
        (_fig(GDP, "185"), GDP, "", ""),
    ],
)
def test_change_text_in_both_languages(fig, metric, zh, en):
    assert text.change_text(fig, metric, lang="zh") == zh
    assert text.change_text(fig, metric, lang="en") == en


@pytest.mark.parametrize(
    ("value", "metric", "zh", "en"),
    [
        ("185", GDP, "185亿元", "18.5 billion yuan"),
        ("64.126", GDP, "64.13亿元", "6.413 billion yuan"),
        ("33.70", SHARE, "33.7%", "33.7%"),
        ("5", SHARE, "5.0%", "5.0%"),
        ("50", SIGNED, "50个", "50"),
        ("12.35", UNNAMED, "12.4万吨", "12.4万吨"),
    ],
)
def test_value_text_in_both_languages(value, metric, zh, en):
    assert text.value_text(Decimal(value), metric) == zh
    assert text.value_text(Decimal(value), metric, lang="en") == en


def test_names_and_the_estimate_word():
    assert text.metric_name(GDP) == "地区生产总值"
    assert text.metric_name(GDP, lang="en") == "Gross regional product"
    assert text.metric_name(UNNAMED, lang="en") == "粮食产量"
    assert text.estimate_word("estimate") == "预计"
    assert text.estimate_word("estimate", lang="en") == " (estimate)"
    assert text.estimate_word("final") == ""
    assert text.against_last_year("持平") == "与去年同期持平"
    assert text.against_last_year("增加11家") == "比去年同期增加11家"


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang must be one of"):
        text.figure_text(FULL_GDP, GDP, lang="fr")
    with pytest.raises(ValueError, match="lang must be one of"):
        text.value_text(Decimal(1), GDP, lang="zh-hans")
