"""The Word file of the demo draft, opened with python-docx: the official layout, the fonts
of title, headings and body, page-number footers, a bookmark per figure, links only in the
review copy, and the chart as a 300 dpi picture."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image
from docx.oxml.ns import qn

from kaifaqu.reports import render
from kaifaqu.reports.drafting import bookmark_name
from kaifaqu.reports.services import draft_create

from .conftest import PERIOD

BASE = "https://kaifaqu.example.cn"


@pytest.fixture
def draft(demo, progress):
    return draft_create(actor=None, report_type=progress, org_unit=demo.zone, period=PERIOD)


@pytest.fixture
def review(draft):
    return Document(io.BytesIO(render.docx(draft, review=True, base=BASE)))


@pytest.fixture
def final(draft):
    return Document(io.BytesIO(render.docx(draft, review=False)))


def fonts(style) -> dict[str, str]:
    rfonts = style.element.rPr.find(qn("w:rFonts"))
    return {k.split("}")[1]: v for k, v in rfonts.attrib.items()}


def test_page_size_and_margins(final):
    (section,) = final.sections
    mm = {
        name: round(getattr(section, name).mm, 1)
        for name in (
            "page_width",
            "page_height",
            "top_margin",
            "bottom_margin",
            "left_margin",
            "right_margin",
        )
    }
    assert mm == {
        "page_width": 210,
        "page_height": 297,
        "top_margin": 37,
        "bottom_margin": 35,
        "left_margin": 28,
        "right_margin": 26,
    }


def test_document_grid_22_lines_of_28_characters(final):
    grid = final.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert grid.get(qn("w:linePitch")) == "579"
    # 156 mm / 28 characters = 15.793 pt a character: 16 pt − 0.207 pt, in 1/4096 pt.
    assert grid.get(qn("w:charSpace")) == "-848"
    body = final.styles["Normal"].element.pPr.find(qn("w:spacing"))
    assert (body.get(qn("w:line")), body.get(qn("w:lineRule"))) == ("579", "exact")


@pytest.mark.parametrize(
    ("style", "east_asian", "size"),
    [
        ("Title", "方正小标宋简体", 22),
        ("Heading 1", "黑体", 16),
        ("Heading 2", "楷体_GB2312", 16),
        ("Normal", "仿宋_GB2312", 16),
    ],
)
def test_east_asian_fonts_of_title_headings_and_body(final, style, east_asian, size):
    found = final.styles[style]
    attrs = fonts(found)
    assert attrs["eastAsia"] == east_asian
    assert "eastAsiaTheme" not in attrs
    assert "asciiTheme" not in attrs
    assert found.font.size.pt == size
    lang = found.element.rPr.find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    assert found.element.rPr.find(qn("w:color")).get(qn("w:val")) == "000000"


def test_title_centred_body_indented_two_characters(final):
    title = final.paragraphs[0]
    assert title.style.name == "Title"
    assert title.text == "德州经济技术开发区\n2017年前三季度工作进展情况"
    assert final.styles["Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    ind = final.styles["Normal"].element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    headings = [
        (p.style.name, p.text) for p in final.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings[:3] == [
        ("Heading 1", "一、基本情况"),
        ("Heading 1", "二、主要工作进展"),
        ("Heading 2", "（一）协同发展体制机制日趋成熟。"),
    ]


def test_page_numbers_odd_right_even_left(final):
    settings = final.settings.element
    assert settings.find(qn("w:evenAndOddHeaders")) is not None
    section = final.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        (paragraph,) = footer.paragraphs
        assert paragraph.alignment == align
        assert paragraph.text == "— 1 —"  # the PAGE field's cached result
        instr = [t.text for t in paragraph._p.iter(qn("w:instrText"))]
        assert instr == [" PAGE "]
        run = paragraph.runs[0]
        assert run.font.size.pt == 14
        assert run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"


def test_every_figure_has_a_bookmark_named_after_it(draft, final):
    names = [b.get(qn("w:name")) for b in final.element.body.iter(qn("w:bookmarkStart"))]
    figures = [
        e for e in draft.values.values() if e["call"] == "f" and e["show"] not in ("est", "name")
    ]
    assert len(names) == len(set(names)) == 59
    assert all(len(n) <= 40 and n[0].isalpha() for n in names)
    assert "gdp_371471_2017_01_2017_09_value" in names
    assert {e["bookmark"] for e in figures} <= set(names)


def test_bookmark_names_follow_word_rules():
    assert bookmark_name("gdp.371471.2017-01_2017-09_growth") == "gdp_371471_2017_01_2017_09_growth"
    long = bookmark_name("key_projects_completed_investment.371471.2017-01_2017-09_progress")
    assert len(long) == 40
    assert long.startswith("key_projects_completed_investme_")
    assert bookmark_name("1x") == "f_1x"


def test_the_review_copy_links_each_figure_to_its_page(draft, review):
    links = list(review.element.body.iter(qn("w:hyperlink")))
    assert len(links) == 59
    targets = {review.part.rels[link.get(qn("r:id"))].target_ref for link in links}
    assert (
        f"{BASE}/backoffice/figures/figure/?metric=gdp&org=371471&period=2017-01%2F2017-09"
        in targets
    )
    gdp = next(link for link in links if "".join(t.text for t in link.iter(qn("w:t"))) == "185亿元")
    assert gdp.getprevious().get(qn("w:name")) == "gdp_371471_2017_01_2017_09_value"


def test_the_final_copy_has_no_links(final):
    assert list(final.element.body.iter(qn("w:hyperlink"))) == []
    assert not [r for r in final.part.rels.values() if r.is_external]


def test_the_chart_is_a_300_dpi_picture(final):
    (shape,) = final.inline_shapes
    blob = final.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
    image = Image.from_blob(blob)
    assert (image.content_type, image.horz_dpi, image.vert_dpi) == ("image/png", 300, 300)


def test_the_word_text_is_the_drafted_text(draft, final):
    text = "\n".join(p.text for p in final.paragraphs)
    assert text.replace("\n", "") == render.text(draft).replace("\n", "")


def test_figures_in_a_footer_are_filled_and_bookmarked(demo, progress):
    from docx import Document as New

    from kaifaqu.reports.services import template_upload

    document = New()
    document.add_paragraph('地区生产总值{{ f("gdp", "value") }}')
    document.sections[0].footer.paragraphs[0].add_run('{{ org() }}：{{ f("gdp", "growth") }}')
    out = io.BytesIO()
    document.save(out)
    template_upload(actor=None, report_type=progress, content=out.getvalue(), filename="t.docx")
    draft = draft_create(actor=None, report_type=progress, org_unit=demo.zone, period=PERIOD)
    word = Document(io.BytesIO(render.docx(draft, review=True, base=BASE)))
    footer = word.sections[0].footer
    assert footer.paragraphs[0].text == "德州经济技术开发区：增长8.0%"
    names = [b.get(qn("w:name")) for b in footer._element.iter(qn("w:bookmarkStart"))]
    assert names == ["gdp_371471_2017_01_2017_09_growth"]
    assert word.paragraphs[0].text == "地区生产总值185亿元"
