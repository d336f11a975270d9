from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("towns/", views.TownsView.as_view(), name="towns"),
    path("industries/", views.IndustriesView.as_view(), name="industries"),
    path("policies/", views.PolicyListView.as_view(), name="policies"),
    path("policies/<int:pk>/", views.PolicyDetailView.as_view(), name="policy"),
    path(
        "policies/<int:pk>/files/<int:attachment_pk>/",
        views.PolicyAttachmentView.as_view(),
        name="policy_attachment",
    ),
    path("carriers/", views.CarrierListView.as_view(), name="carriers"),
    path("carriers/photos/<int:pk>/", views.CarrierPhotoView.as_view(), name="carrier_photo"),
    path("carriers/<str:kind>/<int:pk>/", views.CarrierDetailView.as_view(), name="carrier"),
    path("contact/", views.ContactView.as_view(), name="contact"),
    path("space/saved/", views.SaveView.as_view(), name="save"),
    path("space/saved/<int:pk>/delete/", views.UnsaveView.as_view(), name="unsave"),
    # back office
    path("backoffice/policies/", views.PolicyAdminListView.as_view(), name="policy_admin"),
    path("backoffice/policies/new/", views.PolicyCreateView.as_view(), name="policy_admin_create"),
    path(
        "backoffice/policies/<int:pk>/",
        views.PolicyAdminDetailView.as_view(),
        name="policy_admin_detail",
    ),
    path(
        "backoffice/policies/<int:pk>/edit/",
        views.PolicyUpdateView.as_view(),
        name="policy_admin_edit",
    ),
    path(
        "backoffice/policies/<int:pk>/revise/",
        views.PolicyReviseView.as_view(),
        name="policy_admin_revise",
    ),
    path(
        "backoffice/policies/<int:pk>/publish/",
        views.PolicyPublishView.as_view(),
        name="policy_admin_publish",
    ),
    path(
        "backoffice/policies/<int:pk>/withdraw/",
        views.PolicyWithdrawView.as_view(),
        name="policy_admin_withdraw",
    ),
    path(
        "backoffice/policies/<int:pk>/files/",
        views.PolicyAttachmentAddView.as_view(),
        name="policy_admin_attach",
    ),
    path(
        "backoffice/policies/<int:pk>/files/<int:attachment_pk>/",
        views.PolicyAttachmentDownloadView.as_view(),
        name="policy_admin_file",
    ),
    path(
        "backoffice/policies/<int:pk>/files/<int:attachment_pk>/delete/",
        views.PolicyAttachmentRemoveView.as_view(),
        name="policy_admin_detach",
    ),
]
