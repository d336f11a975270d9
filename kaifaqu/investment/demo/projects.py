"""The projects the demo enters: the ones the seed names, and the illustrative tables whose
sums are the seed's figures (see the package's docstring for the sources)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from kaifaqu.core.demo import SEED
from kaifaqu.enterprises.validators import make_credit_code

from ..models import KeyLevel

DEPARTMENT = "investment"
OFFICER = "investment"
ZONE = "371471"
TOWNS = ["371471101", "371471102", "371471103", "371471001", "371471002", ZONE]
SOURCES = ["outreach", "referral", "event", "hotline", "portal_consultation"]


def d(text: str) -> date:
    return date.fromisoformat(text)


@dataclass
class P:
    """A project as the demo enters it: what it states and the dates of its moves."""

    name: str
    investor: str
    industry: str
    org: str
    contract: int | str | None
    total: int | str | None
    contact: date
    negotiating: date | None = None
    signed: date | None = None
    started: date | None = None
    under_construction: date | None = None
    operating: date | None = None
    dropped: date | None = None
    drop_reason: str = ""
    partner: str = ""
    light: bool = False
    key: str = KeyLevel.NONE
    source: str = "outreach"
    capital: str = "domestic"
    carrier: tuple[str, str] | None = None  # ("land", code) or ("unit", "building/unit")
    tranches: list[tuple[date, int | str]] = field(default_factory=list)
    named: bool = False
    note: str = ""
    credit_code: str | None = None
    contact_person: str = ""


# --- the projects the seed names --------------------------------------------------------

NAMED = [
    P(
        "凯旺新能源与杭州锣卜科技合作中国邮政专用车项目",
        "杭州锣卜科技",
        "C3630",
        "371471103",
        50000,
        60000,
        d("2016-10-12"),
        d("2016-12-05"),
        d("2017-02-20"),
        d("2017-04-18"),
        d("2017-05-02"),
        d("2017-08-28"),
        partner="凯旺新能源",
        source="referral",
        tranches=[(d("2017-03-10"), 7000), (d("2017-06-15"), 5000)],
        named=True,
        note=f"{SEED}：凯旺新能源与杭州锣卜科技合作的中国邮政专用车下线；金额、日期与所在镇为示例数据",
    ),
    P(
        "凯旺新能源与杭州赫日公司合作纯电动汽车增程器项目",
        "杭州赫日公司",
        "C3670",
        "371471103",
        30000,
        36000,
        d("2017-03-06"),
        d("2017-05-10"),
        d("2017-08-15"),
        partner="凯旺新能源",
        source="event",
        named=True,
        note=f"{SEED}：与杭州赫日公司合作的纯电动汽车增程器项目已签订协议；金额与日期为示例数据",
    ),
    P(
        "奥冠电池与青岛华高石墨烯导电剂项目",
        "青岛华高石墨烯",
        "C3091",
        "371471002",
        12000,
        12000,
        d("2016-11-20"),
        d("2017-01-09"),
        d("2017-03-15"),
        d("2017-05-08"),
        d("2017-06-20"),
        partner="奥冠电池",
        light=True,
        source="referral",
        carrier=("unit", "zhongyuan-park/w101"),
        tranches=[(d("2017-05-20"), 5000)],
        named=True,
        note=f"{SEED}：奥冠电池与青岛华高石墨烯导电剂项目落户中元科技创新创业园，已完成厂房装修；金额与日期为示例数据",
    ),
    P(
        "黄河商品交易市场与首建投合作项目",
        "首建投",
        "L7223",
        "371471001",
        20000,
        20000,
        d("2017-02-14"),
        d("2017-04-11"),
        d("2017-07-12"),
        partner="黄河商品交易市场",
        light=True,
        source="outreach",
        carrier=("unit", "xinxing-intl/f05"),
        named=True,
        note=f"{SEED}：黄河商品交易市场与首建投合作项目落户鑫星国际、完成股改，正在进行法人变更；金额与日期为示例数据",
    ),
]

# --- illustrative names -----------------------------------------------------------------

_A = "华鼎恒瑞泰金海博中众新齐明天宏嘉盛万永星致汇光绿润凯启卓同聚蓝信东鸿富广正远晨锦"
_B = "宇通丰阳岳科诚越衢图禾达隆航源泽创力鑫峰川林德邦安康运兴茂驰腾睿智联拓坤翔杰盈豪"

#: industry → (the investor's trade word, the project's word)
WORDS = {
    "I6513": ("软件科技", "软件研发中心"),
    "L7224": ("供应链管理", "供应链管理总部"),
    "L7251": ("网络传媒", "互联网广告运营中心"),
    "M7530": ("科技服务", "科技成果转化服务中心"),
    "L7243": ("企业管理咨询", "企业咨询服务"),
    "I6450": ("大数据科技", "大数据服务中心"),
    "M7540": ("孵化器管理", "众创空间"),
    "L7281": ("会展服务", "科技会展中心"),
    "L7212": ("投资管理", "产业基金管理"),
    "M7515": ("新能源技术", "新能源技术推广中心"),
    "L7211": ("实业", "区域总部"),
    "C3825": ("光伏科技", "光伏组件生产线"),
    "C3841": ("锂电科技", "锂离子电池生产线"),
    "C2761": ("生物制药", "生物药品产业化"),
    "C3612": ("新能源汽车", "新能源整车生产基地"),
    "D4416": ("光电能源", "分布式光伏电站"),
    "C3463": ("环保装备", "过滤分离设备生产线"),
    "C3670": ("汽车部件", "汽车零部件生产线"),
    "C1353": ("食品", "肉制品深加工"),
    "C3985": ("电子材料", "电子专用材料生产线"),
    "M7320": ("工程技术研究院", "工程技术研发中心"),
    "K7010": ("置业", "科创产业园开发"),
}
LIGHT_INDUSTRIES = [
    "I6513",
    "L7224",
    "L7251",
    "M7530",
    "L7243",
    "I6450",
    "M7540",
    "L7281",
    "L7212",
    "M7515",
    "L7211",
]
HEAVY_INDUSTRIES = [
    "C3825",
    "C3841",
    "C2761",
    "C3612",
    "D4416",
    "C3463",
    "C3670",
    "C1353",
    "C3985",
    "M7320",
    "K7010",
]

_counter = iter(range(10_000))
_per_industry: dict[str, int] = {}


def _brand(industry: str) -> str:
    """Two characters; within one industry no two brands share a character, so no two
    illustrative investors of an industry look alike to the duplicate check."""
    j = _per_industry.get(industry, 0)
    _per_industry[industry] = j + 1
    h = list(WORDS).index(industry)
    return _A[(j + h) % len(_A)] + _B[(j + 3 * h) % len(_B)]


def _illustrative(industry: str, **fields) -> P:
    """A project of an illustrative investor, named from the next brand and the industry."""
    k = next(_counter)
    brand = _brand(industry)
    trade, what = WORDS[industry]
    return P(
        name=f"{brand}{what}项目",
        investor=f"{brand}{trade}有限公司",
        industry=industry,
        org=fields.pop("org", TOWNS[k % len(TOWNS)]),
        source=fields.pop("source", SOURCES[k % len(SOURCES)]),
        capital=fields.pop("capital", "foreign" if k % 7 == 3 else "domestic"),
        credit_code=make_credit_code("9", "1", "371499", f"DM{k:06d}"),
        contact_person=["王", "李", "张", "刘", "陈", "杨", "赵", "黄"][k % 8] + "经理",
        **fields,
    )


def reset_names() -> None:
    """Restart the illustrative names and codes, so every run enters the same ones."""
    global _counter
    _counter = iter(range(10_000))
    _per_industry.clear()


def _cap(day: date, limit: date) -> date:
    return min(day, limit)


# --- 2017-01/2017-09: signed (50 with the named 4), started (35), light-asset (42) ----------

SEP_2017, SEP_2016 = d("2017-09-29"), d("2016-09-29")

#: Six large manufacturing projects signed in 2017, not started by September.
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
HEAVY_2017 = [
    ("C3825", 450000, 520000, "2017-01-16"), ("C3841", 380000, 420000, "2017-03-08"),
    ("C2761", 320000, 350000, "2017-04-21"), ("C3612", 260000, 300000, "2017-06-09"),
    ("D4416", 150000, 160000, "2017-07-26"), ("C3463", 100000, 120000, "2017-09-12"),
]  # fmt: skip
#: Forty light-asset projects signed in 2017 (148,000万元); the first sixteen started.
LIGHT_2017 = [2700, 3200, 3700, 4200, 4700] * 8
LIGHT_2017_STARTED = 16
#: Illustrative projects hold no carrier: the carriers' own figures (idle area) are the
#: carriers demo's; only the two units the seed names are taken, by the named projects.


def projects_2017() -> list[P]:
    out = []
    for industry, contract, total, signed in HEAVY_2017:
        signed = d(signed)
        out.append(
            _illustrative(
                industry,
                contract=contract,
                total=total,
                contact=signed - timedelta(days=150),
                negotiating=signed - timedelta(days=60),
                signed=signed,
            )
        )
    for i, contract in enumerate(LIGHT_2017):
        signed = date(2017, 1 + i % 9, 3 + (i * 5) % 24)
        started = _cap(signed + timedelta(days=21), SEP_2017) if i < LIGHT_2017_STARTED else None
        building = started + timedelta(days=30) if started and i % 2 == 0 else None
        out.append(
            _illustrative(
                LIGHT_INDUSTRIES[i % len(LIGHT_INDUSTRIES)],
                contract=contract,
                total=contract,
                contact=signed - timedelta(days=75),
                negotiating=signed - timedelta(days=30),
                signed=signed,
                started=started,
                under_construction=building,
                light=True,
                tranches=[(started, 1000)] if started else [],
            )
        )
    return out


# --- 2016-01/2016-09: 36 signed (45亿元, 20 light-asset) ----------------------------------

#: Started in 2016-01/2016-09 and signed then too: (contract, total, light, funds received
#: in 2016-01/2016-09).
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
STARTED_2016 = [
    (12000, 15000, False, 5000), (9000, 11000, False, 3000), (15000, 18000, False, 6000),
    (6000, 6000, True, 2000), (20000, 26000, False, 8000), (8000, 8000, True, 2500),
    (3000, 3000, True, 1000), (2500, 2500, True, 800), (4000, 4000, True, 1200),
    (3500, 3500, True, 1000), (2000, 2000, True, 500), (5000, 5000, True, 1500),
    (10000, 14000, False, 4000),
]  # fmt: skip
#: Started in 2016-01/2016-09, signed in 2015-10/2015-12: (total, light, funds received in
#: 2016-01/2016-09). With the above, 35 projects with 63.5亿元 and 15.33亿元 received: the
#: seed's "与去年同期基本持平" holds for the number and total investment too.
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
STARTED_2016_SIGNED_2015 = [
    (60000, False, 13000), (50000, False, 11000), (45000, False, 10000), (40000, False, 9000),
    (38000, False, 8500), (35000, False, 8000), (32000, False, 7500), (30000, False, 7000),
    (28000, False, 6500), (25000, False, 5500), (22000, False, 5000), (20000, False, 4500),
    (18000, False, 4000), (16000, False, 3500), (14000, False, 3000), (12000, False, 2800),
    (10000, True, 2500), (8000, True, 2000), (6000, True, 1500), (4000, True, 700),
    (2000, True, 1000), (2000, True, 300),
]  # fmt: skip
#: Signed in 2016-01/2016-09, started in 2017-01/2017-09: (contract, total, light, funds
#: received in 2017-01/2017-09).
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
STARTED_2017_SIGNED_2016 = [
    (60000, 100000, False, 25000), (50000, 80000, False, 20000), (40000, 70000, False, 18000),
    (35000, 60000, False, 15000), (30000, 50000, False, 12000), (25000, 45000, False, 10000),
    (20000, 35000, False, 8000), (15000, 25000, False, 5000), (10000, 20000, False, 3000),
    (2000, 3000, True, 500), (2500, 3500, True, 600), (1500, 2600, True, 500),
    (1800, 3000, True, 700), (2200, 4000, True, 500), (1700, 3000, True, 500),
    (1300, 3500, True, 500), (2000, 3500, True, 500),
]  # fmt: skip
#: Signed in 2016-01/2016-09, not started; the third was dropped in 2017.
SIGNED_2016 = [
    (20000, False),
    (12000, False),
    (8000, True),
    (4000, True),
    (3000, True),
    (3000, True),
]
DROPPED_2016 = 2


def projects_2016() -> list[P]:
    out = []
    for i, (contract, total, light, funds) in enumerate(STARTED_2016):
        signed = date(2016, 1 + i % 5, 5 + i)
        started = signed + timedelta(days=40)
        building = started + timedelta(days=45)
        operating = date(2017, 3 + i % 6, 18) if i % 3 == 0 else None
        out.append(
            _illustrative(
                (LIGHT_INDUSTRIES if light else HEAVY_INDUSTRIES)[i % 11],
                contract=contract,
                total=total,
                light=light,
                contact=signed - timedelta(days=120),
                negotiating=signed - timedelta(days=45),
                signed=signed,
                started=started,
                under_construction=building,
                operating=operating,
                tranches=[(started + timedelta(days=20), funds)],
            )
        )
    for i, (total, light, funds) in enumerate(STARTED_2016_SIGNED_2015):
        signed = date(2015, 10 + i % 3, 3 + i)
        started = date(2016, 2 + i % 7, 6 + i % 20)
        out.append(
            _illustrative(
                (LIGHT_INDUSTRIES if light else HEAVY_INDUSTRIES)[(i + 1) % 11],
                contract=total,
                total=total,
                light=light,
                contact=signed - timedelta(days=90),
                negotiating=signed - timedelta(days=30),
                signed=signed,
                started=started,
                under_construction=started + timedelta(days=50),
                tranches=[(started + timedelta(days=10), funds)],
            )
        )
    for i, (contract, total, light, funds) in enumerate(STARTED_2017_SIGNED_2016):
        signed = date(2016, 1 + i % 9, 8 + i)
        started = date(2017, 1 + i % 9, 10 + i % 15)
        out.append(
            _illustrative(
                (LIGHT_INDUSTRIES if light else HEAVY_INDUSTRIES)[(i + 3) % 11],
                contract=contract,
                total=total,
                light=light,
                contact=signed - timedelta(days=100),
                negotiating=signed - timedelta(days=40),
                signed=signed,
                started=started,
                under_construction=started + timedelta(days=60) if i % 2 else None,
                tranches=[(_cap(started + timedelta(days=15), SEP_2017), funds)],
            )
        )
    for i, (contract, light) in enumerate(SIGNED_2016):
        signed = date(2016, 3 + i, 20)
        dropped = d("2017-04-20") if i == DROPPED_2016 else None
        out.append(
            _illustrative(
                (LIGHT_INDUSTRIES if light else HEAVY_INDUSTRIES)[(i + 6) % 11],
                contract=contract,
                total=contract,
                light=light,
                contact=signed - timedelta(days=90),
                negotiating=signed - timedelta(days=30),
                signed=signed,
                dropped=dropped,
                drop_reason="投资方资金链断裂，项目终止" if dropped else "",
            )
        )
    return out


# --- key projects -----------------------------------------------------------------------

#: City-level key projects of 2017: (total investment, annual plan 2017, completed in
#: 2017-01/2017-09, funds received in 2017-01/2017-09, funds received in 2016-01/2016-09 or
#: None when it started after 2016-09). The first eight started in 2014, the others in
#: 2016-10/2016-12.
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
CITY_KEY = [
    (150000, 70000, 56000, 15000, 12000), (120000, 60000, 48000, 12000, 10000),
    (110000, 55000, 44000, 11000, 9000), (95000, 48000, 38400, 10000, 8000),
    (90000, 45000, 36000, 9000, 7000), (85000, 42000, 33600, 8500, 7000),
    (80000, 40000, 32000, 8000, 6000), (70000, 35000, 28000, 7000, 5000),
    (65000, 35000, 28000, 6500, None), (50000, 25000, 20000, 5000, None),
    (40000, 20000, 16000, 4000, None), (28700, 15800, 12600, 2900, None),
]  # fmt: skip
#: Province-level key projects under construction: (total, funds 2017-01/09, funds 2016-01/09
#: or None); the first two started in 2014, the others in 2016-10/2016-12.
PROVINCE_KEY = [
    (200000, 12000, 10000),
    (180000, 10000, 9000),
    (160000, 9000, None),
    (140000, 8000, None),
    (120000, 7500, None),
    (100000, 6500, None),
]
#: City-level key projects that went into operation in 2016-11: (total, funds 2016-01/09).
DONE_KEY = [(60000, 18000), (45000, 12900), (30000, 9000)]
KEY_INDUSTRIES = [
    "C3825",
    "C3841",
    "C2761",
    "C3612",
    "C3463",
    "C3670",
    "C1353",
    "C3985",
    "M7320",
    "K7010",
    "D4416",
]


def _key(i: int, level: str, total: int, early: bool, funds_2017, funds_2016) -> P:
    if early:
        signed, started = date(2014, 3 + i % 4, 10), date(2014, 10 + i % 3, 15)
        building = d("2015-03-01")
    else:
        signed, started = date(2015, 10 + i % 3, 5 + i), date(2016, 10 + i % 3, 12 + i)
        building = d("2017-01-10")
    tranches = []
    if funds_2016:
        tranches.append((date(2016, 3 + i % 6, 15), funds_2016))
    if funds_2017:
        tranches.append((date(2017, 2 + i % 7, 15), funds_2017))
    return _illustrative(
        KEY_INDUSTRIES[i % len(KEY_INDUSTRIES)],
        contract=total,
        total=total,
        key=level,
        contact=signed - timedelta(days=180),
        negotiating=signed - timedelta(days=60),
        signed=signed,
        started=started,
        under_construction=building,
        tranches=tranches,
    )


def key_projects() -> tuple[list[P], list[tuple[int, int, list[int]]]]:
    """The key projects, and for the city-level ones of 2017 (same order): plan, completed."""
    out, plans = [], []
    for i, (total, plan, completed, f17, f16) in enumerate(CITY_KEY):
        out.append(_key(i, KeyLevel.CITY, total, i < 8, f17, f16))
        plans.append((plan, completed))
    for i, (total, f17, f16) in enumerate(PROVINCE_KEY):
        out.append(_key(i + 12, KeyLevel.PROVINCE, total, i < 2, f17, f16))
    for i, (total, f16) in enumerate(DONE_KEY):
        signed, started = date(2013, 4 + i, 10), date(2014, 5 + i, 10)
        out.append(
            _illustrative(
                KEY_INDUSTRIES[(i + 5) % 11],
                contract=total,
                total=total,
                key=KeyLevel.CITY,
                contact=signed - timedelta(days=120),
                negotiating=signed - timedelta(days=50),
                signed=signed,
                started=started,
                under_construction=started + timedelta(days=30),
                operating=date(2016, 11, 8 + 5 * i),
                tranches=[(date(2016, 4 + i, 20), f16)],
            )
        )
    return out, plans


# --- the rest of the pipeline: leads, negotiations, one dropped --------------------------


def pipeline() -> list[P]:
    return [
        _illustrative(
            "I6513",
            contract=None,
            total=None,
            contact=d("2017-09-06"),
            source="portal_consultation",
        ),
        _illustrative(
            "M7540", contract=None, total=None, contact=d("2017-09-18"), source="hotline"
        ),
        _illustrative("C3825", contract=None, total=None, contact=d("2017-08-22"), source="event"),
        _illustrative(
            "L7224", contract=8000, total=None, contact=d("2017-06-12"), negotiating=d("2017-09-20")
        ),
        _illustrative(
            "C3841",
            contract=120000,
            total=None,
            contact=d("2017-05-03"),
            negotiating=d("2017-08-01"),
        ),
        _illustrative(
            "L7281",
            contract=5000,
            total=None,
            contact=d("2017-01-20"),
            negotiating=d("2017-03-01"),
            dropped=d("2017-06-15"),
            drop_reason="投资方转投其他园区",
        ),
    ]
