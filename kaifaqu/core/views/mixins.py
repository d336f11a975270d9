from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kaifaqu.core import access
from kaifaqu.core.roles import Role


def roles_needed(roles: tuple[str, ...]) -> str:
    """The refusal of a page kept for ``roles``, naming them (the 403 page shows it)."""
    names = [str(Role(role).label) for role in roles]
    if len(names) == 1:
        return _("This page needs the role: %(role)s.") % {"role": names[0]}
    return _("This page needs one of the roles: %(roles)s.") % {
        "roles": pgettext("between roles", ", ").join(names)
    }


class RoleRequiredMixin(LoginRequiredMixin):
    """Signed-in users who hold one of ``roles``; others get 403 (anonymous: the login page)."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not access.has_role(request.user, *self.roles):
            raise PermissionDenied(roles_needed(self.roles))
        return super().dispatch(request, *args, **kwargs)


class BusinessReadMixin(LoginRequiredMixin):
    """Users who read some business data: leaders, zone administrators, department members."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not access.reads_business(request.user):
            raise PermissionDenied(
                _(
                    "This page shows the zone's business data: it is for leaders, zone "
                    "administrators and the members of a department."
                )
            )
        return super().dispatch(request, *args, **kwargs)
