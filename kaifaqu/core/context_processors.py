from functools import cache, partial
from typing import Any

from django.http import HttpRequest

from . import access, navigation


def backoffice(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    entries = navigation.entries_for(user)
    return {
        "nav_entries": entries,
        # Called by the template when it asks (the back office's frame), once: a public page
        # or a test's own URLs never reverse the menu's addresses.
        "nav_module": cache(partial(navigation.module_for, entries, request.path)),
        "user_roles": sorted(access.global_roles(user)),
    }
