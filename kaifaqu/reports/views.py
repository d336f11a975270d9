"""The back office's report pages: types, templates, drafts, the draft's page, its blocks
(edited in place with htmx) and its files. Business readers read; the type's department
editors and zone administrators upload, draft and write blocks."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from kaifaqu.core.models import JobStatus
from kaifaqu.core.versioning import ConcurrentEditError
from kaifaqu.core.views.jobs import job_redirect
from kaifaqu.core.views.mixins import BusinessReadMixin
from kaifaqu.orgs.models import OrgUnit

from . import render, vocabulary
from .checker import TemplateRefused
from .forms import BlockForm, DraftForm, TemplateUploadForm
from .models import Draft, ReportTemplate, ReportType
from .selectors import (
    block_versions,
    current_blocks,
    draft_list,
    report_type_list,
    stale_blocks,
    template_list,
)
from .services import (
    blocks_carry_over,
    draft_block_save,
    draft_blocks_apply,
    draft_create,
    draft_start,
    may_write,
    pdf_start,
    template_upload,
)
from .tasks import file_name

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


class ReportTypeListView(BusinessReadMixin, TemplateView):
    template_name = "reports/type_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(report_types=report_type_list(), **kwargs)


class _TypeMixin(BusinessReadMixin):
    def dispatch(self, request, *args, **kwargs):
        self.report_type = get_object_or_404(
            ReportType.objects.select_related("department"), code=kwargs["code"]
        )
        return super().dispatch(request, *args, **kwargs)

    def require_write(self) -> None:
        if not may_write(self.request.user, self.report_type):
            raise PermissionDenied


class ReportTypeDetailView(_TypeMixin, TemplateView):
    """A type's templates (download, upload), its drafts, and the form to draft one."""

    template_name = "reports/type_detail.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("upload_form", TemplateUploadForm())
        kwargs.setdefault("draft_form", DraftForm())
        return super().get_context_data(
            report_type=self.report_type,
            templates=template_list(self.report_type),
            drafts=draft_list(self.report_type)[:50],
            can_write=may_write(self.request.user, self.report_type),
            vocabulary=vocabulary.GUIDE,
            **kwargs,
        )


class TemplateUploadView(_TypeMixin, View):
    def post(self, request, code):
        self.require_write()
        form = TemplateUploadForm(request.POST, request.FILES)
        problems = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                template = template_upload(
                    actor=request.user,
                    report_type=self.report_type,
                    content=upload.read(),
                    filename=upload.name,
                    note=form.cleaned_data["note"],
                )
            except TemplateRefused as refused:
                problems = refused.problems
            except ValidationError as e:
                form.add_error("file", e.messages)
            else:
                messages.success(
                    request, _("Template version %(v)d uploaded.") % {"v": template.version}
                )
                return redirect("reports:type", code=code)
        view = ReportTypeDetailView(request=request, kwargs={"code": code})
        view.report_type = self.report_type
        context = view.get_context_data(upload_form=form, problems=problems)
        return view.render_to_response(context, status=400)


class TemplateDownloadView(_TypeMixin, View):
    def get(self, request, code, version):
        template = get_object_or_404(ReportTemplate, report_type=self.report_type, version=version)
        name = f"{self.report_type.name}-v{template.version}.docx"
        return _download(bytes(template.content), name, DOCX)


class DraftCreateView(_TypeMixin, View):
    def post(self, request, code):
        self.require_write()
        form = DraftForm(request.POST)
        if form.is_valid():
            org = get_object_or_404(OrgUnit, code=form.cleaned_data["org"])
            try:
                job = draft_start(
                    actor=request.user,
                    report_type=self.report_type,
                    org_unit=org,
                    period=str(form.cleaned_data["period"]),
                )
            except ValidationError as e:
                for message in e.messages:
                    form.add_error("period", message)
            else:
                if job.status != JobStatus.FAILED:
                    return job_redirect(request, job, back=request.path)
                form.add_error("period", job.error)
        view = ReportTypeDetailView(request=request, kwargs={"code": code})
        view.report_type = self.report_type
        return view.render_to_response(view.get_context_data(draft_form=form), status=400)


