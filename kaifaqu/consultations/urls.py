"""The consultation pages: public under /consult/ and /space/, the back office under
/backoffice/consultations/ (the root URLconf includes this module at "")."""

from django.urls import path

from . import views

app_name = "consultations"

BACK = "backoffice/consultations/"

urlpatterns = [
    path("consult/", views.AskView.as_view(), name="ask"),
    path("consult/done/", views.AskedView.as_view(), name="asked"),
    path("space/", views.SpaceView.as_view(), name="space"),
    path("space/sign-in/", views.SignInRequestView.as_view(), name="sign_in_request"),
    path("space/sign-in/<str:token>/", views.SignInView.as_view(), name="sign_in"),
    path(
        "space/consultations/<int:pk>/",
        views.SpaceConsultationView.as_view(),
        name="space_consultation",
    ),
    path("space/files/<str:token>/", views.SpaceFileView.as_view(), name="space_file"),
    path("space/contact/", views.SpaceContactView.as_view(), name="space_contact"),
    path("space/delete/", views.SpaceDeleteView.as_view(), name="space_delete"),
    path("space/sign-out/", views.SpaceSignOutView.as_view(), name="space_sign_out"),
    path(BACK, views.InboxView.as_view(), name="inbox"),
    path(f"{BACK}hotline/", views.HotlineView.as_view(), name="hotline"),
    path(f"{BACK}routes/", views.RoutesView.as_view(), name="routes"),
    path(f"{BACK}files/<str:token>/", views.StaffFileView.as_view(), name="staff_file"),
    path(f"{BACK}<int:pk>/", views.DetailView.as_view(), name="detail"),
    path(f"{BACK}<int:pk>/contact/", views.ContactRevealView.as_view(), name="contact"),
    path(f"{BACK}<int:pk>/reply/", views.ReplyView.as_view(), name="reply"),
    path(f"{BACK}<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path(f"{BACK}<int:pk>/reassign/", views.ReassignView.as_view(), name="reassign"),
    path(f"{BACK}<int:pk>/convert/", views.ConvertView.as_view(), name="convert"),
]
