"""The engine answers a batch in a number of SQL queries that does not grow with the batch.

Over synthetic data (`kaifaqu.stats.synthetic`): three districts, and the first thirty
elements complete — 22,572 values (per group of ten, 7 monthly elements × 792 values and 2
with published windows × 990; the whole has none of its own) — so every figure of the
benchmark's request mix has its value, comparisons, share and rank to compute.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaifaqu.metrics.engine import compute
from kaifaqu.metrics.figures import FigureRequest
from kaifaqu.stats.synthetic import figure_request_mix, synthetic_generate

VALUES = 3 * (7 * 792 + 2 * 990)


@pytest.fixture
def requests_150(db):
    result = synthetic_generate(actor=None, values=VALUES, orgs=3)
    assert result.elements == 30
    return [FigureRequest(*r) for r in figure_request_mix(150, orgs=3)]


def _queries(requests) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as queries:
        figures = compute(requests)
    return len(queries), figures


def test_150_figures_take_as_many_queries_as_10(requests_150):
    ten, few = _queries(requests_150[:10])
    many, figures = _queries(requests_150)
    assert ten == many == 4  # the catalogue, the org tree, the values, the targets
    assert len(figures) == 150
    assert all(f.value is not None for f in figures)
    assert sum(1 for f in figures if f.rank_by_value is not None) > 50
    assert [f.value for f in few] == [f.value for f in figures[:10]]


def test_one_figure_takes_the_same_queries_too(requests_150, django_assert_num_queries):
    with django_assert_num_queries(4):
        compute(requests_150[:1])
