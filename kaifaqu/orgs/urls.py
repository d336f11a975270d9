from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.OrgTreeView.as_view(), name="tree"),
    path("access/", views.AccessView.as_view(), name="access"),
    path("facts/<int:pk>/edit/", views.ProfileFactUpdateView.as_view(), name="fact_edit"),
    path("<str:code>/", views.OrgUnitDetailView.as_view(), name="unit"),
]
