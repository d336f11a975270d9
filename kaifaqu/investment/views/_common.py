"""What the investment pages share: finding a record the user may read or change, where to
go back to, and answering htmx and plain requests alike."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from kaifaqu.core import access
from kaifaqu.core.views.forms import redirect_to

from .. import selectors
from ..models import Project


def readable(user, department_id: int | None) -> None:
    access.require_read(user, department_id)  # its refusal says why


def changeable(user, department_id: int | None) -> None:
    access.require_change(user, department_id)  # its refusal names who may


def project_to_read(user, pk: int) -> Project:
    """The project, loaded for its page; 404 if there is none, 403 if the user's
    departments do not include the one keeping it."""
    project = get_object_or_404(selectors.project_page_qs(), pk=pk)
    readable(user, project.department_id)
    return project


def project_to_change(user, pk: int) -> Project:
    project = project_to_read(user, pk)
    changeable(user, project.department_id)
    return project


def safe_next(request, fallback: str) -> str:
    """The page to return to (``next`` in the form or the query), if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


#: Send the browser to a page: a redirect, or for htmx a full load of that page.
go = redirect_to


def refused(request, error) -> None:
    """A service's refusal as error messages (for actions that return to the page)."""
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


def saved(request) -> None:
    messages.success(request, _("Saved."))
