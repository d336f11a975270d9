from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.WorkbookView.as_view(), name="workbook"),
    path("import/<str:token>/", views.ImportPreviewView.as_view(), name="import_preview"),
    path("import/<str:token>/confirm/", views.ImportConfirmView.as_view(), name="import_confirm"),
    path("template.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("export.xlsx", views.ExportDownloadView.as_view(), name="export"),
]
