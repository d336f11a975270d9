"""The investment workbook's pages: the upload, its preview and confirmation, the template and
the export. Thin: the reader, importer and writer do the work; the uploaded file waits between
the preview and the confirmation in the statistics workbook's staging area."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from kaifaqu.core import access
from kaifaqu.core.views.mixins import BusinessReadMixin
from kaifaqu.stats.workbook import staging
from kaifaqu.stats.workbook.files import sheets_in_words
from kaifaqu.stats.workbook.http import (
    checked_upload,
    findings,
    import_upload,
    imported_message,
    preview_context,
    xlsx_attachment,
)

from .columns import (
    COLUMN_LABELS,
    PLANS,
    PROGRESS,
    PROJECTS,
    SHEET_LABELS,
    SHEET_NAMES,
    SHEETS,
    TRANCHES,
)
from .forms import ExportFilterForm, WorkbookUploadForm
from .importer import ImportResult, import_plan
from .reader import Plan, read_workbook
from .selectors import keeping_departments
from .writer import template_workbook, workbook_export

#: The uploads of this workbook, kept apart in the session from the statistics workbook's.
SESSION_KEY = "investment_workbook_uploads"
#: The columns the preview shows of each sheet's first rows.
PREVIEW_COLUMNS = {
    PROJECTS: (
        "ref",
        "name",
        "investor_name",
        "investor_credit_code",
        "stage",
        "contract_investment",
        "total_investment",
    ),
    TRANCHES: ("id", "project", "date", "amount", "capital", "voucher"),
    PLANS: ("project", "year", "annual_plan"),
    PROGRESS: ("project", "month", "completed_investment", "problem_kind", "problem"),
}


def may_import(user) -> bool:
    """Zone administrators, and editors of a department that keeps investment projects."""
    editable = access.editable_department_ids(user)
    return editable is None or bool(editable & keeping_departments())


class ImporterMixin(LoginRequiredMixin):
    """Those who may import projects; others get 403 (anonymous: the login page)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _page(request, *, upload=None, export=None, status: int = 200):
    importer = may_import(request.user)
    return render(
        request,
        "investment/workbook/page.html",
        {
            "may_import": importer,
            "upload_form": (upload or WorkbookUploadForm()) if importer else None,
            "export_form": export or ExportFilterForm(),
            "sheets": sheets_in_words(SHEETS, SHEET_LABELS, COLUMN_LABELS),
        },
        status=status,
    )


class WorkbookView(BusinessReadMixin, View):
    """The page: import (for those who may), export and the format, for every reader."""

    def get(self, request):
        return _page(request)

    def post(self, request):
        if not may_import(request.user):
            raise PermissionDenied
        form = WorkbookUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return _page(request, upload=form)
        upload = form.cleaned_data["file"]
        token = staging.stage(upload)
        staging.remember(request.session, token, upload.name, key=SESSION_KEY)
        return redirect("investment_workbook:preview", token=token)


def _cells(row, sheet: str) -> list:
    """A planned row's main cells, for the preview."""
    if sheet == PROJECTS:
        return [
            row.ref or "",
            row.name or (row.project.name if row.project else ""),
            row.investor_name,
            row.credit_code,
            row.stage,
            row.contract_investment,
            row.total_investment,
        ]
    project = row.project[1]
    if sheet == TRANCHES:
        return [
            row.tranche.pk if row.tranche else "",
            project,
            row.on,
            row.amount,
            row.capital,
            row.voucher or "",
        ]
    if sheet == PLANS:
        return [project, row.year, row.annual_plan]
    kind, problem = (row.issue[0], row.issue[1]) if row.issue else ("", "")
    return [project, row.month, row.completed_investment, kind, problem]


def _findings(plan: Plan, result: ImportResult) -> dict[str, Any]:
    return findings(plan, result, {s: PREVIEW_COLUMNS[s] for s in SHEET_NAMES}, _cells)


class ImportPreviewView(ImporterMixin, TemplateView):
    """What the upload would do: counts, the first rows, and every problem by sheet, row and
    column. The counts come from a dry run, so they include the services' own checks; the
    dry run is made on the first view and kept beside the upload."""

    template_name = "investment/workbook/preview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        def check(path: Path, name: str) -> dict[str, Any]:
            plan = read_workbook(path, name=name)
            return _findings(plan, import_plan(plan, actor=self.request.user, dry_run=True))

        found = checked_upload(self.request, kwargs["token"], SESSION_KEY, check)
        return super().get_context_data(**preview_context(found), **kwargs)


class ImportConfirmView(ImporterMixin, View):
    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        name, result = import_upload(
            request, token, SESSION_KEY, read=read_workbook, run=import_plan, describe=_findings
        )
        if result is None:
            # Something changed since the preview; the preview now shows what.
            messages.error(request, _("Nothing was imported: the workbook has problems."))
            return redirect("investment_workbook:preview", token=token)
        messages.success(request, imported_message(name, result))
        return redirect("investment_workbook:page")


class TemplateDownloadView(ImporterMixin, View):
    def get(self, request):
        return xlsx_attachment(template_workbook(), "kaifaqu-investment-template.xlsx")


class ExportDownloadView(BusinessReadMixin, View):
    """The projects the user may read, narrowed by the project list's filters."""

    def get(self, request):
        form = ExportFilterForm(request.GET)
        if not form.is_valid():
            return _page(request, export=form, status=400)
        data, _counts = workbook_export(actor=request.user, filters=form.filters())
        stamp = timezone.localdate().strftime("%Y%m%d")
        return xlsx_attachment(data, f"kaifaqu-investment-{stamp}.xlsx")
