"""The portal API: mounted by kaifaqu.api.urls under /api/v1/portal/."""

urlpatterns = []
