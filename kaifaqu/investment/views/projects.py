"""The project pipeline's pages: the kanban, the list, a project's page, entering, changing,
moving and merging projects. Thin: the selectors read, the services write and refuse."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from kaifaqu.core import access
from kaifaqu.core.forms import mark_invalid, put_errors
from kaifaqu.core.http import stored_file_response
from kaifaqu.core.views.lists import TableView
from kaifaqu.core.views.mixins import BusinessReadMixin
from kaifaqu.enterprises import contacts

from .. import selectors, services, stages
from ..filters import KanbanFilter, ProjectFilter
from ..forms import (
    FileForm,
    FollowUpForm,
    IssueForm,
    MergeForm,
    MoveForm,
    MovePickForm,
    PlanForm,
    ProjectCreateForm,
    ProjectUpdateForm,
    ReportForm,
    TrancheForm,
)
from ..models import KeyLevel, ProjectFile, StageMove
from ..stages import Stage
from ..tables import ProjectTable
from ._common import changeable, go, project_to_change, project_to_read, readable, safe_next

#: Cards shown in a kanban column; the rest are a click away in the list.
CARDS_PER_COLUMN = 40
PAGE_SIZE = 50


# --- the kanban and the list ------------------------------------------------------------


class KanbanView(BusinessReadMixin, TemplateView):
    """A column per stage with its count and investment sums; cards move by drag and drop
    or by each card's "move to…" form, both opening the evidence form of the move."""

    template_name = "investment/kanban.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        board = KanbanFilter(
            self.request.GET or None, queryset=selectors.project_list(user), request=self.request
        )
        qs = board.qs if board.is_valid() or not board.is_bound else board.queryset.none()
        cards = selectors.kanban_cards(qs, CARDS_PER_COLUMN)
        columns = selectors.kanban_columns(qs)
        editable = access.editable_department_ids(user)
        for column in columns:
            column.moves = [(s, s.label) for s in stages.allowed_moves(column.stage)]
            column.cards = cards[column.stage]
            column.more = column.count - len(column.cards)
            column.collapsed = column.stage == Stage.DROPPED
            for card in column.cards:
                card.may_move = bool(column.moves) and (
                    editable is None or card.department_id in editable
                )
        return super().get_context_data(
            filter=board,
            columns=columns,
            may_create=access.changes_some_business(user),
            query=self.request.GET.urlencode(),
            **kwargs,
        )


class ProjectListView(BusinessReadMixin, TableView):
    template_name = "investment/project_list.html"
    table_class = ProjectTable
    filterset_class = ProjectFilter
    paginate_by = PAGE_SIZE
    context_object_name = "projects"
    list_name = "projects"
    export_title = gettext_lazy("Investment projects")

    def get_queryset(self):
        return selectors.project_list(self.request.user)

    def get_context_data(self, **kwargs):
        columns = selectors.kanban_columns(self.filtered)
        return super().get_context_data(
            total_count=sum(c.count for c in columns),
            total_contract=sum(c.contract_investment for c in columns),
            total_investment=sum(c.total_investment for c in columns),
            may_create=access.changes_some_business(self.request.user),
            **kwargs,
        )


# --- a project's page -------------------------------------------------------------------


def project_context(user, project, **overrides) -> dict:
    """Everything the project page shows; ``overrides`` put bound forms (with their errors)
    or the unmasked contact in place of the defaults."""
    editable = access.can_change_department(user, project.department_id) and not (
        project.merged_into_id
    )
    today = timezone.localdate()
    key = project.key_level != KeyLevel.NONE
    tranches = list(selectors.tranches_of(project))
    context = {
        "project": project,
        "editable": editable,
        # Masked until a permitted user asks to see it (that view is audited).
        "contact": contacts.masked(
            project.investor.contact_person, project.investor.phone, project.investor.email
        ),
        "may_reveal": contacts.can_see_contacts(user),
        "spans": [(Stage(s.stage).label, s) for s in selectors.time_in_stage(project)],
        "timeline": selectors.project_timeline(project),
        "follow_ups": selectors.follow_ups_of(project),
        "files": selectors.files_of(project),
        "tranches": tranches,
        "tranche_total": sum((t.amount for t in tranches), start=0),
        "merged": selectors.merged_records(project),
        "key": key,
        "moves_allowed": [(s, s.label) for s in stages.allowed_moves(project.stage)],
    }
    if key:
        reports = list(selectors.reports_of(project))
        context.update(plans=selectors.plans_of(project), reports=reports)
    if editable:
        context.update(
            followup_form=FollowUpForm(initial={"on": today}),
            file_form=FileForm(),
            tranche_form=TrancheForm(initial={"on": today, "capital": project.capital}),
            merge_form=MergeForm(candidates=selectors.merge_candidates(user, project)),
        )
        if key:
            context.update(
                plan_form=PlanForm(initial={"year": today.year}),
                report_form=ReportForm(initial={"month": today.strftime("%Y-%m")}),
                issue_form=IssueForm(),
                issue_reports=context["reports"],
            )
    context.update(overrides)
    return context


