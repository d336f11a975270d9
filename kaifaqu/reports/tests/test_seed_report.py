"""Acceptance: the demo draft for 德州经济技术开发区, 2017-01/2017-09, reproduces the seed's
profile paragraph and section (二) sentence by sentence, with every number of
shared/seed/figures.tsv S001–S074 equal to the seed's.

The seed's ASCII punctuation is compared in its full-width form (specs/report-format.md).
Where the draft words a figure otherwise than the seed, DIFFERENCES names it, its row and why;
nothing else may differ.

The seed lies beside the repository (``../shared/seed``, or ``$KAIFAQU_SHARED_DIR/seed``); on a
fresh clone without it the tests that read it skip, and fail under ``KAIFAQU_REQUIRE_ALL=1``
(CI, which has it).
"""

from __future__ import annotations

import csv
import re

import pytest

from kaifaqu.core.numbers import to_fullwidth_punct
from kaifaqu.core.testing import require_seed
from kaifaqu.reports import render
from kaifaqu.reports.demo_template import SEED_BLOCKS
from kaifaqu.reports.services import draft_create

from .conftest import PERIOD

#: (the seed's words, the draft's words, figures.tsv rows, why they differ)
DIFFERENCES = [
    (
        "同比增长8%",
        "同比增长8.0%",
        "S012",
        "rates keep one decimal (NBS usage); the seed writes 8%",
    ),
    ("、增长72%", "、增长72.0%", "S021", "one decimal; the seed writes 72%"),
    ("、29%", "、29.0%", "S027", "one decimal; the seed writes 29%"),
    ("38.8%", "38.9%", "S029", "half up: 50 / 36 − 1 = 38.89%; the seed truncates to 38.8%"),
    ("新引进40余个", "新引进42个", "S039", "the ledger counts 42 projects; the seed says over 40"),
    ("与去年同期基本持平", "与去年同期持平", "S035", "growth 0.0% prints 持平; 基本 is a hedge"),
    ("与去年基本持平", "与去年持平", "S070", "no change prints 持平; 基本 is a hedge"),
    ("显着", "显著", "-", "the seed's variant character in 成效显著"),
]

#: Rows no metric keeps: people shortlisted or selected by programmes above the zone (the
#: talent ledger holds them, but no metric counts one programme), the city's first listing
#: (首家, an ordinal among the city's enterprises) and the city's only provincial project
#: (唯一一个): the demo's narrative blocks hold the seed's sentences.
FROM_BLOCKS = {"S046", "S047", "S048", "S056", "S060"}

#: How the draft prints a row's value where it is not the value column as written.
PRINTED = {
    "S010": "30万人",
    "S012": "增长8.0%",
    "S014": "2.4:60.6:37",
    "S021": "增长72.0%",
    "S024": "居全市首位",
    "S027": "29.0%",
    "S029": "增长38.9%",
    "S031": "增长327%",
    "S035": "持平",
    "S039": "42个",
    "S051": "列全市第2位",
    "S070": "持平",
}


def seed_text() -> str:
    (path,) = require_seed().glob("000_*.txt")
    return path.read_text(encoding="utf-8")


def as_drafted(text: str) -> str:
    text = to_fullwidth_punct(text)
    for seed, drafted, _rows, _why in DIFFERENCES:
        text = text.replace(seed, drafted)
    return text


def profile_and_section_2() -> tuple[str, str]:
    text = seed_text()
    profile = re.search(r"1998年启动建设.*?节能环保产业基地。", text, re.S).group()
    section = re.search(r"\(二\)经济发展提速提效。.*?发展活力区域”。", text, re.S).group()
    return as_drafted(profile), as_drafted(section)


def sentences(text: str) -> list[str]:
    return [s for s in re.findall(r"[^。；]+[。；]?", text) if s.strip()]


def figure_rows() -> list[dict[str, str]]:
    with open(require_seed() / "figures.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [r for r in rows if "S001" <= r["id"] <= "S074"]


@pytest.fixture
def draft(demo, progress):
    return draft_create(actor=None, report_type=progress, org_unit=demo.zone, period=PERIOD)


@pytest.fixture
def drafted(draft):
    return render.text(draft).replace("\n", "")


def test_the_draft_prints_every_figure_and_block(draft, drafted):
    assert draft.missing == []
    assert "〔" not in drafted  # no 〔缺数〕, 〔待填写〕
    assert drafted.startswith("德州经济技术开发区2017年前三季度工作进展情况")


def test_the_profile_paragraph_sentence_by_sentence(drafted):
    profile, _section = profile_and_section_2()
    for sentence in sentences(profile):
        assert sentence in drafted


def test_section_2_sentence_by_sentence(drafted):
    _profile, section = profile_and_section_2()
    found = sentences(section)
    assert len(found) == 27
    for sentence in found:
        assert sentence in drafted


def test_every_difference_from_the_seed_is_named(drafted):
    raw = to_fullwidth_punct(seed_text())
    for seed, printed, _rows, _why in DIFFERENCES:
        assert seed in raw
        assert printed in drafted
        assert seed not in drafted


#: The same differences where figures.tsv quotes the figure without the words around it.
FRAGMENT_DIFFERENCES = {"S021": ("增长72%", "增长72.0%"), "S027": ("29%", "29.0%")}


def test_every_seed_figure_s001_s074_is_in_the_draft(draft, drafted):
    """Each figure of S001–S074: its fragment is in the draft, and (unless a narrative block
    holds it) a placeholder printed its value. All rows are checked; the failures are named."""
    texts = [entry["text"] for entry in draft.values.values()]
    failures = []
    for row in figure_rows():
        fragment = as_drafted(row["fragment"])
        if row["id"] in FRAGMENT_DIFFERENCES:
            fragment = fragment.replace(*FRAGMENT_DIFFERENCES[row["id"]])
        pieces = fragment.split("…")
        failures += [(row["id"], piece) for piece in pieces if piece not in drafted]
        if row["id"] in FROM_BLOCKS:
            if not all(any(p in text for text in SEED_BLOCKS.values()) for p in pieces):
                failures.append((row["id"], "not in a block"))
            continue
        printed = PRINTED.get(row["id"], row["value"])
        if not any(printed in text for text in texts):
            failures.append((row["id"], f"no placeholder printed {printed}"))
    assert failures == []


def test_every_row_is_covered():
    assert [r["id"] for r in figure_rows()] == [f"S{n:03d}" for n in range(1, 75)]


def test_estimates_are_marked_預计(draft):
    estimates = {e["metric"] for e in draft.values.values() if e.get("status") == "estimate"}
    assert estimates == {"gdp", "industrial_va", "financing_indirect", "financing_direct"}
    est = [e for e in draft.values.values() if e.get("show") == "est"]
    assert {e["text"] for e in est} == {"预计"}
