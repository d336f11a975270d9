"""The talent programmes and awards the demo enters: the seed's counts, illustrative names."""

from __future__ import annotations

from decimal import Decimal

from ..models import TalentLevel
from .projects import SEED

PROGRAMMES = [
    ("anlan", "安澜产业领军人才", TalentLevel.ZONE, SEED),
    ("taishan", "泰山产业领军人才", TalentLevel.PROVINCE, SEED),
    (
        "western_uplift",
        "西部经济隆起带和省扶贫开发重点区域引进人才项目",
        TalentLevel.PROVINCE,
        SEED,
    ),
    ("qilu_chief_technician", "齐鲁首席技师", TalentLevel.PROVINCE, SEED),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林"
#: 评选首批16名安澜产业领军人才 (announced 2017-05-26, illustrative date); subsidies 382.4万元:
#: twelve of 24万元 and four of 23.6万元 (the split is illustrative).
ANLAN = [(f"{s}某", Decimal("24") if i < 12 else Decimal("23.6")) for i, s in enumerate(SURNAMES)]
#: 1人进入泰山产业领军人才考察范围, 2人入选西部经济隆起带…人才项目, 1人入选齐鲁首席技师.
OTHER_AWARDS = [
    ("taishan", "郑某", "shortlisted", "2017-04-10"),
    ("western_uplift", "何某", "selected", "2017-06-15"),
    ("western_uplift", "罗某", "selected", "2017-06-15"),
    ("qilu_chief_technician", "马某", "selected", "2017-08-20"),
]
