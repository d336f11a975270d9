"""The 招商局's side: the inbox (overdue first), a consultation's page with its conversation
and the actions on it (reply, close, reassign, turn into a project), the hotline call log and
the routes. Reading follows the departments a user reads; changing, the departments where the
user is an editor (zone administrators change all). The services check the same again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from kaifaqu.core import access
from kaifaqu.core.http import stored_file_response
from kaifaqu.enterprises import contacts
from kaifaqu.enterprises.contacts import can_see_contacts
from kaifaqu.investment.services import DuplicateProjectError
from kaifaqu.portal.categories import Category

from .. import selectors, services
from ..forms import (
    ConvertForm,
    HotlineForm,
    InboxFilterForm,
    ReassignForm,
    RouteForm,
    StaffReplyForm,
    VersionForm,
)
from ..models import Attachment, Status
from ._common import (
    ConsultationsChangeMixin,
    ConsultationsReadMixin,
    changes_consultations,
    consultation_department_ids,
    mark_invalid,
    put_errors,
)

PAGE_SIZE = 30


class InboxView(ConsultationsReadMixin, View):
    def get(self, request):
        filters = InboxFilterForm(request.GET or None)
        qs = selectors.inbox(request.user, **filters.selection())
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        shown = selectors.contacts_for(request.user, rows, purpose="consultation inbox")
        for row in rows:
            row.contact = shown.get(row.pk)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "filters": filters,
            "rows": rows,
            "page_obj": page,
            "is_paginated": page.paginator.num_pages > 1,
            "query": query.urlencode(),
            "may_log_calls": changes_consultations(request.user),
        }
        return render(request, "consultations/inbox.html", context)


# --- a consultation's page --------------------------------------------------------------


def detail_context(request, consultation, **overrides) -> dict:
    user = request.user
    editable = access.can_change_department(user, consultation.department_id)
    closed = consultation.status == Status.CLOSED
    lead = consultation.lead
    context = {
        "consultation": consultation,
        # Masked until a permitted user asks to see it (that view is audited).
        "contact": contacts.masked(consultation.name, consultation.phone, consultation.email),
        "may_reveal": can_see_contacts(user),
        "messages_": selectors.thread(consultation),
        "question_files": selectors.question_attachments(consultation),
        "editable": editable,
        "closed": closed,
        "lead": lead,
        "project": lead.project if lead is not None and lead.project_id else None,
    }
    if editable:
        context.update(
            reply_form=StaffReplyForm(initial={"version": consultation.version}),
            close_form=VersionForm(prefix="close", initial={"version": consultation.version}),
            reassign_form=ReassignForm(
                department_id=consultation.department_id,
                initial={"officer": consultation.officer_id, "version": consultation.version},
            ),
            convert_form=ConvertForm(
                initial={
                    "project_name": consultation.organisation or consultation.name,
                    "version": consultation.version,
                }
            ),
            may_convert=lead is not None and not lead.project_id,
        )
    context.update(overrides)
    for key in ("reply_form", "reassign_form", "convert_form"):
        if key in context:
            mark_invalid(context[key])
    return context


def render_detail(request, consultation, *, status: int = 200, **overrides):
    return render(
        request,
        "consultations/detail.html",
        detail_context(request, consultation, **overrides),
        status=status,
    )


def _to_change(request, pk: int):
    consultation = selectors.consultation_for_staff(request.user, pk)
    if not access.can_change_department(request.user, consultation.department_id):
        raise PermissionDenied
    return consultation


class DetailView(ConsultationsReadMixin, View):
    def get(self, request, pk: int):
        return render_detail(request, selectors.consultation_for_staff(request.user, pk))


class ContactRevealView(ConsultationsReadMixin, View):
    """The visitor's contact details unmasked, for a user who may see them (audited)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        consultation = selectors.consultation_for_staff(request.user, pk)
        if not can_see_contacts(request.user):
            raise PermissionDenied
        contact = selectors.contact_for(request.user, consultation, purpose="consultation page")
        if getattr(request, "htmx", False):
            return render(
                request,
                "consultations/_contact.html",
                {"consultation": consultation, "contact": contact, "may_reveal": True},
            )
        return render_detail(request, consultation, contact=contact)


