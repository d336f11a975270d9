"""The investment workbook's pages, under their own namespace. Included from the root URLs as

path("backoffice/investment/workbook/", include("kaifaqu.investment.workbook.urls")),
"""

from django.urls import path

from . import views

app_name = "investment_workbook"

urlpatterns = [
    path("", views.WorkbookView.as_view(), name="page"),
    path("import/<str:token>/", views.ImportPreviewView.as_view(), name="preview"),
    path("import/<str:token>/confirm/", views.ImportConfirmView.as_view(), name="confirm"),
    path("template.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("export.xlsx", views.ExportDownloadView.as_view(), name="export"),
]
