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
        "nav_module": navigation.module_for(entries, request.path),
        "user_roles": sorted(access.global_roles(user)),
    }
