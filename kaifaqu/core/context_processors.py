from . import access, navigation


def backoffice(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_entries": navigation.entries_for(user),
        "user_roles": sorted(access.global_roles(user)),
    }
