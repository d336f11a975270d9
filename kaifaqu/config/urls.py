from django.urls import include, path

urlpatterns = [
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
