"""The consultations API: mounted by kaifaqu.api.urls under /api/v1/consultations/."""

urlpatterns = []
