"""The placeholder language of report templates: what a Word template may say, and what it means.

A template is a Word document (docxtpl) whose text holds placeholders. Every placeholder is a
call with constant arguments; the logic stays in Python. The calls:

``{{ f("gdp", "value") }}``
    A figure: metric code, then what to show (table below). Options, all keywords:
    ``lag=1`` the cumulative window ending one month earlier than the report's period (a
    report for 1—9月 states trade for 1—8月); ``decimals=0`` rounds the shown rate to that
    many places (增长327%); ``part="va_tertiary"`` names the part for ``part_share`` and
    ``part_share_pp``; ``target="年度投资计划"`` the word for ``progress`` (default 年度任务);
    ``scope="全市"`` the word for ``share`` and ranks; ``with_parts=True`` on ``rank`` and
    ``growth_rank``: the whole and every part hold the same rank, for sentences such as
    "进出口总额、出口额、进口额均居全市首位" — when they do not, nothing is printed and the
    draft lists the ranks instead of a claim that is no longer true.
``{{ fact("area_km2") }}``, ``{{ fact("resident_population", "wan") }}``
    A profile fact of the org unit (orgs): "320平方公里"; ``"wan"`` in 万 ("约30万人"); a
    fact kept as approximate is preceded by 约.
``{{ units("town") }}`` / ``{{ units("subdistrict") }}``
    The towns (subdistricts) below the unit: "赵虎、袁桥、抬头寺3个镇".
``{{ period() }}``, ``{{ period(lag=1) }}``, ``{{ period(short=True) }}``
    The period's label: 2017年前三季度, 2017年1—8月, 前三季度.
``{{ org() }}``
    The org unit's name.
``{{ block("overview") }}``
    A narrative block: text staff write on the report's page, kept per report type, org
    unit, period and key, with versions. A block may hold several paragraphs; give it a
    paragraph of its own then.
``{{ chart("gdp", "structure", lag=1) }}``
    A chart (ECharts on the page, a 300 dpi PNG in Word), alone in its paragraph. Kinds:
    ``structure`` (the parts' shares of the whole), ``parts`` (each part this year and last).

What ``f`` shows (``SHOW_KINDS``):

============== =========================================== ==================================
show           writes                                      example
============== =========================================== ==================================
value          the value with its unit                     185亿元, 33.7%, 50个
number         the value without its unit                  185
est            预计 when an input is an estimate, else ""   预计
name           the metric's name                           地区生产总值
growth         growth on the same period last year          增长8.0% / 下降3.2% / 持平
pp             change in 百分点 (of the growth, or of a     提高0.6个百分点 / 回落… / 持平
               rate's value)
change         change of a count                           增加11家 / 减少3家 / 持平
share          share of the city                           占全市的21.2%
share_pct      the share alone                             21.2%
rank           rank by value among the city's units        居全市首位 / 列全市第2位
growth_rank    rank by growth among the city's units       列全市第2位
progress       progress against the year's target          占年度任务的81%
progress_pct   the progress alone                          81%
structure      the parts' shares                           2.4:60.6:37
part_share     a part's share of the whole (``part=``)     37.0%
part_share_pp  its change in 百分点 (``part=``)             提高0.1个百分点
============== =========================================== ==================================

A figure the engine cannot compute is written as 〔缺数：name〕 and listed with the engine's
reason; the draft never prints a number it does not have.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

#: What a template may say, for the staff who edit templates (shown on the report type's
#: page); the docstring above is the same for the code's readers.
GUIDE = _(
    """A template is a Word document whose text holds placeholders, each typed in one go. Each placeholder is a call with fixed arguments:

