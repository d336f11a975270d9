"""Rendering a draft: the template filled (docxtpl), then each figure bookmarked (and, in
the review copy, linked to its figure page), narrative blocks laid out as paragraphs and
charts placed as pictures; and the same filled document read back as paragraphs for the page.

Placeholders render to text wrapped in private-use characters that say what the text is (a
figure, a block, a chart) and which placeholder printed it. The second step finds them in the
runs and replaces them with Word's own elements, so the template language stays plain
``{{ f("gdp", "value") }}`` with no XML in the template.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
from collections.abc import Callable
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from docxtpl import DocxTemplate

from .checker import CURLY_QUOTES, parts_of
from .vocabulary import call_key

FIG, SEP, END, BLOCK, BLOCK_END, CHART = "\ue000", "\ue001", "\ue002", "\ue003", "\ue004", "\ue005"
MARKS = re.compile(
    f"{FIG}([0-9a-f]+){SEP}(.*?){END}|{BLOCK}([0-9a-f]+){SEP}(.*?){BLOCK_END}|{CHART}([0-9a-f]+){END}",
    re.S,
)
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.S)
#: Shows that print words, not a number: no bookmark, no link.
_WORDS = ("est", "name")
_BREAK = object()
CHART_WIDTH = Mm(140)


def short_id(key: str) -> str:
    return hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:12]


class _Template(DocxTemplate):
    def patch_xml(self, src_xml: str) -> str:
        # Word's AutoFormat turns typed quotes into curly ones; the checker reads them as
        # straight, so the render must too.
        xml = super().patch_xml(src_xml)
        return _PLACEHOLDER.sub(lambda m: m.group().translate(CURLY_QUOTES), xml)


def render_marked(content: bytes, values: dict[str, dict[str, Any]]) -> bytes:
    """The template filled with the draft's values, figures and blocks still marked."""

    def function(name: str) -> Callable[..., str]:
        def call(*args, **kwargs) -> str:
            key = call_key(name, args, kwargs)
            entry = values.get(key)
            if entry is None:  # a template changed under a draft: never print a guess
                return "〔?〕"
            text = entry["text"]
            if name == "f" and entry.get("show") not in _WORDS:
                return f"{FIG}{short_id(key)}{SEP}{text}{END}"
            if name == "block":
                return f"{BLOCK}{short_id(key)}{SEP}{text}{BLOCK_END}"
            if name == "chart":
                return f"{CHART}{short_id(key)}{END}"
            return text

        return call

    template = _Template(io.BytesIO(content))
    context = {name: function(name) for name in ("f", "fact", "units", "period", "org", "block")}
    context["chart"] = function("chart")
    template.render(context, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def by_short_id(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {short_id(k): {**v, "call_key": k} for k, v in values.items()}


def finish(
    marked: bytes,
    values: dict[str, dict[str, Any]],
    *,
    link: Callable[[dict[str, Any]], str] | None = None,
    chart_png: Callable[[dict[str, Any]], bytes] | None = None,
    notes: list[str] | None = None,
    highlight: set[str] | frozenset[str] = frozenset(),
) -> bytes:
    """The Word file: figures bookmarked (linked when ``link`` gives their URL), blocks as
    paragraphs, charts as pictures, the figures whose keys are in ``highlight`` highlighted,
    and ``notes`` (what could not be printed) at the end."""
    document = Document(io.BytesIO(marked))
    entries = by_short_id(values)
    state = {"bookmark": 0, "names": set(), "highlight": highlight}
    body = document.element.body
    for root in parts_of(document):
        # Links and pictures belong to the body's part; a header or footer gets bookmarks.
        in_body = root is body
        for p in list(root.iter(qn("w:p"))):
            for r in list(p.iter(qn("w:r"))):
                texts = r.findall(qn("w:t"))
                text = "".join(t.text or "" for t in texts)
                if not MARKS.search(text):
                    continue
                items = _items(
                    document,
                    p,
                    r,
                    text,
                    entries,
                    state,
                    link if in_body else None,
                    chart_png if in_body else None,
                )
                _replace(p, r, items)
    for line in notes or []:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _plain_run(r, text: str):
    run = copy.deepcopy(r)
    for child in list(run):
        if child.tag != qn("w:rPr"):
            run.remove(child)
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    return run


def _text_items(r, text: str) -> list:
    items: list = []
    for i, line in enumerate(text.split("\n")):
        if i:
            items.append(_BREAK)
        if line:
            items.append(_plain_run(r, line))
    return items


def _items(document, p, r, text, entries, state, link, chart_png) -> list:
    items: list = []
    at = 0
    for m in MARKS.finditer(text):
        items += _text_items(r, text[at : m.start()])
        at = m.end()
        if m.group(1):
            entry = entries.get(m.group(1), {})
            items += _figure(document, r, m.group(2), entry, state, link)
        elif m.group(3):
            items += _text_items(r, m.group(4))
        else:
            entry = entries.get(m.group(5), {})
            spec = entry.get("chart")
            if spec and chart_png is not None:
                run = _plain_run(r, "")
                Run(run, Paragraph(p, document._body)).add_picture(
                    io.BytesIO(chart_png(spec)), width=CHART_WIDTH
                )
                _centre(p)
                items.append(run)
            elif not spec:
                items.append(_plain_run(r, f"〔缺图：{entry.get('name', '')}〕"))
    items += _text_items(r, text[at:])
    return items


def _figure(document, r, text, entry, state, link) -> list:
    run = _plain_run(r, text)
    if entry.get("call_key") in state["highlight"]:
        _mark(run)
    name = entry.get("bookmark") or "figure"
    base, n = name, 1
    while name in state["names"]:
        n += 1
        suffix = f"_{n}"
        name = base[: 40 - len(suffix)] + suffix
    state["names"].add(name)
    state["bookmark"] += 1
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(state["bookmark"]))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(state["bookmark"]))
    inner = run
    url = link(entry) if link and entry.get("metric") else ""
    if url:
        rid = document.part.relate_to(url, RT.HYPERLINK, is_external=True)
        inner = OxmlElement("w:hyperlink")
        inner.set(qn("r:id"), rid)
        inner.set(qn("w:history"), "1")
        rpr = run.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            run.insert(0, rpr)
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "dotted")
        rpr.append(underline)
        inner.append(run)
    return [start, inner, end]


