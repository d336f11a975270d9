"""The investment workbook's pages: the upload, its preview and confirmation, the template and
the export. Thin: the reader, importer and writer do the work; the uploaded file waits between
the preview and the confirmation in the statistics workbook's staging area."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from kaifaqu.core import access
from kaifaqu.core.views.mixins import BusinessReadMixin
from kaifaqu.stats.workbook import staging
from kaifaqu.stats.workbook.files import sheets_in_words
from kaifaqu.stats.workbook.http import (
    checked_upload,
    preview_context,
    start_check,
    start_import,
    xlsx_attachment,
)

from .columns import COLUMN_LABELS, SHEET_LABELS, SHEETS
from .forms import ExportFilterForm, WorkbookUploadForm
from .preview import WORKBOOK
from .selectors import keeping_departments
from .writer import template_workbook, workbook_export


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
        return start_check(request, WORKBOOK, staging.stage(upload), upload.name)


class ImportPreviewView(ImporterMixin, TemplateView):
    """What the upload would do: counts, the first rows, and every problem by sheet, row and
    column. The counts come from a dry run, so they include the services' own checks; the
    dry run is made on the first view and kept beside the upload."""

    template_name = "investment/workbook/preview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        found = checked_upload(self.request, WORKBOOK, kwargs["token"])
        return super().get_context_data(**preview_context(found), **kwargs)


class ImportConfirmView(ImporterMixin, View):
    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        return start_import(request, WORKBOOK, token)


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
