from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportTypeListView.as_view(), name="list"),
    path("types/<slug:code>/", views.ReportTypeDetailView.as_view(), name="type"),
    path("types/<slug:code>/templates/", views.TemplateUploadView.as_view(), name="upload"),
    path(
        "types/<slug:code>/templates/<int:version>/",
        views.TemplateDownloadView.as_view(),
        name="template",
    ),
    path("types/<slug:code>/drafts/", views.DraftCreateView.as_view(), name="draft_create"),
    path("drafts/<int:pk>/", views.DraftView.as_view(), name="draft"),
    path("drafts/<int:pk>/word/", views.DraftWordView.as_view(), name="word"),
    path("drafts/<int:pk>/pdf/", views.DraftPdfView.as_view(), name="pdf"),
    path("drafts/<int:pk>/redraft/", views.DraftRedraftView.as_view(), name="redraft"),
    path(
        "drafts/<int:pk>/blocks/carry-over/",
        views.BlocksCarryOverView.as_view(),
        name="blocks_carry_over",
    ),
    path(
        "drafts/<int:pk>/blocks/apply/", views.DraftBlocksApplyView.as_view(), name="blocks_apply"
    ),
    path("drafts/<int:pk>/blocks/<slug:key>/", views.BlockView.as_view(), name="block"),
]
