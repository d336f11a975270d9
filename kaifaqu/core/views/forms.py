"""The one way a page changes a record through a form: the service decides, the form shows.

``ServiceFormView`` is what every create and change page builds on: GET shows the form;
POST checks it and hands the cleaned data to the service, with the signed-in user as the
actor. A refusal comes back on the form, each message on the field it names (the rest above
the form, ``core.forms.put_errors``), with HTTP 409 when someone saved the record after the
form was read, 200 otherwise; a service's ``PermissionDenied`` is left to Django, which
answers 403. A saved change redirects with a message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from kaifaqu.core.forms import is_concurrent_edit, mark_invalid, put_errors

if TYPE_CHECKING:
    _FormView = FormView[forms.BaseForm]
else:  # FormView takes a type argument in the stubs only.
    _FormView = FormView


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """Send the browser to ``url``: a redirect, or for an htmx request a full load of that
    page (htmx would otherwise swap the page it is redirected to into the fragment)."""
    if getattr(request, "htmx", False):
        response = HttpResponse()
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class ServiceFormView(_FormView):
    """A form whose cleaned data goes to one service call (``call_service``).

    Subclasses give ``form_class``, ``template_name``, ``call_service`` and where to go
    next (``get_success_url``, which may read ``self.result``, what the service returned);
    rights are checked by the mixins before them and again by the service. The template
    renders the form with ``includes/form.html``, which puts each error by its field.
    """

    success_message: str | Promise = _("Saved.")
    #: What the service returned, once it has accepted the form.
    result: Any = None

    def call_service(self, *, actor: Any, data: dict[str, Any]) -> Any:
        """Make the change through the service, as ``actor``, from the form's cleaned data;
        raise its ``ValidationError`` (or ``PermissionDenied``) untouched."""
        raise NotImplementedError

    def get_success_message(self) -> str:
        return str(self.success_message)

    def form_valid(self, form: forms.BaseForm) -> HttpResponse:
        try:
            self.result = self.call_service(actor=self.request.user, data=dict(form.cleaned_data))
        except ValidationError as error:
            put_errors(form, error)
            return self.form_invalid(form, status=409 if is_concurrent_edit(error) else 200)
        messages.success(self.request, self.get_success_message())
        return redirect_to(self.request, self.get_success_url())

    def form_invalid(self, form: forms.BaseForm, status: int = 200) -> HttpResponse:
        mark_invalid(form)
        return self.render_form(form, status=status)

    def render_form(self, form: forms.BaseForm, *, status: int) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=status)


class Page(Protocol):
    """What PageFormView needs of the view whose page holds the form (a TemplateView, or
    another form view)."""

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None: ...

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]: ...

    def get_template_names(self) -> list[str]: ...


class PageFormView(ServiceFormView):
    """A form that sits on another view's page (a record's upload or status form), POST
    only. A refusal shows that page again with this form, as filled in, in place of the
    empty one; a success redirects (usually back to the page).

    The page is built from its view's ``get_context_data`` during this POST, so that view
    must make its own empty forms unbound (not through ``FormMixin.get_form``, which would
    read this form's data)."""

    http_method_names = ["post"]

    def page(self, form: forms.BaseForm) -> tuple[type[Page], dict[str, Any], dict[str, Any]]:
        """The view whose page holds the form, the URL arguments it is shown with, and the
        context that puts ``form`` where the page has its empty one."""
        raise NotImplementedError

    def render_form(self, form: forms.BaseForm, *, status: int) -> HttpResponse:
        view_class, url_kwargs, refused = self.page(form)
        page = view_class()
        page.setup(self.request, **url_kwargs)
        context = page.get_context_data(**url_kwargs, **refused)
        return TemplateResponse(self.request, page.get_template_names(), context, status=status)