def render_project(request, project, *, status: int = 200, **overrides):
    return render(
        request,
        "investment/project_detail.html",
        project_context(request.user, project, **overrides),
        status=status,
    )


class ProjectDetailView(BusinessReadMixin, TemplateView):
    """The project page; the forms on it post to the views of ``records``, whose refusals
    come back here (``project`` given to spare loading it twice)."""

    template_name = "investment/project_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        pk, project = kwargs.pop("pk"), kwargs.pop("project", None)
        return project_context(user, project or project_to_read(user, pk), **kwargs)


class ContactRevealView(BusinessReadMixin, View):
    """Show the investor's contact details to a user who may see them; the view is audited
    (enterprises.contacts records it)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        project = project_to_read(request.user, pk)
        if not contacts.can_see_contacts(request.user):
            raise PermissionDenied
        contact = contacts.contact_for(request.user, project.investor, purpose="project page")
        if request.htmx:
            return render(
                request,
                "investment/_contact.html",
                {"project": project, "contact": contact, "may_reveal": True},
            )
        return render_project(request, project, contact=contact)


class EvidenceDownloadView(BusinessReadMixin, View):
    def get(self, request, pk: int):
        move = get_object_or_404(StageMove.objects.select_related("project"), pk=pk)
        readable(request.user, move.project.department_id)
        if not move.evidence_file:
            raise Http404
        return stored_file_response(move.evidence_file)


class FileDownloadView(BusinessReadMixin, View):
    """A project's file, for those who read the project."""

    def get(self, request, pk: int):
        kept = get_object_or_404(ProjectFile.objects.select_related("project"), pk=pk)
        readable(request.user, kept.project.department_id)
        return stored_file_response(kept.file, name=kept.name, content_type=kept.content_type)


# --- entering and changing --------------------------------------------------------------


