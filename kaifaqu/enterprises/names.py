"""Names of enterprises and projects compared as people mean them, not as they are typed.

"杭州锣卜科技有限公司", "杭州锣卜科技 有限公司" and "锣卜科技(杭州)有限公司" name one investor; a
duplicate check that compared the raw text would let all three in. ``normalise`` drops what
does not tell enterprises apart (spaces, punctuation, brackets, legal-form suffixes, a leading
place name) and ``similarity`` compares what is left.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

#: Legal-form and filler words, longest first so that 有限责任公司 goes before 有限公司.
_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "股份公司",
    "分公司",
    "总公司",
    "公司",
    "集团",
    "项目",
    "有限",
    "limited",
    "ltd",
    "co",
    "inc",
    "corp",
)
#: Provinces and cities a name often starts with; only the start is dropped, and only when
#: something is left after it.
_PLACES = (
    "山东省",
    "山东",
    "德州市",
    "德州",
    "杭州市",
    "杭州",
    "青岛市",
    "青岛",
    "北京市",
    "北京",
    "上海市",
    "上海",
    "济南市",
    "济南",
    "天津市",
    "天津",
    "深圳市",
    "深圳",
    "浙江省",
    "浙江",
    "江苏省",
    "江苏",
    "广东省",
    "广东",
)
_BRACKETED = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)

#: Two names at least this similar (0–1, difflib's ratio on the normalised names) are taken
#: for the same. 0.85 lets through one changed character in a name of seven or more (“锣卜科技
#: 新能源” against “锣卜科技能源”: 0.92) and stops names sharing only a generic part (“华高石墨烯”
#: against “华丰石墨”: 0.67).
SIMILAR = 0.85
#: Below this no caller cares how alike two names are; similarity() answers 0 without
#: comparing them.
SIMILAR_FLOOR = 0.5


@lru_cache(maxsize=4096)
def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _BRACKETED.sub("", text)
    text = _NOISE.sub("", text)
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)], True
    for place in _PLACES:
        if text.startswith(place) and len(text) > len(place) + 1:
            text = text[len(place) :]
            break
    return text


def similarity(a: str, b: str) -> float:
    """0–1: how alike two names are once normalised (1 for the same normalised name)."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    # The ratio is at most 2·min/(la+lb): names of very different lengths cannot be alike.
    if 2 * min(len(na), len(nb)) / (len(na) + len(nb)) < SIMILAR_FLOOR:
        return 0.0
    return SequenceMatcher(None, na, nb, autojunk=False).ratio()


def similar(a: str, b: str, threshold: float = SIMILAR) -> bool:
    return similarity(a, b) >= threshold
