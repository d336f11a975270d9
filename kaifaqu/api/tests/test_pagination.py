"""``limit`` and ``offset`` are bounded: a huge or nonsense number is clamped, never a 500."""

import pytest
from rest_framework.test import APIClient

from kaifaqu.core.api.pagination import MAX_LIMIT, Pagination

pytestmark = pytest.mark.django_db

HUGE = "9" * 40


@pytest.mark.parametrize("path", ["/api/v1/portal/policies/", "/api/v1/portal/carriers/"])
@pytest.mark.parametrize(
    "query",
    [{"limit": HUGE}, {"offset": HUGE}, {"limit": HUGE, "offset": HUGE}, {"limit": "9" * 5000}],
)
def test_a_huge_number_is_clamped(demo, path, query):
    response = APIClient().get(path, query)

    assert response.status_code == 200
    listed = response.json()
    assert listed["count"] == {"/api/v1/portal/policies/": 7}.get(path, listed["count"])
    assert listed["count"] > 0
    # The clamped limit, or past the end.
    assert len(listed["results"]) == (0 if "offset" in query else listed["count"])


@pytest.mark.parametrize("limit", ["-1", "0", "abc", "1.5", ""])
def test_nonsense_falls_back_to_the_page_size(demo, limit):
    response = APIClient().get("/api/v1/portal/policies/", {"limit": limit, "offset": "x"})

    assert response.status_code == 200
    assert response.json()["count"] == 7
    assert len(response.json()["results"]) == 7


def test_the_project_pagination_is_the_default(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] == (
        "kaifaqu.core.api.pagination.Pagination"
    )
    assert Pagination.max_limit == MAX_LIMIT == 1000
