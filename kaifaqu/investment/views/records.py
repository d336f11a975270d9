"""What is kept with a project, entered from its page: follow-ups, files, funds received,
and a key project's annual plans, monthly progress reports and their problems; and the key
projects' overview. Each action goes through its service; a refusal comes back on the
project page with the form as it was filled in."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kaifaqu.core import access
from kaifaqu.core.filters import FormFilter
from kaifaqu.core.versioning import CURRENT, Version
from kaifaqu.core.views.forms import PageFormView, ServiceFormView
from kaifaqu.core.views.lists import TableView
from kaifaqu.core.views.mixins import BusinessReadMixin

from .. import selectors, services
from ..forms import (
    FileForm,
    FollowUpForm,
    IssueForm,
    KeyProgressForm,
    PlanForm,
    ReportForm,
    ResolveForm,
    TrancheForm,
)
from ..models import FundTranche, KeyProjectPlan, ProgressIssue, ProgressReport, ProjectFile
from ..tables import KeyProjectTable
from ._common import changeable, go, project_to_change, readable, refused, safe_next, saved
from .projects import ProjectDetailView


def _page(project, anchor: str = "") -> str:
    url = reverse("investment:project_detail", args=[project.pk])
    return f"{url}#{anchor}" if anchor else url


class _ProjectAction(BusinessReadMixin, PageFormView):
    """A form of the project page; ``call_service`` makes the change."""

    context_name: str
    anchor = ""

    def form_kwargs(self, project) -> dict:
        return {}

    def post(self, request, *args, **kwargs):
        # After the reader check in dispatch, before the form is read.
        self.project = project_to_change(request.user, kwargs["pk"])
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.form_kwargs(self.project)}

    def page(self, form):
        refused = {"project": self.project, self.context_name: form}
        return ProjectDetailView, {"pk": self.project.pk}, refused

    def get_success_url(self) -> str:
        return _page(self.project, self.anchor)


class FollowUpAddView(_ProjectAction):
    form_class = FollowUpForm
    context_name = "followup_form"
    anchor = "follow-ups"

    def call_service(self, *, actor, data):
        return services.followup_create(actor=actor, project=self.project, **data)


class FileAddView(_ProjectAction):
    form_class = FileForm
    context_name = "file_form"
    anchor = "files"

    def call_service(self, *, actor, data):
        return services.project_file_add(actor=actor, project=self.project, **data)


class TrancheAddView(_ProjectAction):
    form_class = TrancheForm
    context_name = "tranche_form"
    anchor = "funds"

    def call_service(self, *, actor, data):
        data.pop("version", None)
        return services.tranche_create(actor=actor, project=self.project, **data)


def _stated_version(data: dict) -> Version:
    """The plan's (report's) version the form states; the entry form on the project page
    states none: it sets the year's plan (the month's report) whatever is stored, listed
    beside it, so it is written over the version stored now."""
    version = data.pop("version", None)
    return CURRENT if version is None else version


class PlanSaveView(_ProjectAction):
    form_class = PlanForm
    context_name = "plan_form"
    anchor = "plans"

    def call_service(self, *, actor, data):
        version = _stated_version(data)
        return services.key_project_plan_save(
            actor=actor, project=self.project, version=version, **data
        )


class ReportSaveView(_ProjectAction):
    form_class = ReportForm
    context_name = "report_form"
    anchor = "reports"

    def form_valid(self, form):
        self.issues = form.issues()
        return super().form_valid(form)

    def call_service(self, *, actor, data):
        return services.progress_report_save(
            actor=actor,
            project=self.project,
            month=data["month"],
            completed_investment=data["completed_investment"],
            image_progress=data.get("image_progress", ""),
            issues=self.issues,
            version=_stated_version(data),
        )


class IssueAddView(_ProjectAction):
    """A problem added to one of the project's reports (the form names which)."""

    form_class = IssueForm
    context_name = "issue_form"
    anchor = "reports"

    def post(self, request, *args, **kwargs):
        self.report = None
        report_id = request.POST.get("report")
        if report_id and report_id.isdigit():
            self.report = ProgressReport.objects.filter(
                project_id=kwargs["pk"], pk=report_id
            ).first()
        return super().post(request, *args, **kwargs)

    def call_service(self, *, actor, data):
        if self.report is None:
            raise ValidationError(_("Pick the month's report the problem belongs to."))
        return services.progress_issue_add(actor=actor, report=self.report, **data)


# --- changes and removals of single records ----------------------------------------------


class _RecordAction(BusinessReadMixin, View):
    """POST on one record of a project; refusals come back as messages on the project page."""

    http_method_names = ["post"]
    model: type
    anchor = ""

    def get_record(self, pk: int):
        record = get_object_or_404(self.model.objects.select_related(*self.related), pk=pk)
        project = self.project_of(record)
        readable(self.request.user, project.department_id)
        changeable(self.request.user, project.department_id)
        return record, project

    related: tuple[str, ...] = ("project",)

    def project_of(self, record):
        return record.project

    def post(self, request, pk: int):
        record, project = self.get_record(pk)
        try:
            self.act(record, request.POST)
        except ValidationError as error:
            refused(request, error)
        else:
            saved(request)
        return go(request, _page(project, self.anchor))


