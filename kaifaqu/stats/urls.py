from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.WorkbookView.as_view(), name="workbook"),
    path("entry/", views.EntryView.as_view(), name="entry"),
    path("import/<str:token>/", views.ImportPreviewView.as_view(), name="import_preview"),
    path("import/<str:token>/confirm/", views.ImportConfirmView.as_view(), name="import_confirm"),
    path("checks/", views.ViolationListView.as_view(), name="violations"),
    path("checks/run/", views.RulesRunView.as_view(), name="rules_run"),
    path("checks/rules/", views.RuleListView.as_view(), name="rules"),
    path("checks/rules/new/", views.RuleFormView.as_view(), name="rule_create"),
    path("checks/rules/<int:pk>/", views.RuleFormView.as_view(), name="rule_update"),
    path("checks/rules/<int:pk>/delete/", views.RuleDeleteView.as_view(), name="rule_delete"),
    path("template.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("export.xlsx", views.ExportDownloadView.as_view(), name="export"),
]