class _DraftMixin(BusinessReadMixin):
    def dispatch(self, request, *args, **kwargs):
        self.draft = get_object_or_404(
            Draft.objects.select_related("report_type__department", "org_unit", "template"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    @property
    def can_write(self) -> bool:
        return may_write(self.request.user, self.draft.report_type)


class DraftView(_DraftMixin, TemplateView):
    """The draft as text: each figure a link to its figure page, changed ones marked, blocks
    editable in place, charts drawn by ECharts."""

    template_name = "reports/draft.html"

    def get_context_data(self, **kwargs):
        draft = self.draft
        blocks = current_blocks(draft.report_type, draft.org_unit, draft.period)
        estimates = sorted(
            {
                (e["name"], e["period"])
                for e in draft.values.values()
                if e.get("status") == "estimate" and e.get("metric")
            }
        )
        return super().get_context_data(
            draft=draft,
            paragraphs=render.page(draft),
            blocks=blocks,
            empty_blocks=any(
                e.get("call") == "block" and not blocks.get(e["key"], {}).get("text")
                for e in draft.values.values()
            ),
            estimates=estimates,
            stale_blocks=stale_blocks(draft, blocks),
            can_write=self.can_write,
            **kwargs,
        )


class DraftWordView(_DraftMixin, View):
    def get(self, request, pk):
        review = request.GET.get("copy", "review") != "final"
        content = render.docx(self.draft, review=review, base=request.build_absolute_uri("/"))
        suffix = _("review") if review else _("final")
        return _download(content, f"{file_name(self.draft)}-{suffix}.docx", DOCX)


class DraftPdfView(_DraftMixin, View):
    """POST: the PDF is made by a job (core.jobs); the user gets it when it is ready."""

    def post(self, request, pk):
        job = pdf_start(actor=request.user, draft=self.draft)
        return job_redirect(request, job, back=reverse("reports:draft", args=[pk]))


class DraftRedraftView(_DraftMixin, View):
    def post(self, request, pk):
        if not self.can_write:
            raise PermissionDenied
        d = self.draft
        try:
            job = draft_start(
                actor=request.user, report_type=d.report_type, org_unit=d.org_unit, period=d.period
            )
        except ValidationError as e:
            messages.error(request, "; ".join(e.messages))
            return redirect("reports:draft", pk=pk)
        return job_redirect(request, job, back=reverse("reports:draft", args=[pk]))


class DraftBlocksApplyView(_DraftMixin, View):
    """The blocks written since the draft (elsewhere) put into it, figures as printed."""

    def post(self, request, pk):
        if not self.can_write:
            raise PermissionDenied
        draft_blocks_apply(actor=request.user, draft=self.draft)
        messages.success(request, _("The draft, its Word and its PDF now hold the current blocks."))
        return redirect("reports:draft", pk=pk)


class BlocksCarryOverView(_DraftMixin, View):
    """Fill this period's empty blocks from the latest earlier period's, then redraft."""

    def post(self, request, pk):
        if not self.can_write:
            raise PermissionDenied
        d = self.draft
        try:
            filled = blocks_carry_over(
                actor=request.user, report_type=d.report_type, org_unit=d.org_unit, period=d.period
            )
            new = draft_create(
                actor=request.user, report_type=d.report_type, org_unit=d.org_unit, period=d.period
            )
        except (TemplateRefused, ValidationError) as e:
            messages.error(request, "; ".join(getattr(e, "messages", [str(e)])))
            return redirect("reports:draft", pk=pk)
        messages.success(
            request,
            _("%(n)s blocks start from the earlier period's text: rewrite them for this one.")
            % {"n": len(filled)},
        )
        return redirect("reports:draft", pk=new.pk)


class BlockView(_DraftMixin, View):
    """A block of the draft: GET its editor (or, with ?show=1, the text), POST a new version."""

    template_name = "reports/_block_edit.html"

    def _current(self, key: str) -> dict:
        d = self.draft
        return current_blocks(d.report_type, d.org_unit, d.period).get(
            key, {"text": "", "version": 0}
        )

    def _render(self, key: str, form=None, saved=None, status=200, editing=True):
        from django.template.loader import render_to_string

        d = self.draft
        current = self._current(key)
        form = form or BlockForm(initial={"text": current["text"], "version": current["version"]})
        html = render_to_string(
            self.template_name,
            {
                "draft": d,
                "key": key,
                "form": form,
                "current": current,
                "saved": saved,
                "editing": editing,
                "can_write": self.can_write,
                "versions": block_versions(d.report_type, d.org_unit, d.period, key)[:20],
            },
            request=self.request,
        )
        return HttpResponse(html, status=status)

    def _check_key(self, key: str) -> None:
        keys = {e.get("key") for e in self.draft.values.values() if e.get("call") == "block"}
        if key not in keys:
            raise Http404

    def get(self, request, pk, key):
        self._check_key(key)
        if request.GET.get("show") or not self.can_write:
            return self._render(key, editing=False)
        return self._render(key)

    def post(self, request, pk, key):
        if not self.can_write:
            raise PermissionDenied
        self._check_key(key)
        form = BlockForm(request.POST)
        if not form.is_valid():
            return self._render(key, form=form, status=400)
        try:
            saved = draft_block_save(
                actor=request.user,
                draft=self.draft,
                key=key,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
            )
        except ConcurrentEditError as e:
            form.add_error(None, e.messages)
            return self._render(key, form=form, status=409)
        except ValidationError as e:
            form.add_error("text", e.messages)
            return self._render(key, form=form, status=400)
        if not request.htmx:
            messages.success(request, _("Saved. The Word and PDF of this draft hold it."))
            return redirect(reverse("reports:draft", args=[pk]))
        return self._render(key, saved=saved, editing=False)
