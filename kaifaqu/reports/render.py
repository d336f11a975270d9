"""A draft as a Word file (review or final copy), a PDF, or paragraphs for its page.

Everything is rendered from the template version the draft used and the values it stored,
so a draft's files do not change when the data does; a redraft makes a new draft. A block
edited on the draft's page is written into those values, so the page, the Word and the PDF
print the same text.
"""

from __future__ import annotations

import base64
import copy
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse

from kaifaqu.core.periods import label_zh, parse

from . import charts, layout, pdf, word
from .models import Draft


def figure_path(entry: dict[str, Any]) -> str:
    """The figure page of a placeholder's figure (metrics:detail)."""
    query = urlencode({"metric": entry["metric"], "org": entry["org"], "period": entry["period"]})
    return f"{reverse('metrics:detail')}?{query}"


def base_url() -> str:
    return settings.KAIFAQU_SITE_URL or "http://localhost:8000"


def marked(draft: Draft) -> bytes:
    return word.render_marked(bytes(draft.template.content), draft.values)


def notes(draft: Draft) -> list[str]:
    """What the review copy appends: the figures not printed and why, and which figures
    include estimates (预计)."""
    lines = []
    for item in draft.missing:
        lines.append(f"〔待核〕{item.get('name') or ''} {item['placeholder']}：{item['reason']}")
    estimates = sorted(
        {
            (e["name"], e["period"])
            for e in draft.values.values()
            if e.get("status") == "estimate" and e.get("metric")
        }
    )
    for name, period in estimates:
        lines.append(f"〔预计〕{name}（{label_zh(parse(period))}）含预计数。")
    return lines


def docx(draft: Draft, *, review: bool, base: str | None = None) -> bytes:
    """The Word file: the review copy links each figure to its page (absolute URL from
    ``base`` or settings.KAIFAQU_SITE_URL) and lists what is missing; the final has no links."""
    root = (base or base_url()).rstrip("/")
    return word.finish(
        marked(draft),
        draft.values,
        link=(lambda entry: root + figure_path(entry)) if review else None,
        chart_png=charts.png,
        notes=notes(draft) if review else None,
        highlight=set(draft.changed) if review else frozenset(),
    )


def pdf_bytes(draft: Draft) -> bytes:
    """The final copy as PDF (raises pdf.PdfUnavailable without LibreOffice)."""
    return pdf.convert(layout.for_libreoffice(docx(draft, review=False)))


def _paragraphs(draft: Draft) -> list[dict[str, Any]]:
    """The filled template's paragraphs. A draft's figures never change (a redraft is a new
    draft) and its blocks only by an edit, so they are rendered once per content and kept in
    the cache rather than on every view of the page."""
    key = f"kaifaqu:report-paragraphs:{draft.pk}:{draft.content_key}"
    found = cache.get(key)
    if found is None:
        found = word.paragraphs(marked(draft), draft.values)
        cache.set(key, found, timeout=24 * 3600)
    return found


def page(draft: Draft, base: str = "") -> list[dict[str, Any]]:
    """The draft's paragraphs for a page: each figure with its link (``base`` + the figure
    page), whether it is an estimate, missing, or changed since the previous draft."""
    changed = set(draft.changed)
    paragraphs = copy.deepcopy(_paragraphs(draft))
    for paragraph in paragraphs:
        for segment in paragraph["segments"]:
            entry = segment.get("entry") or {}
            if segment["kind"] == "figure" and entry.get("metric"):
                segment["url"] = base + figure_path(entry)
                segment["changed"] = entry.get("call_key") in changed
                segment["estimate"] = entry.get("status") == "estimate"
                segment["missing"] = entry.get("missing", "")
            elif segment["kind"] == "chart":
                segment["id"] = word.short_id(entry.get("call_key", ""))
    return paragraphs


def standalone_html(draft: Draft, base: str | None = None) -> str:
    """The draft as one HTML file (the command's --format html), links absolute."""
    paragraphs = page(draft, (base or base_url()).rstrip("/"))
    for paragraph in paragraphs:  # no ECharts in a file: the chart as Word shows it
        for segment in paragraph["segments"]:
            spec = (segment.get("entry") or {}).get("chart")
            if segment["kind"] == "chart" and spec:
                segment["png"] = base64.b64encode(charts.png(spec)).decode()
    return render_to_string(
        "reports/draft_document.html", {"draft": draft, "paragraphs": paragraphs}
    )


def text(draft: Draft) -> str:
    return word.plain_text(marked(draft))
