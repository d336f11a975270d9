"""ServiceFormView: a small form and service, served on this module's own URLs."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from django.views.generic import TemplateView

from kaifaqu.core.forms import BootstrapForm, is_concurrent_edit
from kaifaqu.core.models import User
from kaifaqu.core.views.forms import PageFormView, ServiceFormView

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

STALE = "Someone saved it meanwhile."
calls: list[dict[str, Any]] = []


def rename(*, actor, name: str, version: int | None) -> SimpleNamespace:
    """The service: refuses as a real one would, else records the call."""
    if name == "taken":
        raise ValidationError({"name": "That name is taken."})
    if name == "odd":
        raise ValidationError("Refused as a whole.")
    if name == "elsewhere":
        raise ValidationError({"owner": "Not a field of this form."})
    if name == "hidden":
        raise ValidationError({"version": "Not a version of this record."})
    if name == "secret":
        raise PermissionDenied
    if version != 1:
        raise ValidationError(STALE, code="concurrent_edit")
    calls.append({"actor": actor, "name": name, "version": version})
    return SimpleNamespace(url=f"/done/{name}/")


class RenameForm(BootstrapForm):
    name = forms.CharField(max_length=10)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RenameView(ServiceFormView):
    form_class = RenameForm
    template_name = "rename.html"
    success_message = "Renamed."

    def call_service(self, *, actor, data):
        return rename(actor=actor, **data)

    def get_success_url(self) -> str:
        return self.result.url


class RecordPage(TemplateView):
    """A record's page with the rename form on it."""

    template_name = "record.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{"rename_form": RenameForm(), **kwargs})


class RenameOnPageView(PageFormView):
    form_class = RenameForm

    def call_service(self, *, actor, data):
        return rename(actor=actor, **data)

    def get_success_url(self) -> str:
        return self.result.url

    def page(self, form):
        return RecordPage, {"number": self.kwargs["number"]}, {"rename_form": form}


urlpatterns = [
    path("rename/", RenameView.as_view(), name="rename"),
    path("records/<int:number>/rename/", RenameOnPageView.as_view(), name="rename_on_page"),
]


TEMPLATES = {
    "rename.html": '<form>{% include "includes/form.html" %}</form>',
    "record.html": (
        '<h1>{{ number }}</h1><form>{% include "includes/form.html" with form=rename_form %}</form>'
    ),
}


@pytest.fixture(autouse=True)
def templates(settings):
    """This module's pages from memory, the project's includes from its folders."""
    engine = {**settings.TEMPLATES[0], "APP_DIRS": False}
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            ("django.template.loaders.locmem.Loader", TEMPLATES),
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    }
    settings.TEMPLATES = [engine]


@pytest.fixture
def client_in(client):
    calls.clear()
    user = User.objects.create(username="tester")
    client.force_login(user)
    client.user = user
    return client


def test_get_shows_the_form(client_in):
    response = client_in.get("/rename/")
    assert response.status_code == 200
    assert 'name="name"' in response.content.decode()
    assert calls == []


def test_success_calls_the_service_as_the_user_and_redirects_with_a_message(client_in):
    response = client_in.post("/rename/", {"name": "new", "version": "1"})
    assert (response.status_code, response["Location"]) == (302, "/done/new/")
    assert calls == [{"actor": client_in.user, "name": "new", "version": 1}]
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Renamed."]


def test_htmx_is_sent_to_the_page_by_hx_redirect(client_in):
    response = client_in.post("/rename/", {"name": "new", "version": "1"}, HTTP_HX_REQUEST="true")
    assert (response.status_code, response["HX-Redirect"]) == (200, "/done/new/")


def test_a_field_s_refusal_is_shown_by_that_field(client_in):
    response = client_in.post("/rename/", {"name": "taken", "version": "1"})
    assert response.status_code == 200
    form = response.context_data["form"]
    assert form.errors == {"name": ["That name is taken."]}
    page = response.content.decode()
    assert 'role="alert"' not in page
    name_input = page.index('name="name"')
    error = page.index('data-error="name">That name is taken.<')
    assert name_input < error
    assert "is-invalid" in page[:error]
    assert calls == []


def test_a_refusal_of_the_whole_form_is_shown_above_it(client_in):
    response = client_in.post("/rename/", {"name": "odd", "version": "1"})
    assert response.status_code == 200
    assert response.context_data["form"].errors == {"__all__": ["Refused as a whole."]}
    page = response.content.decode()
    assert page.index("Refused as a whole.") < page.index('name="name"')


def test_a_refusal_naming_a_field_the_form_lacks_is_shown_above_it(client_in):
    response = client_in.post("/rename/", {"name": "elsewhere", "version": "1"})
    assert response.status_code == 200
    assert response.context_data["form"].errors == {"__all__": ["Not a field of this form."]}


def test_a_refusal_naming_a_hidden_field_is_shown_above_the_form(client_in):
    response = client_in.post("/rename/", {"name": "hidden", "version": "1"})
    assert response.context_data["form"].errors == {"__all__": ["Not a version of this record."]}
    assert 'data-testid="form-errors"><div>Not a version of this record.<' in (
        response.content.decode()
    )


def test_the_form_s_own_errors_never_reach_the_service(client_in):
    response = client_in.post("/rename/", {"name": "far too long a name", "version": "1"})
    assert response.status_code == 200
    assert list(response.context_data["form"].errors) == ["name"]
    assert calls == []


def test_a_service_s_permission_denied_answers_403(client_in):
    response = client_in.post("/rename/", {"name": "secret", "version": "1"})
    assert response.status_code == 403
    assert calls == []


def test_a_stale_version_answers_409_with_the_message_on_the_form(client_in):
    response = client_in.post("/rename/", {"name": "new", "version": "0"})
    assert response.status_code == 409
    assert response.context_data["form"].non_field_errors() == [STALE]
    assert STALE in response.content.decode()
    assert calls == []


def test_a_concurrent_edit_is_known_by_its_code_alone_or_among_others():
    assert is_concurrent_edit(ValidationError(STALE, code="concurrent_edit"))
    assert is_concurrent_edit(
        ValidationError([ValidationError("x"), ValidationError(STALE, code="concurrent_edit")])
    )
    assert is_concurrent_edit(
        ValidationError({"name": ValidationError(STALE, code="concurrent_edit")})
    )
    assert not is_concurrent_edit(ValidationError("x", code="invalid"))
    assert not is_concurrent_edit(ValidationError({"name": "x"}))


def test_a_page_form_s_refusal_shows_its_page_with_the_form_as_filled_in(client_in):
    response = client_in.post("/records/7/rename/", {"name": "taken", "version": "1"})
    assert response.status_code == 200
    assert response.context_data["number"] == 7
    form = response.context_data["rename_form"]
    assert (form.errors, form["name"].value()) == ({"name": ["That name is taken."]}, "taken")
    page = response.content.decode()
    assert page.startswith("<h1>7</h1>")
    assert page.index('name="name"') < page.index('data-error="name">That name is taken.<')


def test_a_page_form_answers_409_for_a_stale_version_and_redirects_on_success(client_in):
    stale = client_in.post("/records/7/rename/", {"name": "new", "version": "0"})
    assert stale.status_code == 409
    assert stale.context_data["rename_form"].non_field_errors() == [STALE]
    done = client_in.post("/records/7/rename/", {"name": "new", "version": "1"})
    assert (done.status_code, done["Location"]) == (302, "/done/new/")
    assert client_in.get("/records/7/rename/").status_code == 405