class StaffFileView(ConsultationsReadMixin, View):
    def get(self, request, token: str):
        attachment = get_object_or_404(Attachment, token=token)
        selectors.consultation_for_staff(request.user, attachment.consultation_id)
        return stored_file_response(
            attachment.file, name=attachment.name, content_type=attachment.content_type
        )


class ReplyView(ConsultationsReadMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        consultation = _to_change(request, pk)
        form = StaffReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.consultation_reply(
                    actor=request.user,
                    consultation=consultation,
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data["files"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("Your reply was sent to the visitor."))
                return redirect("consultations:detail", pk=pk)
        return render_detail(request, consultation, reply_form=form)


class CloseView(ConsultationsReadMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        consultation = _to_change(request, pk)
        form = VersionForm(request.POST, prefix="close")
        try:
            if not form.is_valid():
                raise ValidationError(form.errors["version"])
            services.consultation_close(
                actor=request.user, consultation=consultation, version=form.cleaned_data["version"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The consultation was closed."))
        return redirect("consultations:detail", pk=pk)


class ReassignView(ConsultationsReadMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        consultation = _to_change(request, pk)
        form = ReassignForm(request.POST, department_id=consultation.department_id)
        if form.is_valid():
            try:
                services.consultation_reassign(
                    actor=request.user,
                    consultation=consultation,
                    officer=form.cleaned_data["officer"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("The consultation was reassigned."))
                return redirect("consultations:detail", pk=pk)
        return render_detail(request, consultation, reassign_form=form)


class ConvertView(ConsultationsReadMixin, View):
    """Turn the consultation into a project; a likely duplicate stops it and shows the
    matches, and the officer confirms that this is a different project or opens the match."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        consultation = _to_change(request, pk)
        form = ConvertForm(request.POST, show_confirm=True)
        matches = []
        if form.is_valid():
            data = form.cleaned_data
            try:
                project = services.consultation_convert(
                    actor=request.user,
                    consultation=consultation,
                    version=data["version"],
                    project_name=data["project_name"],
                    org_unit=data["org_unit"],
                    industry=data["industry"],
                    allow_duplicate=data["confirm_different"],
                )
            except DuplicateProjectError as error:
                matches = error.matches
                form.add_error(
                    None, _("This project may be in the ledger already; see the matches below.")
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(
                    request, _("Project %(name)s entered at the lead stage.") % {"name": project}
                )
                return redirect("investment:project_detail", pk=project.pk)
        if not matches:
            form.fields["confirm_different"].widget = form.fields[
                "confirm_different"
            ].hidden_widget()
        return render_detail(request, consultation, convert_form=form, matches=matches)


# --- the hotline and the routes ---------------------------------------------------------


class HotlineView(ConsultationsChangeMixin, View):
    template_name = "consultations/hotline.html"

    def _render(self, request, form):
        mark_invalid(form)
        return render(request, self.template_name, {"form": form})

    def get(self, request):
        return self._render(request, HotlineForm())

    def post(self, request):
        form = HotlineForm(request.POST)
        if form.is_valid():
            try:
                consultation = services.hotline_call_log(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The call was logged as %(number)s.") % {"number": consultation.number},
                )
                return redirect("consultations:detail", pk=consultation.pk)
        return self._render(request, form)


class RoutesView(ConsultationsChangeMixin, View):
    """Who answers each category: zone administrators and the 招商局's editors set it."""

    template_name = "consultations/routes.html"

    def _rows(self, request, bound: RouteForm | None = None):
        current = {r.category: r for r in selectors.routes()}
        departments = sorted(consultation_department_ids())
        rows = []
        for code, label in Category.choices:
            route = current.get(code)
            if bound is not None and bound.data.get("category") == code:
                form = bound
            else:
                form = RouteForm(
                    department_ids=departments,
                    initial={"category": code, "officer": route.officer_id if route else None},
                )
            rows.append({"code": code, "label": label, "route": route, "form": form})
        return rows

    def get(self, request):
        return render(request, self.template_name, {"rows": self._rows(request)})

    def post(self, request):
        form = RouteForm(request.POST, department_ids=sorted(consultation_department_ids()))
        if form.is_valid():
            try:
                services.route_set(
                    actor=request.user,
                    category=form.cleaned_data["category"],
                    officer=form.cleaned_data["officer"],
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("consultations:routes")
        mark_invalid(form)
        return render(request, self.template_name, {"rows": self._rows(request, form)})
