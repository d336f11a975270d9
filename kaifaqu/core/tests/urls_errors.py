"""The site's URLs and one that fails, for the 500 page's test."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from kaifaqu.config.urls import handler403, handler404, handler500, urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [
    path("boom/", boom),
    path("backoffice/boom/", boom),
    path("api/boom/", boom),
    *urlpatterns,
]
