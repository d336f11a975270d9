"""The investment pages, under /backoffice/investment/.

The project page is ``project_detail`` at ``projects/<int:pk>/``, the path paths.py writes
for provenance links.
"""

from django.urls import path

from . import views

app_name = "investment"

urlpatterns = [
    path("", views.KanbanView.as_view(), name="kanban"),
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project_edit"),
    path("projects/<int:pk>/move/", views.ProjectMoveView.as_view(), name="project_move"),
    path("projects/<int:pk>/merge/", views.ProjectMergeView.as_view(), name="project_merge"),
    path("projects/<int:pk>/contact/", views.ContactRevealView.as_view(), name="project_contact"),
    path("projects/<int:pk>/follow-ups/", views.FollowUpAddView.as_view(), name="followup_add"),
    path("projects/<int:pk>/files/", views.FileAddView.as_view(), name="file_add"),
    path("projects/<int:pk>/tranches/", views.TrancheAddView.as_view(), name="tranche_add"),
    path("projects/<int:pk>/plans/", views.PlanSaveView.as_view(), name="plan_save"),
    path("projects/<int:pk>/reports/", views.ReportSaveView.as_view(), name="report_save"),
    path("projects/<int:pk>/issues/", views.IssueAddView.as_view(), name="issue_add"),
    path("moves/<int:pk>/evidence/", views.EvidenceDownloadView.as_view(), name="evidence"),
    path("files/<int:pk>/", views.FileDownloadView.as_view(), name="file_download"),
    path("files/<int:pk>/remove/", views.FileRemoveView.as_view(), name="file_remove"),
    path("tranches/<int:pk>/", views.TrancheEditView.as_view(), name="tranche_edit"),
    path("plans/<int:pk>/delete/", views.PlanDeleteView.as_view(), name="plan_delete"),
    path("issues/<int:pk>/resolve/", views.IssueResolveView.as_view(), name="issue_resolve"),
    path("key-projects/", views.KeyProjectsView.as_view(), name="key_projects"),
    path("talent/", views.TalentView.as_view(), name="talent"),
    path("talent/programmes/new/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("talent/awards/", views.AwardListView.as_view(), name="awards"),
    path("talent/awards/new/", views.AwardCreateView.as_view(), name="award_create"),
    path("talent/awards/<int:pk>/", views.AwardDetailView.as_view(), name="award_detail"),
    path("talent/awards/<int:pk>/subsidies/", views.SubsidyAddView.as_view(), name="subsidy_add"),
]
