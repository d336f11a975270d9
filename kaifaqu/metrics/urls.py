from django.urls import path

from . import views
from .key_metrics import KeyMetricsView

app_name = "metrics"

urlpatterns = [
    path("", views.FigureListView.as_view(), name="list"),
    path("figure/", views.FigureDetailView.as_view(), name="detail"),
    path("key/", KeyMetricsView.as_view(), name="key_metrics"),
]
