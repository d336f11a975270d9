"""The demo statistics: every economic figure of the seed's section (二), as values.

Sources, as each value says:
- "seed": stated in the seed report;
- "derived from the seed": a prior-year value implied by a stated growth rate or change, a
  city total implied by a stated share, an annual task implied by a stated progress;
- "illustrative": what the seed does not state, chosen to agree with what it does (the
  city's other districts and zones, consistent with the stated ranks; GDP levels behind the
  stated structure).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TextIO

from django.db import transaction

from kaifaqu.core.demo import DERIVED, ILLUSTRATIVE, SEED
from kaifaqu.orgs.models import Department, OrgUnit

from . import services
from .models import DataElement, DataValue, RuleViolation, Target, ValidationRule

ZONE, CITY = "371471", "371400"
Q3, M8 = "2017-01/2017-09", "2017-01/2017-08"
Q3_2016, M8_2016 = "2016-01/2016-09", "2016-01/2016-08"

# code, zh, en, unit, time, units, growth basis, decimals, whole, department
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
ELEMENTS = [
    ("gdp", "地区生产总值", "Gross regional product", "亿元", "sum", "sum", "reported", 2, None, "economy"),
    ("va_primary", "第一产业增加值", "Value added, primary sector", "亿元", "sum", "sum", "reported", 2, "gdp", "economy"),
    ("va_secondary", "第二产业增加值", "Value added, secondary sector", "亿元", "sum", "sum", "reported", 2, "gdp", "economy"),
    ("va_tertiary", "第三产业增加值", "Value added, tertiary sector", "亿元", "sum", "sum", "reported", 2, "gdp", "economy"),
    ("industrial_va", "工业增加值", "Industrial value added", "亿元", "sum", "sum", "reported", 2, None, "economy"),
    ("hightech_share", "高新技术产业产值比重", "High-tech share of industrial output", "%", "none", "none", "computed", 2, None, "economy"),
    ("trade", "外贸进出口总额", "Foreign trade", "亿元", "sum", "sum", "computed", 2, None, "economy"),
    ("exports", "出口额", "Exports", "亿元", "sum", "sum", "computed", 2, "trade", "economy"),
    ("imports", "进口额", "Imports", "亿元", "sum", "sum", "computed", 2, "trade", "economy"),
    ("financing_indirect", "新增间接融资", "New indirect (bank) financing", "亿元", "sum", "sum", "computed", 2, None, "finance"),
    ("financing_direct", "新增直接融资", "New direct (capital-market) financing", "亿元", "sum", "sum", "computed", 2, None, "finance"),
    ("transfer_payments", "争取转移支付资金", "Transfer payments obtained", "亿元", "sum", "sum", "computed", 2, None, "finance"),
    ("transfer_general", "一般性转移支付", "General transfer payments", "亿元", "sum", "sum", "computed", 2, "transfer_payments", "finance"),
    ("transfer_special", "专项转移支付", "Special transfer payments", "亿元", "sum", "sum", "computed", 2, "transfer_payments", "finance"),
    ("taxpayers_over_10m", "纳税过千万元企业", "Enterprises paying over 10 million yuan of tax", "家", "none", "sum", "computed", 0, None, "finance"),
    ("taxpayers_over_100m", "纳税过亿元企业", "Enterprises paying over 100 million yuan of tax", "家", "none", "sum", "computed", 0, None, "finance"),
    ("taxpayers_over_300m", "纳税过3亿元企业", "Enterprises paying over 300 million yuan of tax", "家", "none", "sum", "computed", 0, None, "finance"),
    ("taxpayers_over_5m", "纳税过500万元企业", "Enterprises paying over 5 million yuan of tax", "家", "none", "sum", "computed", 0, None, "finance"),
    ("taxpayers_over_1m", "纳税过100万元企业", "Enterprises paying over 1 million yuan of tax", "家", "none", "sum", "computed", 0, None, "finance"),
    ("grant_funds", "争取无偿资金", "Grants obtained", "万元", "sum", "sum", "computed", 0, None, "economy"),
    ("training_voucher_firms", "发放培训券企业", "Enterprises given training vouchers", "家", "none", "sum", "computed", 0, None, "economy"),
    ("training_vouchers", "发放培训券金额", "Training vouchers issued", "万元", "sum", "sum", "computed", 0, None, "economy"),
    ("entrepreneur_lectures", "举办企业家大讲堂", "Entrepreneur lectures held", "期", "sum", "sum", "computed", 0, None, "economy"),
    ("study_tour_firms", "组织考察学习企业", "Enterprises taken on study tours", "家", "none", "sum", "computed", 0, None, "economy"),
]  # fmt: skip

# element, org, period, value, status, reported growth %, source
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
ZONE_VALUES = [
    # 前三季度 GDP 185亿元 (预计), +8% at comparable prices; last year +7.4% (8 − 0.6).
    ("gdp", ZONE, Q3, "185", "estimate", "8.0", SEED),
    ("gdp", ZONE, Q3_2016, "171.3", "final", "7.4", f"{DERIVED}（增速8.0−0.6）；总量为{ILLUSTRATIVE}"),
    # 1—8月 structure 2.4:60.6:37, tertiary +0.1 百分点 (36.9 last year); levels illustrative.
    ("gdp", ZONE, M8, "164", "estimate", None, ILLUSTRATIVE),
    ("va_primary", ZONE, M8, "3.936", "estimate", None, f"{SEED}（2.4%）；总量为{ILLUSTRATIVE}"),
    ("va_secondary", ZONE, M8, "99.384", "estimate", None, f"{SEED}（60.6%）；总量为{ILLUSTRATIVE}"),
    ("va_tertiary", ZONE, M8, "60.68", "estimate", None, f"{SEED}（37%）；总量为{ILLUSTRATIVE}"),
    ("gdp", ZONE, M8_2016, "151", "final", None, ILLUSTRATIVE),
    ("va_primary", ZONE, M8_2016, "3.926", "final", None, ILLUSTRATIVE),
    ("va_secondary", ZONE, M8_2016, "91.355", "final", None, ILLUSTRATIVE),
    ("va_tertiary", ZONE, M8_2016, "55.719", "final", None, f"{DERIVED}（36.9% = 37−0.1）"),
    # High-tech share 33.7%, +1.98 百分点.
    ("hightech_share", ZONE, M8, "33.7", "final", None, SEED),
    ("hightech_share", ZONE, M8_2016, "31.72", "final", None, f"{DERIVED}（33.7−1.98）"),
    # Trade 34.4亿元 +72.1%; exports 21.8 +72%; imports 12.6 +72.3%.
    ("trade", ZONE, M8, "34.4", "final", None, SEED),
    ("exports", ZONE, M8, "21.8", "final", None, SEED),
    ("imports", ZONE, M8, "12.6", "final", None, SEED),
    ("exports", ZONE, M8_2016, "12.674", "final", None, f"{DERIVED}（21.8 / 1.72）"),
    ("imports", ZONE, M8_2016, "7.313", "final", None, f"{DERIVED}（12.6 / 1.723）"),
    # Industrial value added 102亿元 (预计) +8.1%, 2nd in the city by growth.
    ("industrial_va", ZONE, M8, "102", "estimate", "8.1", SEED),
    # Financing: indirect 35亿元 = 81% of the task, direct 17亿元 = 67%.
    ("financing_indirect", ZONE, Q3, "35", "estimate", None, SEED),
    ("financing_direct", ZONE, Q3, "17", "estimate", None, SEED),
    # Transfer payments 7.1 = general 2.9 + special 4.2 (the whole is the sum of its parts).
    ("transfer_general", ZONE, Q3, "2.9", "final", None, SEED),
    ("transfer_special", ZONE, Q3, "4.2", "final", None, SEED),
    # Tax tiers, 1—8月: 41 (+11), of which 4 over 100m and 1 over 300m (flat), 66 (+15), 213 (+62).
    ("taxpayers_over_10m", ZONE, M8, "41", "final", None, SEED),
    ("taxpayers_over_10m", ZONE, M8_2016, "30", "final", None, f"{DERIVED}（41−11）"),
    ("taxpayers_over_100m", ZONE, M8, "4", "final", None, SEED),
    ("taxpayers_over_100m", ZONE, M8_2016, "4", "final", None, f"{DERIVED}（基本持平）"),
    ("taxpayers_over_300m", ZONE, M8, "1", "final", None, SEED),
    ("taxpayers_over_300m", ZONE, M8_2016, "1", "final", None, f"{DERIVED}（基本持平）"),
    ("taxpayers_over_5m", ZONE, M8, "66", "final", None, SEED),
    ("taxpayers_over_5m", ZONE, M8_2016, "51", "final", None, f"{DERIVED}（66−15）"),
    ("taxpayers_over_1m", ZONE, M8, "213", "final", None, SEED),
    ("taxpayers_over_1m", ZONE, M8_2016, "151", "final", None, f"{DERIVED}（213−62）"),
    # Services to enterprises: a grant of 1000万元, training vouchers of 118万元 for 44
    # enterprises, 4 entrepreneur lectures, 26 enterprises' heads on a study tour.
    ("grant_funds", ZONE, Q3, "1000", "final", None, SEED),
    ("training_voucher_firms", ZONE, Q3, "44", "final", None, SEED),
    ("training_vouchers", ZONE, Q3, "118", "final", None, SEED),
    ("entrepreneur_lectures", ZONE, Q3, "4", "final", None, SEED),
    ("study_tour_firms", ZONE, Q3, "26", "final", None, SEED),
    # The city: exports and imports implied by the shares 18.3% and 29%; trade is their sum,
    # 162.58, which gives the zone's stated 21.2%.
    ("exports", CITY, M8, "119.13", "final", None, f"{DERIVED}（21.8 / 18.3%）"),
    ("imports", CITY, M8, "43.45", "final", None, f"{DERIVED}（12.6 / 29%）"),
    ("industrial_va", CITY, M8, "1205", "estimate", "7.2", ILLUSTRATIVE),
]  # fmt: skip

#: The city's other county-level units, 1—8月: exports, imports (summing with the zone to the
#: city's totals, each below the zone: it ranks first), industrial value added and its
#: growth (禹城市 grows faster: the zone ranks second by growth).
PEERS = {
    "371402": ("14.20", "4.30", "118", "7.5"),
    "371403": ("6.10", "1.90", "96", "7.1"),
    "371422": ("7.40", "2.05", "78", "6.9"),
    "371423": ("5.30", "1.60", "61", "7.0"),
    "371424": ("6.80", "2.10", "102", "7.3"),
    "371425": ("9.90", "3.80", "124", "7.8"),
    "371426": ("5.60", "1.70", "70", "6.8"),
    "371427": ("6.40", "2.20", "66", "7.2"),
    "371428": ("5.20", "1.60", "58", "6.6"),
    "371481": ("8.90", "3.10", "92", "7.6"),
    "371482": ("13.30", "4.20", "118", "8.6"),
    "371472": ("8.23", "2.30", "80", "7.9"),
}

#: Annual tasks implied by the stated progress: 35 / 81% and 17 / 67%.
TARGETS = [
    ("financing_indirect", ZONE, 2017, "43.2", f"{DERIVED}（35 / 81%）"),
    ("financing_direct", ZONE, 2017, "25.4", f"{DERIVED}（17 / 67%）"),
]


#: code, name, left, operator, right kind, right element, number, importance. The checks a
#: statistics office makes on every submission (illustrative: the seed states none).
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
RULES = [
    ("gdp_parts", "三次产业增加值之和等于地区生产总值", "gdp", "eq", "parts", None, None, "error"),
    ("trade_parts", "出口额与进口额之和等于进出口总额", "trade", "eq", "parts", None, None, "error"),
    ("transfer_parts", "一般性与专项转移支付之和等于转移支付总额", "transfer_payments", "eq", "parts", None, None, "error"),
    ("hightech_share_max", "高新技术产业产值比重不超过100%", "hightech_share", "le", "number", None, "100", "error"),
    ("hightech_share_min", "高新技术产业产值比重不为负", "hightech_share", "ge", "number", None, "0", "error"),
    ("tax_tier_5m", "纳税过千万元企业不多于过500万元企业", "taxpayers_over_10m", "le", "element", "taxpayers_over_5m", None, "error"),
    ("tax_tier_1m", "纳税过500万元企业不多于过100万元企业", "taxpayers_over_5m", "le", "element", "taxpayers_over_1m", None, "error"),
    ("tax_tier_100m", "纳税过亿元企业不多于过千万元企业", "taxpayers_over_100m", "le", "element", "taxpayers_over_10m", None, "error"),
    ("tax_tier_300m", "纳税过3亿元企业不多于过亿元企业", "taxpayers_over_300m", "le", "element", "taxpayers_over_100m", None, "error"),
    # A 72% rise in trade is what the seed reports; a statistician confirms such a jump.
    ("trade_jump", "进出口总额超过上年同期1.5倍的，核实来源", "trade", "le", "prior_multiple", None, "1.5", "warning"),
    ("gdp_jump", "地区生产总值超过上年同期1.3倍的，核实来源", "gdp", "le", "prior_multiple", None, "1.3", "warning"),
]  # fmt: skip


@transaction.atomic
def load(stdout: TextIO) -> None:
    departments = {d.code: d for d in Department.objects.all()}
    elements = {e.code: e for e in DataElement.objects.all()}
    for order, (code, zh, en, unit, time, units, basis, decimals, whole, dept) in enumerate(
        ELEMENTS, start=1
    ):
        if code in elements:
            continue
        elements[code] = services.element_create(
            actor=None,
            code=code,
            name_zh=zh,
            name_en=en,
            unit=unit,
            time_aggregation=time,
            unit_aggregation=units,
            growth_basis=basis,
            decimals=decimals,
            whole=elements.get(whole) if whole else None,
            department=departments[dept],
            order=order,
        )
    orgs = {o.code: o for o in OrgUnit.objects.filter(code__in=[ZONE, CITY, *PEERS])}
    rows = list(ZONE_VALUES)
    for code, (exports, imports, industry, industry_growth) in PEERS.items():
        rows += [
            ("exports", code, M8, exports, "final", None, ILLUSTRATIVE),
            ("imports", code, M8, imports, "final", None, ILLUSTRATIVE),
            ("industrial_va", code, M8, industry, "estimate", industry_growth, ILLUSTRATIVE),
        ]
    existing = set(DataValue.objects.values_list("element__code", "org_unit__code", "period"))
    added = 0
    for element, org, period, value, status, growth, source in rows:
        if (element, org, period) in existing:
            continue
        services.value_save(
            actor=None,
            element=elements[element],
            org_unit=orgs[org],
            period=period,
            value=Decimal(value),
            status=status,
            reported_growth_pct=growth,
            source=source,
            version=0,  # only the values not there yet
        )
        added += 1
    for metric, org, year, value, source in TARGETS:
        if not Target.objects.filter(metric_code=metric, org_unit=orgs[org], year=year).exists():
            services.target_save(
                actor=None,
                metric_code=metric,
                org_unit=orgs[org],
                year=year,
                value=value,
                department_id=elements[metric].department_id,
                source=source,
                version=0,  # only the targets not there yet
            )
    rules = set(ValidationRule.objects.values_list("code", flat=True))
    for code, name, left, operator, kind, right, number, importance in RULES:
        if code not in rules:
            services.rule_create(
                actor=None,
                code=code,
                name=name,
                left=elements[left],
                operator=operator,
                right_kind=kind,
                right_element=elements[right] if right else None,
                right_number=Decimal(number) if number else None,
                importance=importance,
            )
    stdout.write(
        f"Statistics: {len(elements)} elements, {added} values added, "
        f"{RuleViolation.objects.count()} rule violations to check.\n"
    )
