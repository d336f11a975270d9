"""The 招商局's side: the inbox (overdue first), a consultation's page with its conversation
and the actions on it (reply, close, reassign, turn into a project), the hotline call log and
the routes. Reading follows the departments a user reads; changing, the departments where the
user is an editor (zone administrators change all). The services check the same again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from kaifaqu.core import access
from kaifaqu.core.filters import FormFilter
from kaifaqu.core.http import stored_file_response
from kaifaqu.core.views.forms import PageFormView, ServiceFormView
from kaifaqu.core.views.lists import TableView
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
from ..tables import InboxTable
from ._common import (
    ConsultationsChangeMixin,
    ConsultationsReadMixin,
    changes_consultations,
    consultation_department_ids,
    mark_invalid,
    put_errors,
)

PAGE_SIZE = 30


class InboxView(ConsultationsReadMixin, TableView):
    """The staff inbox: overdue first; the askers' contacts masked unless the user may see
    them (an unmasked page or export is audited with its purpose)."""

    template_name = "consultations/inbox.html"
    table_class = InboxTable
    paginate_by = PAGE_SIZE
    context_object_name = "rows"
    list_name = "consultations"
    export_title = gettext_lazy("Consultations")

    @cached_property
    def filterset(self) -> FormFilter:
        return FormFilter(InboxFilterForm(self.filter_data()))

    @cached_property
    def filtered(self):
        return selectors.inbox(self.request.user, **self.filterset.form.selection())

    def get_queryset(self):
        return self.filtered

    def get_table_kwargs(self):
        purpose = "export of consultations" if self.exporting else "consultation inbox"
        return {"user": self.request.user, "purpose": purpose}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            may_log_calls=changes_consultations(self.request.user), **kwargs
        )


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


class DetailView(ConsultationsReadMixin, TemplateView):
    """A consultation's page; its forms post to the views below, whose refusals come back
    here (``consultation`` given to spare loading it twice)."""

    template_name = "consultations/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        pk, consultation = kwargs.pop("pk"), kwargs.pop("consultation", None)
        consultation = consultation or selectors.consultation_for_staff(self.request.user, pk)
        return detail_context(self.request, consultation, **kwargs)


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


class _DetailFormView(ConsultationsReadMixin, PageFormView):
    """A form of a consultation's page; a success returns to it."""

    #: The name the page gives its empty form, where a refused one goes back.
    form_name: str

    def post(self, request, *args, **kwargs):
        # After the reader check in dispatch, before the form is read.
        self.consultation = _to_change(request, kwargs["pk"])
        return super().post(request, *args, **kwargs)

    def page(self, form):
        refused = {"consultation": self.consultation, self.form_name: form}
        return DetailView, {"pk": self.consultation.pk}, refused

    def get_success_url(self) -> str:
        return reverse("consultations:detail", args=[self.consultation.pk])


class ReplyView(_DetailFormView):
    form_class = StaffReplyForm
    form_name = "reply_form"
    success_message = gettext_lazy("Your reply was sent to the visitor.")

    def call_service(self, *, actor, data):
        return services.consultation_reply(actor=actor, consultation=self.consultation, **data)


class CloseView(_DetailFormView):
    form_class = VersionForm
    form_name = "close_form"
    prefix = "close"
    success_message = gettext_lazy("The consultation was closed.")

    def call_service(self, *, actor, data):
        return services.consultation_close(actor=actor, consultation=self.consultation, **data)


class ReassignView(_DetailFormView):
    form_class = ReassignForm
    form_name = "reassign_form"
    success_message = gettext_lazy("The consultation was reassigned.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "department_id": self.consultation.department_id}

    def call_service(self, *, actor, data):
        return services.consultation_reassign(actor=actor, consultation=self.consultation, **data)


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
        mark_invalid(form)
        return render_detail(request, consultation, convert_form=form, matches=matches)


# --- the hotline and the routes ---------------------------------------------------------


class HotlineView(ConsultationsChangeMixin, ServiceFormView):
    template_name = "consultations/hotline.html"
    form_class = HotlineForm

    def call_service(self, *, actor, data):
        return services.hotline_call_log(actor=actor, **data)

    def get_success_message(self) -> str:
        return _("The call was logged as %(number)s.") % {"number": self.result.number}

    def get_success_url(self) -> str:
        return reverse("consultations:detail", args=[self.result.pk])


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
