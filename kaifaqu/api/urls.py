"""The REST API, assembled from each package's ``api`` module."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from kaifaqu.carriers.api import views as carriers
from kaifaqu.core.api.views import MeView, TokenView
from kaifaqu.metrics.api.views import FiguresView
from kaifaqu.orgs.api import views as orgs
from kaifaqu.stats.api.views import ValuesView

app_name = "api"

router = DefaultRouter()
router.register("orgunits", orgs.OrgUnitViewSet, basename="orgunit")
router.register("departments", orgs.DepartmentViewSet, basename="department")
router.register("profile-facts", orgs.ProfileFactViewSet, basename="profilefact")
router.register("honours", orgs.HonourViewSet, basename="honour")
router.register("land-parcels", carriers.LandParcelViewSet, basename="landparcel")
router.register("buildings", carriers.BuildingViewSet, basename="building")
router.register("building-units", carriers.BuildingUnitViewSet, basename="buildingunit")

v1 = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("figures/", FiguresView.as_view(), name="figures"),
    path("values/", ValuesView.as_view(), name="values"),
    path("portal/", include("kaifaqu.portal.api.urls")),
    path("consultations/", include("kaifaqu.consultations.api.urls")),
    path("", include(router.urls)),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
