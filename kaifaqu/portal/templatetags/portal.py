"""Tags for the public pages: the hotline, the zone's name, links that may not exist yet."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from kaifaqu.orgs.selectors import home_zone
from kaifaqu.portal import selectors
from kaifaqu.portal.categories import Category

register = template.Library()


@register.simple_tag
def hotline() -> str:
    """The investment hotline, configurable per deployment (settings.KAIFAQU_HOTLINE)."""
    return settings.KAIFAQU_HOTLINE


@register.simple_tag
def url_or_hash(name: str, *args, **query) -> str:
    """reverse(name) with an optional query string, or "#" while the page does not exist.

    The consultation pages are built beside the portal; until their URLs are there, a link
    to them must not turn every public page into an error."""
    try:
        url = reverse(name, args=args or None)
    except NoReverseMatch:
        return "#"
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


@register.simple_tag(takes_context=True)
def public_zone(context):
    """The home zone, for the header of every public page (memoised on the request)."""
    request = context.get("request")
    if request is None:
        return home_zone()
    if not hasattr(request, "_kaifaqu_home_zone"):
        request._kaifaqu_home_zone = home_zone()
    return request._kaifaqu_home_zone


@register.filter
def is_visitor(user) -> bool:
    """Whether the user holds a personal space (a visitor profile)."""
    return selectors.is_visitor(user)


@register.simple_tag
def categories():
    return Category.choices
