"""What is kept with a project, entered from its page: follow-ups, files, funds received,
and a key project's annual plans, monthly progress reports and their problems; and the key
projects' overview. Each action goes through its service; a refusal comes back on the
project page with the form as it was filled in."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from kaifaqu.core import access
from kaifaqu.core.forms import put_errors
from kaifaqu.core.versioning import CURRENT, Version
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
from ._common import changeable, go, project_to_change, readable, refused, safe_next, saved
from .projects import render_project


def _page(project, anchor: str = "") -> str:
    url = reverse("investment:project_detail", args=[project.pk])
    return f"{url}#{anchor}" if anchor else url


class _ProjectAction(BusinessReadMixin, View):
    """POST a form of the project page; ``act`` calls the service."""

    http_method_names = ["post"]
    form_class: type
    context_name: str
    anchor = ""

    def form_kwargs(self, project) -> dict:
        return {}

    def post(self, request, pk: int):
        project = project_to_change(request.user, pk)
        form = self.form = self.form_class(request.POST, request.FILES, **self.form_kwargs(project))
        if form.is_valid():
            try:
                self.act(project, form.cleaned_data)
            except ValidationError as error:
                put_errors(form, error)
            else:
                saved(request)
                return go(request, _page(project, self.anchor))
        return render_project(request, project, **{self.context_name: form})

    def act(self, project, data: dict) -> None:
        raise NotImplementedError


class FollowUpAddView(_ProjectAction):
    form_class = FollowUpForm
    context_name = "followup_form"
    anchor = "follow-ups"

    def act(self, project, data):
        services.followup_create(actor=self.request.user, project=project, **data)


class FileAddView(_ProjectAction):
    form_class = FileForm
    context_name = "file_form"
    anchor = "files"

    def act(self, project, data):
        services.project_file_add(actor=self.request.user, project=project, **data)


class TrancheAddView(_ProjectAction):
    form_class = TrancheForm
    context_name = "tranche_form"
    anchor = "funds"

    def act(self, project, data):
        data.pop("version", None)
        services.tranche_create(actor=self.request.user, project=project, **data)


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

    def act(self, project, data):
        version = _stated_version(data)
        services.key_project_plan_save(
            actor=self.request.user, project=project, version=version, **data
        )


class ReportSaveView(_ProjectAction):
    form_class = ReportForm
    context_name = "report_form"
    anchor = "reports"

    def act(self, project, data):
        services.progress_report_save(
            actor=self.request.user,
            project=project,
            month=data["month"],
            completed_investment=data["completed_investment"],
            image_progress=data.get("image_progress", ""),
            issues=self.form.issues(),
            version=_stated_version(data),
        )


class IssueAddView(_ProjectAction):
    """A problem added to one of the project's reports (the form names which)."""

    form_class = IssueForm
    context_name = "issue_form"
    anchor = "reports"

    def post(self, request, pk: int):
        self.report = None
        report_id = request.POST.get("report")
        if report_id and report_id.isdigit():
            self.report = ProgressReport.objects.filter(project_id=pk, pk=report_id).first()
        return super().post(request, pk)

    def act(self, project, data):
        if self.report is None:
            raise ValidationError(_("Pick the month's report the problem belongs to."))
        services.progress_issue_add(actor=self.request.user, report=self.report, **data)


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


class TrancheEditView(BusinessReadMixin, View):
    """Change a tranche (with the version it was read at) or delete it."""

    template_name = "investment/tranche_form.html"

    def _load(self, request, pk):
        tranche = get_object_or_404(FundTranche.objects.select_related("project"), pk=pk)
        readable(request.user, tranche.project.department_id)
        changeable(request.user, tranche.project.department_id)
        return tranche

    def get(self, request, pk: int):
        tranche = self._load(request, pk)
        form = TrancheForm(
            initial={
                "on": tranche.on,
                "amount": tranche.amount,
                "capital": tranche.capital,
                "voucher_note": tranche.voucher_note,
                "version": tranche.version,
            }
        )
        return render(request, self.template_name, {"form": form, "tranche": tranche})

    def post(self, request, pk: int):
        tranche = self._load(request, pk)
        project = tranche.project
        if "delete" in request.POST:
            try:
                services.tranche_delete(actor=request.user, tranche=tranche)
            except ValidationError as error:
                refused(request, error)
            else:
                saved(request)
            return go(request, _page(project, "funds"))
        form = TrancheForm(request.POST)
        form.fields["version"].required = True  # a change states the version it read
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.tranche_update(
                    actor=request.user, tranche=tranche, version=version, **data
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                saved(request)
                return go(request, _page(project, "funds"))
        return render(request, self.template_name, {"form": form, "tranche": tranche})


# --- the key projects' overview ---------------------------------------------------------


class KeyProjectsView(BusinessReadMixin, TemplateView):
    """Each key project with a plan for the year: its plan, the investment completed through
    a month, the progress; and the problems still open."""

    template_name = "investment/key_projects.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        form = KeyProgressForm(self.request.GET or None)
        years = selectors.key_plan_years(user)
        year, through = (years[0] if years else today.year), 12
        if form.is_bound and form.is_valid():
            year = form.cleaned_data.get("year") or year
            through = form.cleaned_data.get("through") or through
        rows = selectors.key_project_progress(user, year, through)
        plan = sum((r.annual_plan for r in rows), start=0)
        completed = sum((r.completed for r in rows), start=0)
        return super().get_context_data(
            form=form,
            year=year,
            years=years,
            through=through,
            rows=rows,
            plan_total=plan,
            completed_total=completed,
            progress_total=(completed / plan * 100) if plan else None,
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