def _mark(run) -> None:
    """Word's yellow highlight: the figure changed since the previous draft."""
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        run.insert(0, rpr)
    mark = OxmlElement("w:highlight")
    mark.set(qn("w:val"), "yellow")
    rpr.append(mark)


def _centre(p) -> None:
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        p.insert(0, ppr)
    for old in ppr.findall(qn("w:jc")) + ppr.findall(qn("w:ind")):
        ppr.remove(old)
    jc = OxmlElement("w:jc")
    jc.set(qn("w:val"), "center")
    ppr.append(jc)


def _replace(p, r, items: list) -> None:
    """Put ``items`` where run ``r`` was; each _BREAK starts a new paragraph formatted like
    ``p``, which takes the runs that followed ``r``."""
    parent = r.getparent()
    at = parent.index(r)
    parent.remove(r)
    if parent is not p:  # a run inside a hyperlink or field: keep it on one line
        for item in items:
            if item is not _BREAK:
                parent.insert(at, item)
                at += 1
        return
    tail = list(p)[at:]
    current = p
    for item in items:
        if item is _BREAK:
            new = OxmlElement("w:p")
            ppr = p.find(qn("w:pPr"))
            if ppr is not None:
                new.append(copy.deepcopy(ppr))
            current.addnext(new)
            current, at = new, len(new)
        else:
            current.insert(at, item)
            at += 1
    if current is not p:
        for el in tail:
            current.append(el)


# -- the page --------------------------------------------------------------------------------


def paragraphs(marked: bytes, values: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The filled document as paragraphs of segments, for the HTML view: text, figures (with
    their entry), blocks (editable) and charts. A paragraph that is only a block is the block."""
    document = Document(io.BytesIO(marked))
    entries = by_short_id(values)
    out: list[dict[str, Any]] = []
    for paragraph in document.paragraphs:
        text = paragraph.text
        if not text.strip():
            continue
        segments: list[dict[str, Any]] = []
        at = 0
        for m in MARKS.finditer(text):
            if m.start() > at:
                segments.append({"kind": "text", "text": text[at : m.start()]})
            at = m.end()
            if m.group(1):
                segments.append(
                    {"kind": "figure", "text": m.group(2), "entry": entries.get(m.group(1), {})}
                )
            elif m.group(3):
                entry = entries.get(m.group(3), {})
                segments.append(
                    {
                        "kind": "block",
                        "key": entry.get("key", ""),
                        "text": m.group(4),
                        "entry": entry,
                    }
                )
            else:
                segments.append({"kind": "chart", "entry": entries.get(m.group(5), {})})
        if at < len(text):
            segments.append({"kind": "text", "text": text[at:]})
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        alone = [s for s in segments if s["kind"] != "text" or s["text"].strip()]
        kind = (
            alone[0]["kind"] if len(alone) == 1 and alone[0]["kind"] in ("block", "chart") else ""
        )
        out.append({"style": _css(style), "segments": segments, "only": kind})
    return out


def _css(style: str) -> str:
    return {"Title": "title", "Heading 1": "h1", "Heading 2": "h2", "Heading 3": "h3"}.get(
        style, "body"
    )


def plain_text(marked: bytes) -> str:
    """The filled document's text without marks, a paragraph a line (for tests and search)."""
    document = Document(io.BytesIO(marked))
    lines = []
    for paragraph in document.paragraphs:
        text = MARKS.sub(lambda m: m.group(2) or m.group(4) or "", paragraph.text)
        lines.extend(text.split("\n"))
    return "\n".join(lines)
