from django.urls import path

from . import views

app_name = "carriers"

urlpatterns = [
    path("", views.CarrierListView.as_view(), name="list"),
    path("land/new/", views.LandParcelCreateView.as_view(), name="land_create"),
    path("land/<int:pk>/", views.LandParcelDetailView.as_view(), name="land"),
    path("land/<int:pk>/edit/", views.LandParcelUpdateView.as_view(), name="land_edit"),
    path("buildings/new/", views.BuildingCreateView.as_view(), name="building_create"),
    path("buildings/<int:pk>/", views.BuildingDetailView.as_view(), name="building"),
    path("buildings/<int:pk>/edit/", views.BuildingUpdateView.as_view(), name="building_edit"),
    path(
        "buildings/<int:pk>/units/new/", views.BuildingUnitCreateView.as_view(), name="unit_create"
    ),
    path("units/<int:pk>/edit/", views.BuildingUnitUpdateView.as_view(), name="unit_edit"),
    path(
        "land/<int:pk>/status/", views.StatusMoveView.as_view(), {"kind": "land"}, name="land_move"
    ),
    path(
        "units/<int:pk>/status/", views.StatusMoveView.as_view(), {"kind": "unit"}, name="unit_move"
    ),
    path("<str:kind>/<int:pk>/photos/", views.PhotoAddView.as_view(), name="photo_add"),
    path("photos/<int:pk>/", views.PhotoView.as_view(), name="photo"),
    path("photos/<int:pk>/delete/", views.PhotoRemoveView.as_view(), name="photo_remove"),
]