class FileRemoveView(_RecordAction):
    model = ProjectFile
    anchor = "files"

    def act(self, record, data):
        services.project_file_remove(actor=self.request.user, project_file=record)


class PlanDeleteView(_RecordAction):
    model = KeyProjectPlan
    anchor = "plans"

    def act(self, record, data):
        services.key_project_plan_delete(actor=self.request.user, plan=record)


class IssueResolveView(_RecordAction):
    """Mark a problem solved: editors of the project's department, or of the department that
    had to solve it (the service decides; the latter may not read the project)."""

    model = ProgressIssue
    related = ("report__project",)
    anchor = "reports"

    def project_of(self, record):
        return record.report.project

    def get_record(self, pk: int):
        record = get_object_or_404(self.model.objects.select_related(*self.related), pk=pk)
        return record, self.project_of(record)

    def post(self, request, pk: int):
        # A read-only role is refused before the form is read: no department of theirs could
        # ever be the one to solve it.
        if not access.changes_some_business(request.user):
            raise PermissionDenied
        record, project = self.get_record(pk)
        form = ResolveForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        else:
            try:
                services.progress_issue_resolve(
                    actor=request.user, issue=record, resolved_on=form.cleaned_data["resolved_on"]
                )
            except ValidationError as error:
                refused(request, error)
            else:
                saved(request)
        back = reverse("investment:key_projects")
        if access.can_read_department(request.user, project.department_id):
            back = _page(project, self.anchor)
        return go(request, safe_next(request, back))


class TrancheEditView(BusinessReadMixin, ServiceFormView):
    """Change a tranche (with the version it was read at) or delete it."""

    template_name = "investment/tranche_form.html"
    form_class = TrancheForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and access.reads_business(request.user):
            self.tranche = get_object_or_404(
                FundTranche.objects.select_related("project"), pk=kwargs["pk"]
            )
            readable(request.user, self.tranche.project.department_id)
            changeable(request.user, self.tranche.project.department_id)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        t = self.tranche
        return {
            "on": t.on,
            "amount": t.amount,
            "capital": t.capital,
            "voucher_note": t.voucher_note,
            "version": t.version,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(tranche=self.tranche, **kwargs)

    def post(self, request, *args, **kwargs):
        if "delete" not in request.POST:
            return super().post(request, *args, **kwargs)
        try:
            services.tranche_delete(actor=request.user, tranche=self.tranche)
        except ValidationError as error:
            refused(request, error)
        else:
            saved(request)
        return go(request, self.get_success_url())

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["version"].required = True  # a change states the version it read
        return form

    def call_service(self, *, actor, data):
        return services.tranche_update(actor=actor, tranche=self.tranche, **data)

    def get_success_url(self) -> str:
        return _page(self.tranche.project, "funds")


# --- the key projects' overview ---------------------------------------------------------


class KeyProjectsView(BusinessReadMixin, TableView):
    """Each key project with a plan for the year: its plan, the investment completed through
    a month, the progress; and the problems still open."""

    template_name = "investment/key_projects.html"
    table_class = KeyProjectTable
    list_name = "key_projects"
    export_title = gettext_lazy("Key projects")
    export_object_type = "investment.keyprojectplan"

    @cached_property
    def filterset(self) -> FormFilter:
        years = selectors.key_plan_years(self.request.user)
        return FormFilter(KeyProgressForm(self.filter_data(), years=years))

    @cached_property
    def selection(self) -> tuple[int, int]:
        return cast(tuple[int, int], self.filterset.form.selection(timezone.localdate().year))

    @cached_property
    def filtered(self):  # the rows: a list built by the selector, not a queryset
        year, through = self.selection
        return selectors.key_project_progress(self.request.user, year, through)

    @property
    def rows(self) -> list[selectors.KeyProjectRow]:
        return cast(list[selectors.KeyProjectRow], self.filtered)

    def get_queryset(self):
        return self.filtered

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        year, through = self.selection
        return super().get_context_data(
            year=year,
            through=through,
            rows=self.rows,
            plan_total=sum((r.annual_plan for r in self.rows), start=Decimal(0)),
            completed_total=sum((r.completed for r in self.rows), start=Decimal(0)),
            issues=_resolvable(user, selectors.open_issues(user)),
            resolve_form=ResolveForm(initial={"resolved_on": today}),
            today=today,
            **kwargs,
        )


def _resolvable(user, issues) -> list:
    """The problems, each saying whether this user may mark it solved (an editor of the
    project's department or of the department that must solve it)."""
    out = list(issues)
    for issue in out:
        issue.may_resolve = access.can_change_department(
            user, issue.report.project.department_id
        ) or access.can_change_department(user, issue.responsible_department_id)
    return out


__all__ = [
    "FileAddView",
    "FileRemoveView",
    "FollowUpAddView",
    "IssueAddView",
    "IssueResolveView",
    "KeyProjectsView",
    "PlanDeleteView",
    "PlanSaveView",
    "ReportSaveView",
    "TrancheAddView",
    "TrancheEditView",
]
