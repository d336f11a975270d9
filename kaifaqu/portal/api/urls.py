"""The portal API: mounted by kaifaqu.api.urls under /api/v1/portal/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("policies", views.PolicyViewSet, basename="portal-policy")
router.register("carriers", views.CarrierOnOfferViewSet, basename="portal-carrier")

urlpatterns = router.urls
