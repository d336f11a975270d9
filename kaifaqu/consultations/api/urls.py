"""The consultations API: mounted by kaifaqu.api.urls under /api/v1/consultations/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.SubmitView.as_view(), name="consultation-submit"),
    path("sign-in/", views.SignInView.as_view(), name="consultation-sign-in"),
    path("mine/", views.MyConsultationsView.as_view(), name="consultation-mine"),
    path("mine/<int:pk>/", views.MyConsultationView.as_view(), name="consultation-mine-detail"),
    path("mine/<int:pk>/reply/", views.ReplyView.as_view(), name="consultation-reply"),
]
