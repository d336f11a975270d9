"""The personal space of a visitor: their consultations and the conversation on each, their
contact details, what they saved from the portal, deleting their data, signing out.

Only a signed-in user with a visitor profile enters; staff are refused (403) and anonymous
people are sent to the form with a word on how to get a link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from kaifaqu.core.http import stored_file_response

from .. import selectors, services
from ..forms import ContactDetailsForm, EraseForm, MessageForm
from ..models import Attachment, Status
from ._common import mark_invalid, put_errors

SAVED_ITEMS_TEMPLATE = "portal/_saved_items.html"


def saved_items_of(user) -> list:
    """What the visitor saved on the portal's pages (the portal keeps the list)."""
    try:
        from kaifaqu.portal.selectors import saved_items
    except ImportError:  # the portal's saving is not built yet
        return []
    return list(saved_items(user))


def saved_items_template() -> str:
    try:
        get_template(SAVED_ITEMS_TEMPLATE)
    except TemplateDoesNotExist:
        return "consultations/_saved_items_none.html"
    return SAVED_ITEMS_TEMPLATE


class VisitorMixin:
    """The signed-in visitor, as ``self.visitor``."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            messages.info(
                request,
                _(
                    "Your personal space opens with the sign-in link we sent to your phone or "
                    "email. Ask a question below to get a space, or ask for a new link."
                ),
            )
            return redirect("consultations:ask")
        self.visitor = selectors.visitor_of(request.user)
        if self.visitor is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class SpaceView(VisitorMixin, View):
    def get(self, request):
        consultations = selectors.consultations_of(self.visitor).annotate(
            last_reply_at=Max("messages__created_at", filter=Q(messages__from_staff=True))
        )
        context = {
            "visitor": self.visitor,
            "consultations": consultations,
            "saved_items": saved_items_of(request.user),
            "saved_items_template": saved_items_template(),
        }
        return render(request, "consultations/space.html", context)


class SpaceConsultationView(VisitorMixin, View):
    template_name = "consultations/space_consultation.html"

    def _render(self, request, consultation, form):
        mark_invalid(form)
        context = {
            "visitor": self.visitor,
            "consultation": consultation,
            "messages_": selectors.thread(consultation),
            "question_files": selectors.question_attachments(consultation),
            "form": form,
            "closed": consultation.status == Status.CLOSED,
        }
        return render(request, self.template_name, context)

    def get(self, request, pk: int):
        consultation = selectors.consultation_for_visitor(request.user, pk)
        return self._render(request, consultation, MessageForm())

    def post(self, request, pk: int):
        consultation = selectors.consultation_for_visitor(request.user, pk)
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.consultation_visitor_reply(
                    actor=request.user,
                    consultation=consultation,
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data["files"],
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("Your message was sent to the bureau."))
                return redirect("consultations:space_consultation", pk=pk)
        return self._render(request, consultation, form)


class SpaceFileView(VisitorMixin, View):
    """A file of the visitor's own consultations, never from a public media URL."""

    def get(self, request, token: str):
        attachment = get_object_or_404(
            Attachment.objects.select_related("consultation"),
            token=token,
            consultation__visitor=self.visitor,
        )
        return stored_file_response(
            attachment.file, name=attachment.name, content_type=attachment.content_type
        )


class SpaceContactView(VisitorMixin, View):
    template_name = "consultations/space_contact.html"

    def _render(self, request, form):
        mark_invalid(form)
        return render(request, self.template_name, {"visitor": self.visitor, "form": form})

    def get(self, request):
        v = self.visitor
        form = ContactDetailsForm(
            initial={
                "name": v.name,
                "organisation": v.organisation,
                "phone": v.phone,
                "email": v.email,
            }
        )
        return self._render(request, form)

    def post(self, request):
        form = ContactDetailsForm(request.POST)
        if form.is_valid():
            try:
                services.visitor_update(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("Your contact details were saved."))
                return redirect("consultations:space_contact")
        return self._render(request, form)


class SpaceDeleteView(VisitorMixin, View):
    template_name = "consultations/space_delete.html"

    def get(self, request):
        return render(request, self.template_name, {"visitor": self.visitor, "form": EraseForm()})

    def post(self, request):
        form = EraseForm(request.POST)
        if form.is_valid():
            try:
                services.visitor_erase(actor=request.user)
            except ValidationError as error:
                put_errors(form, error)
            else:
                logout(request)
                messages.success(
                    request,
                    _(
                        "Your personal data and your personal space were deleted. The bureau "
                        "keeps your questions without your name or contact details."
                    ),
                )
                return redirect("portal:home")
        mark_invalid(form)
        return render(request, self.template_name, {"visitor": self.visitor, "form": form})


class SpaceSignOutView(VisitorMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        logout(request)
        messages.success(request, _("You have signed out of your personal space."))
        return redirect(reverse("portal:home"))
