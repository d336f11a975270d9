from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("kaifaqu.core.urls")),
    path("backoffice/orgs/", include("kaifaqu.orgs.urls")),
    path("backoffice/stats/", include("kaifaqu.stats.urls")),
    path("backoffice/figures/", include("kaifaqu.metrics.urls")),
    path("api/", include("kaifaqu.api.urls")),
    path("", include("kaifaqu.portal.urls")),
]
