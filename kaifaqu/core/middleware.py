from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from .context import acting, client_ip
from .selectors import is_public_account

#: The back office: no page under it is for the public's accounts.
BACKOFFICE_PREFIX = "/backoffice/"


class RequestContextMiddleware:
    """Makes the client's address available to services for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting(ip=client_ip(request)):
            return self.get_response(request)


def chosen_language(request: HttpRequest) -> str:
    """The language the visitor chose with the language switch (a cookie), else the default."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    try:
        language = translation.get_supported_language_variant(chosen) if chosen else None
    except LookupError:
        language = None
    return language or settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Chinese unless the visitor chose otherwise with the language switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the
    committee's site speaks Chinese first, whatever language a visitor's browser is set to.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        # override, not activate: the thread's language is restored after the response, so
        # nothing rendered later in the same thread (a command, a test) inherits it.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class PermissionsPolicyMiddleware:
    """Switches off the browser features no page uses (``KAIFAQU_PERMISSIONS_POLICY``) on every
    response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.KAIFAQU_PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.KAIFAQU_PERMISSIONS_POLICY)
        return response


class StaffAreaMiddleware:
    """The one gate of the back office against the public's accounts: a visitor signed in to
    a personal space gets 403 on every page under /backoffice/, whatever the page's own role
    check says (a grant made to a visitor before grants to them were refused included)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(BACKOFFICE_PREFIX) and is_public_account(request.user):
            raise PermissionDenied(
                _("The back office is for the zone's staff; your account is a personal space.")
            )
        return self.get_response(request)
