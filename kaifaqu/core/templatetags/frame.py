"""The back office's frame: breadcrumbs derived once, from the navigation and the page.

A page below a module's first level gets 工作台 › the module (``core.navigation.module_for``,
the registry's entry whose URL begins the page's) › the page's own title (its
``page_title`` block). A page with a level between adds it in its ``breadcrumb_parents``
block with ``{% crumb label url %}``; no page writes the whole trail, and a page whose
trail is wrong for it empties ``breadcrumbs``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import NodeList, Parser, Token
from django.template.context import Context
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockNode
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def block_text(context: Context, name: str) -> str:
    """What the template's block ``name`` renders, as text ("" when it has none): the
    most derived override, as ``{% block %}`` itself would render it."""
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    if blocks is None or blocks.get_block(name) is None:
        return ""
    return strip_tags(BlockNode(name, NodeList()).render(context)).strip()


@register.simple_tag
def crumb(label: str, url: str = "", *args: Any) -> SafeString:
    """One level of the trail between the module and the page: ``url`` is an address, or a
    URL name reversed with ``args``:
    ``{% crumb _("Project list") "investment:project_list" %}``."""
    if url and not url.startswith("/"):
        url = reverse(url, args=args)
    if url:
        return format_html('<li class="breadcrumb-item"><a href="{}">{}</a></li>', url, label)
    return format_html('<li class="breadcrumb-item">{}</li>', label)


class BreadcrumbsNode(template.Node):
    def __init__(self, parents: NodeList) -> None:
        self.parents = parents

    def render(self, context: Context) -> str:
        request = context.get("request")
        module = context.get("nav_module")
        if callable(module):  # the context processor's, computed when first asked
            module = module()
        if request is None or module is None or request.path == module.url:
            return ""
        items: list[str] = []
        dashboard = _dashboard(context.get("nav_entries") or [])
        if dashboard is not None and dashboard.key != module.key:
            items.append(crumb(dashboard.label, dashboard.url))
        items.append(crumb(module.label, module.url))
        parents = self.parents.render(context)
        items.append(parents)
        # The title is read as already escaped; the text is put back as it was rendered.
        title = block_text(context, "page_title")
        if not parents.strip() and title == conditional_escape(module.label):
            return ""  # a tab of the module's first page (the project list): no level below
        if title:
            items.append(
                format_html(
                    '<li class="breadcrumb-item active" aria-current="page">{}</li>',
                    mark_safe(title),  # noqa: S308  (rendered and escaped by the template)
                )
            )
        return format_html(
            '<nav aria-label="{}" data-testid="breadcrumbs"><ol class="breadcrumb small mb-2">{}'
            "</ol></nav>",
            _("Breadcrumbs"),
            mark_safe("".join(items)),  # noqa: S308  (each item built by format_html)
        )


def _dashboard(entries: list[Any]) -> Any:
    return next((e for e in entries if e.key == "dashboard"), None)


@register.tag
def breadcrumbs(parser: Parser, token: Token) -> BreadcrumbsNode:
    """``{% breadcrumbs %}…the levels between…{% endbreadcrumbs %}``"""
    parents = parser.parse(("endbreadcrumbs",))
    parser.delete_first_token()
    return BreadcrumbsNode(parents)
