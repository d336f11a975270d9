"""The API's one pagination: ``limit`` and ``offset``, bounded.

DRF's ``LimitOffsetPagination`` takes any ``limit`` and ``offset``; a number past what the
database's integers hold (``?limit=99999999999999999999``) reached the query and answered 500.
Here ``limit`` is clamped to ``MAX_LIMIT`` (as DRF clamps with ``max_limit``; a value that is
no number falls back to the page size) and ``offset`` to ``MAX_OFFSET``, past any real list.
"""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

MAX_LIMIT = 1000
MAX_OFFSET = 10**9


class Pagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_offset(self, request: Request) -> int:
        return min(super().get_offset(request), MAX_OFFSET)
