"""Amounts on the investment pages: kept in 万元, shown through core.numbers (亿元 for
investment totals, 万元 for single amounts) in the page's language."""

from __future__ import annotations

from django import template

from kaifaqu.core import numbers
from kaifaqu.core.numbers import active_lang

register = template.Library()


def _lang() -> str:
    return active_lang()


@register.filter
def yi(value) -> str:
    """An amount in 万元 shown in 亿元: 120000 → 12亿元 (in English, 1.2 billion yuan)."""
    if value is None or value == "":
        return "—"
    return numbers.format_amount(numbers.scale(value, "万元", "亿元"), "亿元", lang=_lang())


@register.filter
def wan(value) -> str:
    """An amount in 万元 as such: 2500.5 → 2500.5万元."""
    if value is None or value == "":
        return "—"
    return numbers.format_amount(value, "万元", lang=_lang())
