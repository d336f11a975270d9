"""Reads of the reports package."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kaifaqu.core.periods import Period, PeriodError, parse

from .models import Draft, NarrativeBlock, ReportTemplate, ReportType


def report_type_list() -> QuerySet[ReportType]:
    return ReportType.objects.select_related("department").order_by("code")


def template_list(report_type: ReportType) -> QuerySet[ReportTemplate]:
    """The type's template versions, newest first, without their content."""
    return report_type.templates.defer("content").select_related("uploaded_by").order_by("-version")


def current_template(report_type: ReportType) -> ReportTemplate | None:
    return report_type.templates.order_by("-version").first()


def block_versions(report_type: ReportType, org_unit, period: str, key: str):
    return (
        NarrativeBlock.objects.filter(
            report_type=report_type, org_unit=org_unit, period=period, key=key
        )
        .select_related("saved_by")
        .order_by("-version")
    )


def current_blocks(report_type: ReportType, org_unit, period: str) -> dict[str, dict[str, Any]]:
    """Each block's current text and version for a type, unit and period (one query)."""
    out: dict[str, dict[str, Any]] = {}
    rows = NarrativeBlock.objects.filter(
        report_type=report_type, org_unit=org_unit, period=period
    ).order_by("key", "-version")
    for key, version, text in rows.values_list("key", "version", "text"):
        out.setdefault(key, {"text": text, "version": version})
    return out


def draft_block_keys(draft: Draft) -> set[str]:
    """The keys of the blocks a draft prints."""
    return {e["key"] for e in draft.values.values() if e.get("call") == "block" and e.get("key")}


def stale_blocks(draft: Draft, blocks: dict[str, dict[str, Any]]) -> list[str]:
    """The blocks the draft prints whose current version (``blocks``, from ``current_blocks``)
    is not the one in the draft: written since, elsewhere (another draft's page, a carry-over).
    The draft's files lag behind them until they are applied or the report is redrafted."""
    return sorted(
        key
        for key in draft_block_keys(draft)
        if blocks.get(key, {}).get("version", 0) != draft.blocks.get(key, {}).get("version", 0)
    )


def draft_list(report_type: ReportType) -> QuerySet[Draft]:
    return (
        report_type.drafts.select_related("org_unit", "created_by")
        .defer("values", "blocks")
        .order_by("-created_at", "-pk")
    )


def latest_draft(report_type: ReportType, org_unit, period: str) -> Draft | None:
    return (
        Draft.objects.filter(report_type=report_type, org_unit=org_unit, period=period)
        .order_by("-number")
        .first()
    )


def earlier_block_period(report_type: ReportType, org_unit, period: Period) -> str | None:
    """The latest period before ``period`` (by its last month) with blocks written for this
    type and unit: what a new quarter's report starts from."""
    best: tuple[tuple[int, int], str] | None = None
    texts = (
        NarrativeBlock.objects.filter(report_type=report_type, org_unit=org_unit)
        .exclude(text="")
        .values_list("period", flat=True)
        .distinct()
    )
    for text in texts:
        try:
            other = parse(text)
        except PeriodError:
            continue
        end = (other.year, other.last_month)
        if end < (period.year, period.last_month) and (best is None or end > best[0]):
            best = (end, text)
    return best[1] if best else None
