"""Where a project's page lives, for provenance links made before (or without) the pages.

The pages are built on top of this package; until ``investment:project_detail`` is
registered, the path is written out by hand, the same as the page's URL pattern will be.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

PROJECT_DETAIL = "investment:project_detail"
PROJECT_PATH = "/backoffice/investment/projects/{pk}/"


def project_url(pk: int) -> str:
    try:
        return reverse(PROJECT_DETAIL, args=[pk])
    except NoReverseMatch:
        return PROJECT_PATH.format(pk=pk)
