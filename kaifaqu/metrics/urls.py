from django.urls import path

from . import views

app_name = "metrics"

urlpatterns = [
    path("", views.FigureListView.as_view(), name="list"),
    path("figure/", views.FigureDetailView.as_view(), name="detail"),
]
