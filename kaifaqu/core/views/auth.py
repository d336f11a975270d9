import math
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import FormView

from kaifaqu.core import services, signin
from kaifaqu.core.context import client_ip
from kaifaqu.core.forms import LoginForm
from kaifaqu.core.models import User


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


class PasswordExpiredView(LoginRequiredMixin, FormView[PasswordChangeForm]):
    """The one page a staff member with an expired password may see: change it."""

    template_name = "core/password_expired.html"
    form_class = PasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            max_age_days=settings.KAIFAQU_PASSWORD_MAX_AGE_DAYS, **kwargs
        )

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = cast(User, self.request.user)
        try:
            services.user_set_password(
                actor=user, user=user, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            form.add_error("new_password2", error)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)
        self.request.session.pop(signin.PASSWORD_EXPIRED, None)
        messages.success(self.request, _("Password changed."))
        return redirect(settings.LOGIN_REDIRECT_URL)
