"""The product's own error pages: 403, 404, the CSRF failure, 500, and the 503 a request
gets when the database is unreachable.

403, 404 and the CSRF failure are drawn inside the product's frame: the back office's for a
signed-in member of staff (their menu, so the way on is there), the public site's for
everyone else (a frame the portal registers with ``register_public_frame``: core does not
know the portal). A 403 says what was refused: the ``PermissionDenied``'s message where the
code that refused gave one (``RoleRequiredMixin`` names the roles the page needs), and how
to get it. Under ``/api/`` each answers JSON, as DRF's own views do.

The 500 page is drawn in a frame of its own (``core/plain_frame.html``) and, like the 503,
without a request context: the request failed, perhaps in the database, so nothing on it may
touch the database again.

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
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ..files import disk_full
from ..middleware import BACKOFFICE_PREFIX, chosen_language
from ..selectors import is_public_account

#: The frame of the 500 page, and of the others until the public site registers its own.
PLAIN_FRAME = "core/plain_frame.html"
BACKOFFICE_FRAME = "backoffice.html"
ERROR_TEMPLATE = "core/error.html"
_public_frame = PLAIN_FRAME


def register_public_frame(template_name: str) -> None:
    """The template an error page extends for the public (it has a ``content`` block)."""
    global _public_frame
    _public_frame = template_name


def _staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and not is_public_account(user))


def _back_url(request: HttpRequest) -> str:
    """The page the visitor came from, if it is one of this site's and not this one."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or referer == request.build_absolute_uri():
        return ""
    allowed = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referer if allowed else ""


def _error_page(
    request: HttpRequest, status: int, *, title: str, message: str, **extra: Any
) -> HttpResponse:
    """An error page in the visitor's language, in the frame their account calls for; JSON
    (``{"detail": message}``) under ``/api/``."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    staff = _staff(request)
    context = {
        "frame": BACKOFFICE_FRAME if staff else _public_frame,
        "in_backoffice": staff,
        "status": status,
        "title": title,
        "message": message,
        "back_url": _back_url(request),
        "start_url": reverse("core:dashboard") if staff else reverse("portal:home"),
        "start_label": _("To the dashboard") if staff else _("To the home page"),
        **extra,
    }
    html = loader.render_to_string(ERROR_TEMPLATE, context, request)
    response = HttpResponse(html, status=status)
    response.headers["Content-Language"] = translation.get_language()
    return response


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: what was refused, the role it needs where the refusal said so, and a way back."""
    with translation.override(chosen_language(request)):
        reason = str(exception) if exception is not None and exception.args else ""
        staff = _staff(request)
        return _error_page(
            request,
            403,
            title=_("Access refused"),
            message=reason or _("Your account may not open this page or do this."),
            hint=(
                _(
                    "If your work needs it, ask the security administrator to give your "
                    "account the role."
                )
                if staff
                else ""
            ),
        )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404, in the product's frame. The exception's own text is not shown: it may be Django's
    (in English, naming a model)."""
    with translation.override(chosen_language(request)):
        return _error_page(
            request,
            404,
            title=_("Page not found"),
            message=_(
                "There is no page at this address: it may have been mistyped, or what it "
                "showed was removed."
            ),
            hint=_("Check the address, or start again from the menu."),
        )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a form sent from a page that was open too long, or from a
    browser that refuses the site's cookie. Nothing was saved; say how to send it again."""
    with translation.override(chosen_language(request)):
        if reason == REASON_NO_CSRF_COOKIE:
            hint = _("Your browser did not send this site's cookie: allow cookies for it.")
        else:
            hint = _(
                "This happens when a page stays open a long time, or when you signed in or "
                "out in another tab."
            )
        return _error_page(
            request,
            403,
            title=_("The form was not sent"),
            message=_(
                "The page the form was sent from has expired, so nothing was saved. Go back, "
                "reload the page and send the form again."
            ),
            hint=hint,
        )


def _server_error_page(request: HttpRequest) -> HttpResponse:
    """500, drawn from the template alone: no context processor, no user, no session."""
    with translation.override(chosen_language(request)):
        detail = _("The server could not show this page because of an error on its side.")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": detail}, status=500)
        else:
            backoffice = request.path.startswith(BACKOFFICE_PREFIX)
            html = loader.get_template(ERROR_TEMPLATE).render(
                {
                    "frame": PLAIN_FRAME,
                    "LANGUAGE_CODE": translation.get_language(),
                    "status": 500,
                    "title": _("Server error"),
                    "message": detail,
                    "hint": _(
                        "What you sent may not have been saved: look before sending it again. "
                        "If it happens again, tell the system administrator the time and the "
                        "address."
                    ),
                    "start_url": reverse("core:dashboard" if backoffice else "portal:home"),
                    "start_label": (_("To the dashboard") if backoffice else _("To the home page")),
                }
            )
            response = HttpResponse(html, status=500)
        response.headers["Content-Language"] = translation.get_language()
    response.headers["Cache-Control"] = "no-store"
    return response


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
    return _server_error_page(request)
