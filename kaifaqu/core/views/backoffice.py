from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from kaifaqu.core import audit, dashboard, selectors, services
from kaifaqu.core.filters import AuditEntryFilter
from kaifaqu.core.forms import PasswordResetForm, UserCreateForm, UserUpdateForm
from kaifaqu.core.http import AuthenticatedHttpRequest
from kaifaqu.core.models import AuditEntry, User
from kaifaqu.core.roles import Role
from kaifaqu.core.tables import AuditTable, UserTable

from .forms import PageFormView, ServiceFormView
from .lists import TableView
from .mixins import RoleRequiredMixin


class DashboardView(LoginRequiredMixin, TemplateView):
    """The 工作台: what each package registered with core.dashboard for this user — what
    waits for them, their panels (the zone's key figures, an administrator's duties) and
    their charts — each read through the package's selectors, scoped to the user."""

    template_name = "core/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        waiting = dashboard.waiting_for(user)
        panels = dashboard.panels_for(user)
        charts = [chart for panel in panels for chart in panel.charts]
        charts += dashboard.charts_for(user)
        return super().get_context_data(waiting=waiting, panels=panels, charts=charts, **kwargs)


class UserListView(RoleRequiredMixin, TableView):
    roles = (Role.SYSTEM_ADMIN,)
    template_name = "core/user_list.html"
    table_class = UserTable
    context_object_name = "users"
    list_name = "users"
    export_title = gettext_lazy("Users")

    def get_queryset(self) -> QuerySet[User]:
        return selectors.user_list()


class UserCreateView(RoleRequiredMixin, ServiceFormView):
    roles = (Role.SYSTEM_ADMIN,)
    template_name = "core/user_form.html"
    form_class = UserCreateForm
    request: AuthenticatedHttpRequest

    def call_service(self, *, actor: Any, data: dict[str, Any]) -> User:
        return services.user_create(actor=actor, **data)

    def get_success_message(self) -> str:
        return _("Account %(name)s created.") % {"name": self.result.username}

    def get_success_url(self) -> str:
        return reverse("core:user_list")


class UserUpdateView(RoleRequiredMixin, ServiceFormView):
    roles = (Role.SYSTEM_ADMIN,)
    template_name = "core/user_form.html"
    form_class = UserUpdateForm
    success_message = gettext_lazy("Account saved.")
    request: AuthenticatedHttpRequest

    @cached_property
    def account(self) -> User:
        # Looked up only once the role check in dispatch has passed: a 404 before it would
        # tell anyone, signed in or not, which account ids exist.
        return get_object_or_404(User, pk=self.kwargs["pk"])

    def get_initial(self) -> dict[str, Any]:
        a = self.account
        return {
            "full_name": a.full_name,
            "email": a.email,
            "phone": a.phone,
            "is_active": a.is_active,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("password_form", PasswordResetForm())
        return super().get_context_data(account=self.account, **kwargs)

    def call_service(self, *, actor: Any, data: dict[str, Any]) -> User:
        return services.user_update(actor=actor, user=self.account, **data)

    def get_success_url(self) -> str:
        return reverse("core:user_list")


class UserPasswordView(RoleRequiredMixin, PageFormView):
    """The reset form on the account's page: an empty or refused password is said under the
    box, on that page again (it was a flash message, or nothing for an empty box)."""

    roles = (Role.SYSTEM_ADMIN,)
    form_class = PasswordResetForm
    success_message = gettext_lazy("Password reset.")
    request: AuthenticatedHttpRequest

    @cached_property
    def account(self) -> User:
        return get_object_or_404(User, pk=self.kwargs["pk"])

    def call_service(self, *, actor: Any, data: dict[str, Any]) -> None:
        try:
            services.user_set_password(actor=actor, user=self.account, password=data["password"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                raise
            raise ValidationError({"password": error.error_list}) from None

    def get_success_url(self) -> str:
        return reverse("core:user_update", args=[self.account.pk])

    def page(self, form: Any) -> tuple[type[UserUpdateView], dict[str, Any], dict[str, Any]]:
        account_page = UserUpdateView()
        account_page.setup(self.request, pk=self.account.pk)
        shown = account_page.get_form_class()(initial=account_page.get_initial())
        return UserUpdateView, {"pk": self.account.pk}, {"form": shown, "password_form": form}


class SecurityView(RoleRequiredMixin, TemplateView):
    """The security policy in force and the accounts locked out now."""

    roles = (Role.SECURITY_ADMIN,)
    template_name = "core/security.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        cooloff = settings.AXES_COOLOFF_TIME
        return super().get_context_data(
            locked=selectors.locked_accounts(),
            account_locked=selectors.accounts_locked_everywhere(),
            tokens=selectors.api_tokens(),
            policy={
                "min_length": 12,
                "min_classes": 3,
                "failure_limit": settings.AXES_FAILURE_LIMIT,
                "lockout_minutes": int(cooloff.total_seconds() // 60),
                "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
            },
            **kwargs,
        )


class UnlockView(RoleRequiredMixin, View):
    roles = (Role.SECURITY_ADMIN,)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        username = request.POST.get("username", "")
        if username:
            services.account_unlock(actor=request.user, username=username)
            messages.success(request, _("%(name)s unlocked.") % {"name": username})
        return redirect("core:security")


class SecondFactorResetView(RoleRequiredMixin, View):
    """The security administrator removes an account's second factor (a lost phone)."""

    roles = (Role.SECURITY_ADMIN,)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        username = str(request.POST.get("username", "")).strip()
        account = User.objects.filter(username=username).first() if username else None
        if account is None:
            messages.error(request, _("No account is called %(name)s.") % {"name": username})
        else:
            try:
                reset = services.second_factor_reset(actor=request.user, user=account)
            except PermissionDenied as refusal:
                messages.error(request, str(refusal))
            else:
                if reset:
                    messages.success(
                        request,
                        _("Second factor of %(name)s reset: it sets one up at its next login.")
                        % {"name": account},
                    )
                else:
                    messages.info(
                        request, _("%(name)s has no second factor set up.") % {"name": account}
                    )
        return redirect("core:security")


class TokenRevokeView(RoleRequiredMixin, View):
    """The security administrator withdraws an account's API token."""

    roles = (Role.SECURITY_ADMIN,)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        account = get_object_or_404(User, pk=pk)
        if services.token_revoke(actor=request.user, user=account):
            messages.success(request, _("API token of %(name)s revoked.") % {"name": account})
        else:
            messages.info(request, _("%(name)s holds no API token.") % {"name": account})
        return redirect("core:security")


class AuditListView(RoleRequiredMixin, TableView):
    """The log, filtered; its export (``?export=xlsx``, or the export URL) is itself audited
    and anchors the chain's head."""

    roles = (Role.AUDIT_ADMIN,)
    template_name = "core/audit_list.html"
    table_class = AuditTable
    context_object_name = "entries"
    filterset_class = AuditEntryFilter
    list_name = "audit"
    export_title = gettext_lazy("Audit log")
    #: The export URL (core:audit_export) answers with the workbook whatever the query says.
    export_only = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.export_only:
            self.exporting = True
            return self.export()
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[AuditEntry]:
        return selectors.audit_entries()

    def after_export(self, entry: Any) -> None:
        audit.anchor_head()
