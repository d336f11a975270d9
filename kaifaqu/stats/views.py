"""Back-office pages of the statistics: the workbook upload, preview, import and downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from kaifaqu.core import access
from kaifaqu.core.views.mixins import BusinessReadMixin

from .forms import WorkbookUploadForm
from .workbook import (
    CONTENT_TYPE,
    SHEETS,
    import_plan,
    read_workbook,
    staging,
    template_workbook,
    workbook_export,
)
from .workbook.columns import ELEMENTS, ORGUNITS, TARGETS, VALUES
from .workbook.reader import OrgUnitRow, TargetRow, ValueRow
from .workbook.selectors import orgunits_by_code

PREVIEW_ROWS = 10


class WorkbookEditorMixin(LoginRequiredMixin):
    """Department editors and zone administrators; others get 403 (anonymous: the login)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.changes_some_business(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class WorkbookView(WorkbookEditorMixin, FormView):
    template_name = "stats/workbook.html"
    form_class = WorkbookUploadForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(sheets=SHEETS, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        token = staging.stage(upload)
        staging.remember(self.request.session, token, upload.name)
        return redirect("stats:import_preview", token=token)


def _staged(request, token: str):
    """The uploaded file of this session under ``token`` and its name, or 404."""
    name = staging.owned(request.session, token)
    path = staging.path_of(token)
    if name is None or path is None:
        raise Http404(_("This upload has expired: upload the workbook again."))
    return path, name


def _cells(row) -> list:
    """A planned row as the sheet shows it, for the preview."""
    if isinstance(row, ValueRow):
        return [
            row.org, row.element, row.period, row.value, row.status,
            row.reported_growth_pct, row.comparable_prior, row.note,
        ]  # fmt: skip
    if isinstance(row, TargetRow):
        return [row.org, row.element, row.year, row.value, row.note]
    if isinstance(row, OrgUnitRow):
        return [row.code, row.name, row.kind, row.parent]
    return [
        row.code, row.name_zh, row.name_en, row.unit, row.time_aggregation,
        row.unit_aggregation, row.growth_basis, row.decimals,
        ", ".join(row.parts) if row.parts is not None else "", row.department,
    ]  # fmt: skip


class ImportPreviewView(WorkbookEditorMixin, TemplateView):
    """What the upload would do: counts, the first rows, and every problem by sheet, row and
    column. The counts come from a dry run, so they include the services' own checks."""

    template_name = "stats/preview.html"

    def get_context_data(self, **kwargs):
        path, name = _staged(self.request, kwargs["token"])
        plan = read_workbook(path, name=name)
        result = import_plan(plan, actor=self.request.user, dry_run=True)
        sheets = []
        for sheet in (ELEMENTS, ORGUNITS, VALUES, TARGETS):
            rows = plan.rows(sheet)
            sheets.append(
                {
                    "name": sheet,
                    "columns": [c.name for c in SHEETS[sheet]],
                    "rows": [(r.row, _cells(r)) for r in rows[:PREVIEW_ROWS]],
                    "count": len(rows),
                    "more": max(0, len(rows) - PREVIEW_ROWS),
                    "counts": result.counts[sheet],
                }
            )
        problems: dict[str, list] = {}
        for problem in result.problems:
            problems.setdefault(problem.sheet, []).append(problem)
        return super().get_context_data(
            plan=plan,
            result=result,
            sheets=sheets,
            problems=sorted(problems.items()),
            **kwargs,
        )


class ImportConfirmView(WorkbookEditorMixin, View):
    def post(self, request, token):
        path, name = _staged(request, token)
        plan = read_workbook(path, name=name)
        result = import_plan(plan, actor=request.user)
        if not result.imported:
            # Something changed since the preview; the preview now shows what.
            messages.error(request, _("Nothing was imported: the workbook has problems."))
            return redirect("stats:import_preview", token=token)
        staging.forget(request.session, token)
        messages.success(
            request,
            _(
                "%(file)s imported: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            % {
                "file": name,
                "created": sum(c["created"] for c in result.counts.values()),
                "updated": sum(c["updated"] for c in result.counts.values()),
                "unchanged": sum(c["unchanged"] for c in result.counts.values()),
            },
        )
        return redirect("stats:workbook")


class TemplateDownloadView(WorkbookEditorMixin, View):
    def get(self, request):
        return _attachment(template_workbook(), "kaifaqu-statistics-template.xlsx")


class ExportDownloadView(BusinessReadMixin, View):
    """The values and targets of the elements the user may read (``?org=`` narrows the units)."""

    def get(self, request):
        codes = [c for c in request.GET.getlist("org") if c]
        orgs = orgunits_by_code(codes)
        if set(codes) - set(orgs):
            raise Http404(_("Unknown org unit."))
        data, _counts = workbook_export(actor=request.user, orgs=list(orgs.values()) or None)
        stamp = timezone.localdate().strftime("%Y%m%d")
        return _attachment(data, f"kaifaqu-statistics-{stamp}.xlsx")
