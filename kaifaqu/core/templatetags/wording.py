"""Numbers and lists on a page, in the reader's language (core.numbers does the work).

{% load wording %}
{{ figure.value|decimals:figure.decimals }}   185.00
{{ input.value|stored }}                      171.3 (not 171.300000)
{{ stages|join_list }}                        洽谈、退库 / talks, withdrawn
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from kaifaqu.core import numbers

register = template.Library()


@register.filter
def decimals(value: Decimal | int | str | None, places: int) -> str:
    if value is None or value == "":
        return ""
    return numbers.decimal_text(value, int(places))


@register.filter
def stored(value: Decimal | int | str | None) -> str:
    if value is None or value == "":
        return ""
    return numbers.stored_text(value)


@register.filter
def join_list(items: Iterable[object]) -> str:
    return numbers.join_list(items, lang=numbers.active_lang())


@register.filter
def unit(value: str) -> str:
    """A unit beside a number as stored (no rescaling): 平方公里 on a Chinese page, km² on
    an English one."""
    return numbers.unit_word(value or "", lang=numbers.active_lang())


_LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_&#])[A-Za-z_][A-Za-z0-9_]*(?![A-Za-z0-9_])")


@register.filter(needs_autoescape=True)
def mark_codes(text: object, autoescape: bool = True) -> str:
    """Chinese text that names the codes a file or a template takes (domestic（内资）,
    lag=1): each Latin-letter word in it is such a code, and is shown as code. English text
    is left as it is (its codes read as words)."""
    escaped = conditional_escape(str(text)) if autoescape else str(text)
    if numbers.active_lang() != "zh":
        return mark_safe(escaped)  # noqa: S308  (escaped above)
    return mark_safe(_LATIN_WORD.sub(lambda m: f"<code>{m.group()}</code>", escaped))  # noqa: S308
