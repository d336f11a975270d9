"""The server error page, and the 503 a request gets when the database is unreachable.

Django calls ``handler500`` inside the ``except`` block of the request's uncaught exception,
whichever layer raised it (a view, DRF's authentication, a middleware saving the session), so
one handler sees them all. A database that cannot be reached (``OperationalError``,
``InterfaceError``) is a service down, not a bug: the visitor gets the product's own page in
their language with ``Retry-After``, an API client JSON, and nothing claims a success. The
page is rendered without a request context: no context processor, no user or session lookup,
nothing that would touch the database again. A full disk (``OSError`` ENOSPC: an export's
temporary file, an upload) answers the same way, saying so.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

from ..files import disk_full
from ..middleware import chosen_language

#: Seconds a client is told to wait before trying again.
RETRY_AFTER = 30


def database_unreachable(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable(request: HttpRequest, *, disk: bool = False) -> HttpResponse:
    """503: the database cannot be reached (or, ``disk``, the server's disk is full). JSON
    under ``/api/``, the product's page elsewhere."""
    with translation.override(chosen_language(request)):
        if disk:
            detail = _(
                "The server's disk is full: nothing was saved or exported. Tell the system "
                "administrator, then try again."
            )
        else:
            detail = _("The service cannot reach its database just now. Try again later.")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": detail}, status=503)
        else:
            html = loader.get_template("core/unavailable.html").render(
                {"LANGUAGE_CODE": translation.get_language(), "disk": detail if disk else ""}
            )
            response = HttpResponse(html, status=503)
        response.headers["Content-Language"] = translation.get_language()
    response.headers["Retry-After"] = str(RETRY_AFTER)
    response.headers["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if database_unreachable(error):
        return unavailable(request)
    if disk_full(error):
        return unavailable(request, disk=True)
    return defaults.server_error(request)