class _EditorMixin(BusinessReadMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.changes_some_business(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ProjectCreateView(_EditorMixin, View):
    """A new project. A likely duplicate stops it and shows the matches, with links; the
    editor opens one to merge, or confirms that this is a different project."""

    template_name = "investment/project_create.html"

    def _form(self, data=None, show_confirm=False):
        return ProjectCreateForm(
            data,
            user=self.request.user,
            contacts=contacts.can_see_contacts(self.request.user),
            show_confirm=show_confirm,
        )

    def get(self, request):
        return render(request, self.template_name, {"form": self._form()})

    def post(self, request):
        form = self._form(request.POST, show_confirm=True)
        matches = []
        if form.is_valid():
            try:
                project = self._create(form.cleaned_data)
            except services.DuplicateProjectError as error:
                matches = error.matches
                form.add_error(
                    None, _("This project may be in the ledger already; see the matches below.")
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("Project %(name)s entered.") % {"name": project.name})
                return go(request, reverse("investment:project_detail", args=[project.pk]))
        if not matches:
            form = self._rebound(form)
        return render(request, self.template_name, {"form": form, "matches": matches})

    def _rebound(self, form):
        """Without matches to confirm, the confirmation box stays hidden."""
        form.fields["confirm_different"].widget = form.fields["confirm_different"].hidden_widget()
        return form

    def _create(self, data: dict):
        if data.get("first_contact_on") is None:
            data.pop("first_contact_on", None)  # the service's default: today
        return services.project_create_with_investor(
            actor=self.request.user,
            investor_name=data.pop("investor_name"),
            investor_code=data.pop("investor_code") or "",
            contacts={k: data.pop(k, "") or "" for k in ("contact_person", "phone", "email")},
            allow_duplicate=data.pop("confirm_different"),
            **data,
        )


class ProjectUpdateView(BusinessReadMixin, View):
    template_name = "investment/project_form.html"

    def get(self, request, pk: int):
        project = project_to_change(request.user, pk)
        form = ProjectUpdateForm(instance=project, user=request.user)
        return render(request, self.template_name, {"form": form, "project": project})

    def post(self, request, pk: int):
        project = project_to_change(request.user, pk)
        form = ProjectUpdateForm(request.POST, instance=project, user=request.user)
        if form.is_valid():
            try:
                services.project_update(
                    actor=request.user,
                    project=project,
                    version=form.cleaned_data["version"],
                    **form.changes(),
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return go(request, reverse("investment:project_detail", args=[pk]))
        return render(request, self.template_name, {"form": form, "project": project})


# --- moving -----------------------------------------------------------------------------


class ProjectMoveView(BusinessReadMixin, View):
    """The evidence form of one move (GET ``?to=…&version=…``), and the move itself (POST).

    Asked by htmx (the kanban's dialog), the form comes alone and a success reloads the page
    the move was made from; otherwise it is a page of its own. A refusal (a skipped stage,
    missing evidence, a stale version) comes back on the form and nothing changes.
    """

    def _template(self, request) -> str:
        return "investment/_move_form.html" if request.htmx else "investment/move.html"

    def _render(self, request, project, form, status=200):
        mark_invalid(form)
        context = {
            "project": project,
            "form": form,
            "moves_allowed": [s.label for s in stages.allowed_moves(project.stage)],
            "target_label": Stage(form.target).label if form.target else "",
        }
        return render(request, self._template(request), context, status=status)

    def get(self, request, pk: int):
        project = project_to_change(request.user, pk)
        pick = MovePickForm(request.GET)
        target = pick.data.get("to") if pick.is_valid() else None
        version = pick.cleaned_data.get("version") if pick.is_valid() else None
        back = safe_next(request, reverse("investment:project_detail", args=[pk]))
        form = MoveForm(
            target=target,
            initial={
                "to": target,
                "on": timezone.localdate(),
                "version": version or project.version,
                "next": back,
            },
        )
        return self._render(request, project, form)

    def post(self, request, pk: int):
        project = project_to_change(request.user, pk)
        form = MoveForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                moved = services.project_move(
                    actor=request.user,
                    project=project,
                    to=data["to"],
                    on=data["on"],
                    evidence_text=data.get("evidence_text", ""),
                    evidence_file=data.get("evidence_file"),
                    reason=data.get("reason", ""),
                    version=data["version"],
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(project)s moved to %(stage)s.")
                    % {"project": moved.name, "stage": moved.get_stage_display()},
                )
                back = safe_next(request, reverse("investment:project_detail", args=[pk]))
                return go(request, back)
        return self._render(request, project, form)


# --- merging ----------------------------------------------------------------------------


class ProjectMergeView(BusinessReadMixin, View):
    """Fold another record of the same project into this one: pick it (the likely duplicates
    are offered first), see both side by side, confirm."""

    template_name = "investment/merge.html"

    def _context(self, request, project, form):
        other = None
        if form.is_bound and form.is_valid():
            other = form.cleaned_data["other"]
        matches = selectors.project_duplicates(
            name=project.name, investor=project.investor, exclude=project.pk
        )
        return {"project": project, "form": form, "other": other, "matches": matches}

    def get(self, request, pk: int):
        project = project_to_change(request.user, pk)
        candidates = selectors.merge_candidates(request.user, project)
        form = MergeForm(request.GET or None, candidates=candidates)
        return render(request, self.template_name, self._context(request, project, form))

    def post(self, request, pk: int):
        project = project_to_change(request.user, pk)
        candidates = selectors.merge_candidates(request.user, project)
        form = MergeForm(request.POST, candidates=candidates)
        if form.is_valid():
            if not form.cleaned_data["confirm"]:
                form.add_error("confirm", _("Tick the box to confirm the merge."))
            else:
                other = form.cleaned_data["other"]
                changeable(request.user, other.department_id)
                try:
                    services.project_merge(actor=request.user, keep=project, merge=other)
                except ValidationError as error:
                    put_errors(form, error)
                else:
                    messages.success(
                        request,
                        _("%(other)s was merged into this record.") % {"other": other.name},
                    )
                    return go(request, reverse("investment:project_detail", args=[pk]))
        return render(request, self.template_name, self._context(request, project, form))


__all__ = [
    "ContactRevealView",
    "EvidenceDownloadView",
    "FileDownloadView",
    "KanbanView",
    "ProjectCreateView",
    "ProjectDetailView",
    "ProjectListView",
    "ProjectMergeView",
    "ProjectMoveView",
    "ProjectUpdateView",
    "project_context",
    "render_project",
]
