"""Names compared as people mean them: the duplicate check's view of a name."""

import pytest

from kaifaqu.enterprises.names import SIMILAR, normalise, similar, similarity


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("杭州锣卜科技有限公司", "锣卜科技"),
        ("锣卜科技（杭州）有限公司", "锣卜科技"),
        ("杭州 锣卜科技 有限公司", "锣卜科技"),
        ("奥冠电池项目", "奥冠电池"),
        ("山东德州扒鸡股份有限公司", "德州扒鸡"),
        ("ＡＢＣ Co., Ltd.", "abc"),
        ("德州", "德州"),  # nothing left after a place name: kept
    ],
)
def test_normalise(name, normalised):
    assert normalise(name) == normalised


def test_the_threshold_separates_typos_from_other_names():
    assert SIMILAR == 0.85
    assert similarity("锣卜科技新能源", "锣卜科技能源") == pytest.approx(12 / 13)
    assert similar("青岛华高石墨烯科技有限公司", "青岛华高墨烯科技有限公司")
    assert not similar("华高石墨烯", "华丰石墨")  # 0.67
    assert not similar("德州凯旺新能源汽车有限公司", "凯旺新能源")  # 0.83
    assert similarity("", "锣卜科技") == 0.0
    assert similarity("甲", "甲乙丙丁戊己庚辛") == 0.0  # lengths too far apart to be alike
