from django.urls import include, path

from kaifaqu.core.views.health import healthz

# The product's own error pages (core/views/errors.py); a database that cannot be reached
# answers 503, not 500.
handler403 = "kaifaqu.core.views.errors.permission_denied"
handler404 = "kaifaqu.core.views.errors.page_not_found"
handler500 = "kaifaqu.core.views.errors.server_error"

urlpatterns = [
    # No slash: monitors and the proxy probe this exact path (SECURE_REDIRECT_EXEMPT names it).
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("kaifaqu.core.urls")),
    path("backoffice/orgs/", include("kaifaqu.orgs.urls")),
    path("backoffice/stats/", include("kaifaqu.stats.urls")),
    path("backoffice/figures/", include("kaifaqu.metrics.urls")),
    path("backoffice/carriers/", include("kaifaqu.carriers.urls")),
    path("backoffice/investment/workbook/", include("kaifaqu.investment.workbook.urls")),
    path("backoffice/investment/", include("kaifaqu.investment.urls")),
    path("backoffice/reports/", include("kaifaqu.reports.urls")),
    path("api/", include("kaifaqu.api.urls")),
    path("", include("kaifaqu.consultations.urls")),
    path("", include("kaifaqu.portal.urls")),
]
