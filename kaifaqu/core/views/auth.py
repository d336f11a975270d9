from __future__ import annotations

import math
from base64 import b32encode
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login

from kaifaqu.core import selectors, services, signin
from kaifaqu.core.context import client_ip
from kaifaqu.core.forms import LoginForm, SecondFactorForm
from kaifaqu.core.models import User

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice


def lockout_response(
    request: HttpRequest,
    response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
    *args: Any,
    retry_after: int | None = None,
    **kwargs: Any,
) -> HttpResponse:
    """What a locked-out user sees: a page, or JSON for the API (django-axes callable), with
    ``Retry-After``: for axes's lock of the pair account + address, the time left of its
    cool-off, counted from the last failure (retrying during the lock does not extend it)."""
    if retry_after is None:
        username = (credentials or {}).get("username") or request.POST.get("username", "")
        retry_after = signin.pair_lock_left(str(username), client_ip(request))
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


class AccountView(LoginRequiredMixin, TemplateView):
    """A staff member's own account: the password's age and its change, the second factor,
    the API token with its revoke button."""

    template_name = "core/account.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = cast(User, self.request.user)
        kwargs.setdefault("form", PasswordChangeForm(user))
        return super().get_context_data(account=selectors.own_account(user), **kwargs)


class AccountPasswordView(PasswordExpiredView):
    """The change of one's own password from the account page (the same form and service
    as an expired password's)."""

    template_name = "core/account.html"
    http_method_names = ["post"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = cast(User, self.request.user)
        return super().get_context_data(account=selectors.own_account(user), **kwargs)

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        super().form_valid(form)
        return redirect("core:account")


class AccountTokenRevokeView(LoginRequiredMixin, View):
    """The owner withdraws their own API token (the security administrator does it for any
    account on the security page)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        user = cast(User, request.user)
        if services.token_revoke(actor=user, user=user):
            messages.success(request, _("Your API token is revoked: it no longer works."))
        else:
            messages.info(request, _("You hold no API token."))
        return redirect("core:account")


# Second factor -------------------------------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    """Where to go once the step is done: the page first asked for, if it is ours."""
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


def _refused(request: HttpRequest, user: User) -> HttpResponse | None:
    """A locked account (by django-axes or the counters) gives no codes either: it is signed
    out and sees the lockout page."""
    username = user.get_username()
    refused = signin.refusal(request, username, client_ip(request))
    if refused is None and not AxesProxyHandler.is_allowed(request, {"username": username}):
        refused = lockout_response(request, credentials={"username": username})
    if refused is not None:
        logout(request)
    return refused


class _SecondFactorStep(LoginRequiredMixin, FormView[SecondFactorForm]):
    form_class = SecondFactorForm
    wrong_code = gettext_lazy("That code is not right. Check the time on your phone and try again.")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and (
            signin.session_verified(request) or not signin.needs_second_factor(user)
        ):
            return redirect(_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _refused(request, cast(User, request.user)) or super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(next=_next_url(self.request), **kwargs)

    def refuse(self, form: SecondFactorForm) -> HttpResponse:
        signin.count_code_failure(self.request, cast(User, self.request.user))
        form.add_error("code", str(self.wrong_code))
        return self.form_invalid(form)


class SecondFactorEnrolView(_SecondFactorStep):
    """First sign-in of an account that needs the second factor: scan the QR code (or type
    the secret) into an authenticator app and give the code it shows."""

    template_name = "core/second_factor_enrol.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and signin.confirmed_totp(request.user):
            return redirect(f"{reverse('core:second_factor')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def device(self) -> TOTPDevice:
        return services.second_factor_enrol_start(user=cast(User, self.request.user))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        device = self.device()
        return super().get_context_data(
            qr_svg=mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4)),  # noqa: S308 (segno's own markup)
            secret=b32encode(device.bin_key).decode(),
            **kwargs,
        )

    def form_valid(self, form: SecondFactorForm) -> HttpResponse:
        user = cast(User, self.request.user)
        device = self.device()
        codes = services.second_factor_confirm(
            user=user, device=device, code=form.cleaned_data["code"]
        )
        if codes is None:
            return self.refuse(form)
        otp_login(self.request, device)
        self.request.session[signin.RECOVERY_CODES] = codes
        return redirect(
            f"{reverse('core:recovery_codes')}?{urlencode({'next': _next_url(self.request)})}"
        )


class SecondFactorView(_SecondFactorStep):
    """Later sign-ins: a code from the authenticator app, or one of the recovery codes."""

    template_name = "core/second_factor.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not signin.confirmed_totp(request.user):
            return redirect(f"{reverse('core:second_factor_enrol')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        device = signin.confirmed_totp(cast(User, self.request.user))
        return super().get_context_data(
            demo_code=signin.demo_code(device) if device else None, **kwargs
        )

    def form_valid(self, form: SecondFactorForm) -> HttpResponse:
        user = cast(User, self.request.user)
        device = signin.match_code(user, form.cleaned_data["code"])
        if device is None:
            return self.refuse(form)
        otp_login(self.request, device)
        left = signin.recovery_codes_left(user, device, via="web", ip=client_ip(self.request))
        if left is not None:
            messages.warning(
                self.request,
                _(
                    "You signed in with a recovery code; %(left)d are left. Ask the security "
                    "administrator to reset your second factor if you lost your phone."
                )
                % {"left": left},
            )
        return redirect(_next_url(self.request))


class RecoveryCodesView(LoginRequiredMixin, TemplateView):
    """The recovery codes, shown once just after enrolment."""

    template_name = "core/recovery_codes.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        codes = request.session.pop(signin.RECOVERY_CODES, None)
        if not codes:
            return redirect(_next_url(request))
        return self.render_to_response(
            self.get_context_data(codes=codes, next=_next_url(request), **kwargs)
        )
