from django.urls import path

from kaifaqu.core.views import auth, jobs
from kaifaqu.core.views import backoffice as views

app_name = "core"

urlpatterns = [
    path("accounts/login/", auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-expired/",
        auth.PasswordExpiredView.as_view(),
        name="password_expired",
    ),
    path("accounts/second-factor/", auth.SecondFactorView.as_view(), name="second_factor"),
    path(
        "accounts/second-factor/enrol/",
        auth.SecondFactorEnrolView.as_view(),
        name="second_factor_enrol",
    ),
    path(
        "accounts/second-factor/recovery-codes/",
        auth.RecoveryCodesView.as_view(),
        name="recovery_codes",
    ),
    path("backoffice/", views.DashboardView.as_view(), name="dashboard"),
    path("backoffice/account/", auth.AccountView.as_view(), name="account"),
    path(
        "backoffice/account/password/", auth.AccountPasswordView.as_view(), name="account_password"
    ),
    path(
        "backoffice/account/token/revoke/",
        auth.AccountTokenRevokeView.as_view(),
        name="account_token_revoke",
    ),
    path("backoffice/users/", views.UserListView.as_view(), name="user_list"),
    path("backoffice/users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("backoffice/users/<int:pk>/", views.UserUpdateView.as_view(), name="user_update"),
    path(
        "backoffice/users/<int:pk>/password/",
        views.UserPasswordView.as_view(),
        name="user_password",
    ),
    path(
        "backoffice/users/<int:pk>/token/revoke/",
        views.TokenRevokeView.as_view(),
        name="token_revoke",
    ),
    path("backoffice/security/", views.SecurityView.as_view(), name="security"),
    path("backoffice/security/unlock/", views.UnlockView.as_view(), name="unlock"),
    path(
        "backoffice/security/second-factor/reset/",
        views.SecondFactorResetView.as_view(),
        name="second_factor_reset",
    ),
    path("backoffice/audit/", views.AuditListView.as_view(), name="audit_list"),
    path("backoffice/jobs/<uuid:pk>/", jobs.JobView.as_view(), name="job"),
    path("backoffice/jobs/<uuid:pk>/file/", jobs.JobFileView.as_view(), name="job_file"),
    path(
        "backoffice/audit/export.xlsx",
        views.AuditListView.as_view(export_only=True),
        name="audit_export",
    ),
]
