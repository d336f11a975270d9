import math
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kaifaqu.core import signin
from kaifaqu.core.context import client_ip
from kaifaqu.core.forms import LoginForm


def lockout_response(
    request: HttpRequest,
    response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
    *args: Any,
    retry_after: int | None = None,
    **kwargs: Any,
) -> HttpResponse:
    """What a locked-out user sees: a page, or JSON for the API (django-axes callable), with
    ``Retry-After`` (axes's lock: the whole cool-off, since retrying does not extend it)."""
    if retry_after is None:
        retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    message = _(
        "This account is locked after too many failed logins. Try again in %(minutes)d "
        "minutes, or ask the security administrator to unlock it."
    ) % {"minutes": math.ceil(retry_after / 60)}
    answer: HttpResponse
    if request.path.startswith("/api/"):
        answer = JsonResponse({"detail": message}, status=429)
    else:
        answer = render(request, "core/lockout.html", {"message": message}, status=429)
    answer["Retry-After"] = str(retry_after)
    return answer


def throttled_response(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    """Too many failed sign-ins from this address, whatever the accounts tried."""
    message = _("Too many failed logins from your address. Try again in %(minutes)d minutes.") % {
        "minutes": math.ceil(retry_after / 60)
    }
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "core/lockout.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = str(request.POST.get("username", ""))[:150]
        refused = signin.refusal(request, username, client_ip(request))
        return refused or super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    pass
