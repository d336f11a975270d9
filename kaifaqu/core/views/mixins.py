from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from kaifaqu.core import access


class RoleRequiredMixin(LoginRequiredMixin):
    """Signed-in users who hold one of ``roles``; others get 403 (anonymous: the login page)."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not access.has_role(request.user, *self.roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class BusinessReadMixin(LoginRequiredMixin):
    """Users who read some business data: leaders, zone administrators, department members."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not access.reads_business(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
