"""The official layout of a Word report (specs/report-format.md, after GB/T 9704-2012).

``official_document()`` returns a python-docx Document set up as the spec says: A4, margins
37/35/28/26 mm, a 22 × 28 document grid with an exact 28.95 pt line pitch, styles whose East
Asian font is set (``w:eastAsia``) with the theme font attributes removed (Word would
otherwise use the theme's font for Chinese text), ``zh-CN`` as East Asian language, and
"— n —" page numbers in 宋体 四号, odd pages right and even pages left.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

PAGE = (Mm(210), Mm(297))
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
LINE_PITCH = 579  # twips: 28.95 pt, 22 lines in the 225 mm text block
CHARS_PER_LINE = 28
BODY_PT = 16
WESTERN = "Times New Roman"

#: style → (East Asian font, size in pt, bold, alignment, first-line indent in characters)
STYLES = {
    "Normal": ("仿宋_GB2312", BODY_PT, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "Title": ("方正小标宋简体", 22, False, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "Heading 1": ("黑体", BODY_PT, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "Heading 2": ("楷体_GB2312", BODY_PT, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "Heading 3": ("仿宋_GB2312", BODY_PT, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
}
FOOTER_FONT, FOOTER_PT = "宋体", 14


def char_space() -> int:
    """w:charSpace for 28 characters a line: the pitch's difference from the body font size,
    in 1/4096 pt (Word's unit)."""
    text_width_pt = (210 - 28 - 26) / 25.4 * 72
    return round((text_width_pt / CHARS_PER_LINE - BODY_PT) * 4096)


def set_fonts(rpr, east_asian: str, western: str = WESTERN) -> None:
    """The run properties' fonts: East Asian set, theme attributes removed; zh-CN language."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), western)
    fonts.set(qn("w:hAnsi"), western)
    fonts.set(qn("w:cs"), western)
    fonts.set(qn("w:eastAsia"), east_asian)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _style(document, name: str) -> None:
    font, size, bold, align, indent = STYLES[name]
    style = document.styles[name]
    rpr = style.element.get_or_add_rPr()
    for child in list(rpr):  # the default heading styles are blue, themed and bold
        rpr.remove(child)
    set_fonts(rpr, font)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    for tag in ("w:color",):
        for el in rpr.findall(qn(tag)):
            rpr.remove(el)
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "000000")
    rpr.append(color)
    pf = style.paragraph_format
    pf.alignment = align
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.keep_with_next = name.startswith("Heading")
    ppr = style.element.get_or_add_pPr()
    for el in ppr.findall(qn("w:spacing")) + ppr.findall(qn("w:ind")) + ppr.findall(qn("w:pBdr")):
        ppr.remove(el)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:before"), "0")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(LINE_PITCH))
    spacing.set(qn("w:lineRule"), "exact")
    ppr.append(spacing)
    ind = OxmlElement("w:ind")
    ind.set(qn("w:firstLineChars"), str(indent * 100))
    ind.set(qn("w:firstLine"), str(indent * size * 20))
    ppr.append(ind)


def _defaults(document) -> None:
    """docDefaults: the theme fonts go, so a run with no style still shows 仿宋."""
    styles = document.styles.element
    rpr = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is not None:
        # The grid's character pitch is counted from the default size (Word and LibreOffice
        # alike); at python-docx's 11 pt, LibreOffice gives each 16 pt character two cells.
        set_fonts(rpr, STYLES["Normal"][0])
        for tag in ("w:sz", "w:szCs"):
            size = rpr.find(qn(tag))
            if size is None:
                size = OxmlElement(tag)
                rpr.append(size)
            size.set(qn("w:val"), str(BODY_PT * 2))
    ppr = styles.find(qn("w:docDefaults") + "/" + qn("w:pPrDefault") + "/" + qn("w:pPr"))
    if ppr is not None:
        for el in ppr.findall(qn("w:spacing")):
            ppr.remove(el)
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), str(LINE_PITCH))
        spacing.set(qn("w:lineRule"), "exact")
        ppr.append(spacing)


def _grid(section) -> None:
    sect = section._sectPr
    for el in sect.findall(qn("w:docGrid")):
        sect.remove(el)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    grid.set(qn("w:charSpace"), str(char_space()))
    sect.append(grid)


def _page_number(paragraph) -> None:
    """ "— n —" with a PAGE field, 宋体 四号, half-width digits."""

    def run(text: str = ""):
        r = paragraph.add_run(text)
        r.font.size = Pt(FOOTER_PT)
        set_fonts(r._element.get_or_add_rPr(), FOOTER_FONT, FOOTER_FONT)
        return r

    run("— ")
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None)):
        r = run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._element.append(fld)
        else:
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = instr
            r._element.append(text)
    run("1")
    end = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._element.append(fld)
    run(" —")


def _footers(document, section) -> None:
    document.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        ppr = paragraph._p.get_or_add_pPr()
        ind = OxmlElement("w:ind")
        ind.set(qn(f"w:{side}Chars"), "100")  # one character in from the edge
        ind.set(qn(f"w:{side}"), str(FOOTER_PT * 20))
        ind.set(qn("w:firstLine"), "0")
        ppr.append(ind)
        _page_number(paragraph)
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False


def official_document():
    """An empty document in the official layout."""
    document = Document()
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = PAGE
    section.top_margin = MARGINS["top"]
    section.bottom_margin = MARGINS["bottom"]
    section.left_margin = MARGINS["left"]
    section.right_margin = MARGINS["right"]
    section.header_distance = Mm(15)
    # The number's line (about 5 mm) starts 7 mm below the text block, which ends 35 mm up.
    section.footer_distance = Mm(23)
    _defaults(document)
    for name in STYLES:
        _style(document, name)
    _grid(section)
    _footers(document, section)
    return document


def for_libreoffice(content: bytes) -> bytes:
    """The Word file as LibreOffice should convert it to PDF.

    LibreOffice's character grid gives a character wider than the grid's pitch two cells,
    where Word squeezes it into one: 16 pt characters on the 15.79 pt pitch of 28 a line come
    out 14 a line. For the conversion, the grid snaps lines only and the text styles are
    condensed by 0.25 pt a character, which puts 28 characters on a line as Word does.
    """
    document = Document(io.BytesIO(content))
    for section in document.sections:
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is not None:
            grid.set(qn("w:type"), "lines")
            grid.attrib.pop(qn("w:charSpace"), None)
    for name in STYLES:
        rpr = document.styles[name].element.get_or_add_rPr()
        for el in rpr.findall(qn("w:spacing")):
            rpr.remove(el)
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), "-5")
        rpr.append(spacing)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
