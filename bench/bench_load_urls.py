"""The load benchmark's URLconf: the project's URLs, and ``/bench/bare/``, a view that does
nothing, through the same middleware, as the baseline each page's latency is compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from kaifaqu.config.urls import urlpatterns as project_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    """No query, no template, no session write (asked without cookies): the server's floor."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    *project_urlpatterns,
]