{{ f("gdp", "value") }}
    A figure: the metric's code, then what to show (list below). Options: lag=1 takes the cumulative period ending one month earlier (a report for January–September states trade for January–August); decimals=0 rounds the rate shown to that many places; part="va_tertiary" names the part for part_share and part_share_pp; target="年度投资计划" is the word for progress (default "年度任务"); scope="全市" the word for share and ranks; with_parts=True on rank and growth_rank: the whole and every part hold the same rank (as in "进出口总额、出口额、进口额均居全市首位"); when they do not, nothing is printed and the draft lists the ranks.
{{ fact("area_km2") }}, {{ fact("resident_population", "wan") }}
    A profile fact of the org unit ("320平方公里"); "wan" gives it in units of ten thousand ("约30万人"); an approximate fact is preceded by "约".
{{ units("town") }} / {{ units("subdistrict") }}
    The towns (subdistricts) below the unit: "赵虎、袁桥、抬头寺3个镇".
{{ period() }}, {{ period(lag=1) }}, {{ period(short=True) }}
    The period's label: "2017年前三季度", "2017年1—8月", "前三季度".
{{ org() }}
    The org unit's name.
{{ block("overview") }}
    A narrative block: text staff write on the report's page, kept per report type, org unit, period and key, with versions. A block of several paragraphs takes a paragraph of its own.
{{ chart("gdp", "structure", lag=1) }}
    A chart, alone in its paragraph: structure (the parts' shares of the whole) or parts (each part this year and last).

What f shows:
    value          the value with its unit: "185亿元, 33.7%, 50个"
    number         the value without its unit: "185"
    est            "预计" when an input is an estimate, else nothing
    name           the metric's name: "地区生产总值"
    growth         growth on the same period last year: "增长8.0% / 下降3.2% / 持平"
    pp             change in percentage points: "提高0.6个百分点 / 回落… / 持平"
    change         change of a count: "增加11家 / 减少3家 / 持平"
    share          share of the city: "占全市的21.2%"
    share_pct      the share alone: "21.2%"
    rank           rank by value among the city's units: "居全市首位 / 列全市第2位"
    growth_rank    rank by growth among the city's units: "列全市第2位"
    progress       progress against the year's target: "占年度任务的81%"
    progress_pct   the progress alone: "81%"
    structure      the parts' shares: "2.4:60.6:37"
    part_share     a part's share of the whole (part=): "37.0%"
    part_share_pp  its change in percentage points (part=): "提高0.1个百分点"

A figure that cannot be computed is written as "〔缺数：name〕" and listed with the reason; a draft never prints a number it does not have."""  # noqa: E501  (the page wraps the guide's paragraphs)
)

FUNCTIONS = ("f", "fact", "units", "period", "org", "block", "chart")

SHOW_KINDS = (
    "value",
    "number",
    "est",
    "name",
    "growth",
    "pp",
    "change",
    "share",
    "share_pct",
    "rank",
    "growth_rank",
    "progress",
    "progress_pct",
    "structure",
    "part_share",
    "part_share_pp",
)

#: The keyword options each call takes, and the type of each.
OPTIONS: dict[str, dict[str, type]] = {
    "f": {
        "lag": int,
        "decimals": int,
        "part": str,
        "target": str,
        "scope": str,
        "with_parts": bool,
    },
    "fact": {},
    "units": {},
    "period": {"lag": int, "short": bool},
    "org": {},
    "block": {},
    "chart": {"lag": int},
}
#: The positional arguments each call takes: (required, at most).
POSITIONAL: dict[str, tuple[int, int]] = {
    "f": (1, 2),
    "fact": (1, 2),
    "units": (1, 1),
    "period": (0, 0),
    "org": (0, 0),
    "block": (1, 1),
    "chart": (1, 2),
}
FACT_SHOWS = ("value", "wan")
UNIT_KINDS = {"town": "镇", "subdistrict": "街道"}
CHART_KINDS = ("structure", "parts")
MAX_LAG = 11


@dataclass(frozen=True)
class Call:
    """One placeholder call with its constant arguments; ``key`` names it in a draft."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()
    source: str = field(default="", compare=False)

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.kwargs)

    @property
    def key(self) -> str:
        return call_key(self.name, self.args, self.options)

    @property
    def show(self) -> str:
        """For f, fact and chart: the second argument or its default."""
        default = {"f": "value", "fact": "value", "chart": "structure"}.get(self.name, "")
        return str(self.args[1]) if len(self.args) > 1 else default

    @property
    def lag(self) -> int:
        return int(self.options.get("lag", 0))


def call_key(name: str, args: tuple | list, kwargs: dict[str, Any]) -> str:
    """The same text for the same call, however its keywords were ordered."""
    return json.dumps([name, list(args), sorted(kwargs.items())], ensure_ascii=False)


@dataclass
class Problem:
    """A placeholder a template may not use, and why (shown to the user who uploaded it)."""

    placeholder: str
    message: str

    def __str__(self) -> str:
        return f"{self.placeholder}: {self.message}"


@dataclass
class Scan:
    """What a template asks for: its calls, in document order, and its problems."""

    calls: list[Call] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def metrics(self) -> set[str]:
        return {str(c.args[0]) for c in self.calls if c.name in ("f", "chart") and c.args}

    def of(self, name: str) -> list[Call]:
        return [c for c in self.calls if c.name == name]
