"""The synthetic data generator behind the figure benchmark (`kaifaqu generate_synthetic`).

With three districts the synthetic tree has 22 units (the city, 3 districts, 18 towns), so a
monthly element has 36 × 22 = 792 values and an element with published windows 9 × 22 more.
"""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import ProtectedError, QuerySet
from django.utils import translation

from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.metrics.engine import compute
from kaifaqu.metrics.figures import FigureRequest
from kaifaqu.orgs.models import Department, OrgUnit
from kaifaqu.stats.models import DataElement, DataValue, Target
from kaifaqu.stats.services import period_months
from kaifaqu.stats.synthetic import (
    SyntheticDataExists,
    checksum,
    figure_request_mix,
    synthetic_counts,
    synthetic_generate,
    synthetic_rows,
)

#: seed 2017, three districts, 2,000 values: the SHA-256 of the rows' text, pinned so that a
#: change of the generator (or of Python's random) shows.
CHECKSUM_2000 = "d9451478b540b599d353da594243605ee64b927c46fab26ee169f7508c23bdcd"


def _generate(values: int = 2000, **options):
    return synthetic_generate(actor=None, values=values, orgs=3, **options)


def _snapshot() -> list[tuple]:
    return list(
        DataValue.objects.order_by(
            "element__code", "org_unit__code", "month_from", "month_to"
        ).values_list("element__code", "org_unit__code", "period", "value", "status")
    )


def _month_sum(rows, elements, org, first, last) -> Decimal:
    return sum(
        (
            r.value
            for r in rows
            if r.element in elements
            and r.org == org
            and r.month_from == r.month_to
            and first <= r.month_from <= last
        ),
        Decimal(0),
    )


@pytest.mark.django_db
def test_exactly_n_values_with_their_units_elements_and_targets():
    result = _generate()
    assert (result.values, result.elements, result.org_units, result.targets) == (2000, 4, 22, 22)
    assert DataValue.objects.count() == 2000
    per_element = Counter(DataValue.objects.values_list("element__code", flat=True))
    # the whole has no values of its own; the two parts are complete; the stock is cut off
    assert per_element == {"syn_0001": 792, "syn_0002": 792, "syn_0003": 416}
    assert list(DataElement.objects.order_by("code").values_list("code", "whole__code")) == [
        ("syn_0000", None),
        ("syn_0001", "syn_0000"),
        ("syn_0002", "syn_0000"),
        ("syn_0003", None),
    ]
    city = OrgUnit.objects.get(code="SYN")
    assert (city.kind, city.parent) == ("city", None)
    assert sorted(city.children.values_list("code", flat=True)) == ["SYN01", "SYN02", "SYN03"]
    assert OrgUnit.objects.filter(parent__parent=city).count() == 18
    assert Target.objects.filter(metric_code="syn_0001", year=2017).count() == 22
    # no 经济发展局 in this database: the elements belong to a department of their own
    assert set(DataElement.objects.values_list("department__code", flat=True)) == {"SYN"}
    assert synthetic_counts() == {"units": 22, "elements": 4, "values": 2000}


@pytest.mark.django_db
def test_periods_are_written_as_the_services_write_them():
    _generate(7524)  # one whole group of ten elements, windows included
    written = set(DataValue.objects.values_list("period", "month_from", "month_to"))
    assert len(written) == 36 + 9
    assert {period_months(p) for p, _f, _t in written} == written
    assert ("2017-01/2017-08", 201701, 201708) in written


@pytest.mark.django_db
def test_the_same_values_and_seed_give_the_same_values():
    first = _generate()
    before = _snapshot()
    assert first.checksum == CHECKSUM_2000 == checksum(synthetic_rows(values=2000, orgs=3))
    again = _generate(replace=True)
    assert again.checksum == first.checksum
    assert _snapshot() == before
    other = _generate(replace=True, seed=1)
    assert other.checksum != first.checksum
    assert _snapshot() != before


def test_fewer_values_are_the_beginning_of_more():
    fewer = list(synthetic_rows(values=1000, orgs=3))
    more = list(synthetic_rows(values=2000, orgs=3))
    assert len(fewer) == 1000
    assert more[:1000] == fewer


@pytest.mark.django_db
def test_existing_synthetic_data_is_refused_without_replace():
    _generate()
    before, entries = _snapshot(), AuditEntry.objects.count()
    with pytest.raises(SyntheticDataExists) as refused:
        _generate(5000)
    assert refused.value.counts == {"units": 22, "elements": 4, "values": 2000}
    assert _snapshot() == before
    assert AuditEntry.objects.count() == entries
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_synthetic", "--values", "5000", "--orgs", "3", stdout=io.StringIO())
    assert _snapshot() == before


@pytest.mark.django_db
def test_replace_deletes_the_synthetic_data_first():
    _generate(7524)
    result = _generate(replace=True)
    assert result.deleted == {"values": 7524, "targets": 66, "elements": 10, "units": 22}
    assert DataValue.objects.count() == 2000
    assert DataElement.objects.count() == 4


@pytest.mark.django_db
def test_replace_names_the_data_that_holds_a_synthetic_unit_and_changes_nothing(monkeypatch):
    _generate()
    before = _snapshot()
    holders = {*DataElement.objects.all()[:2], Department.objects.get()}
    delete = QuerySet.delete

    def protected(self):
        if self.model is OrgUnit:  # as a ledger's record on a synthetic unit would
            raise ProtectedError("protected", holders)
        return delete(self)

    monkeypatch.setattr(QuerySet, "delete", protected)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        _generate(5000, replace=True)
    assert refused.value.messages == [
        "The synthetic org units are used by other data (data element, department); nothing was "
        "changed."
    ]
    assert _snapshot() == before


@pytest.mark.django_db
def test_one_audit_row_summarises_the_generation():
    result = _generate()
    (entry,) = AuditEntry.objects.all()
    assert entry.action == AuditAction.IMPORT
    assert entry.object_type == "stats.synthetic"
    assert entry.actor_username == "system:generate_synthetic" or entry.actor_id is None
    assert entry.after["values"] == 2000
    assert entry.after["elements"] == 4
    assert entry.after["org_units"] == 22
    assert entry.after["targets"] == 22
    assert entry.after["seed"] == 2017
    assert entry.after["checksum_sha256"] == result.checksum
    assert entry.after["replaced"] == {}


@pytest.mark.django_db
def test_the_command_prints_progress_and_names_itself_in_the_audit_log():
    out = io.StringIO()
    call_command("generate_synthetic", "--values", "2000", "--orgs", "3", stdout=out)
    text = out.getvalue()
    assert "2,000" in text
    assert CHECKSUM_2000 in text
    assert AuditEntry.objects.get().actor_username == "system:generate_synthetic"


@pytest.mark.django_db
@pytest.mark.parametrize(("values", "orgs"), [(0, 3), (-5, 3), (10, 0), (10, 100)])
def test_bad_numbers_are_refused_and_write_nothing(values, orgs):
    with pytest.raises(ValidationError):
        synthetic_generate(actor=None, values=values, orgs=orgs)
    assert not OrgUnit.objects.exists()
    assert not AuditEntry.objects.exists()


def test_only_a_zone_administrator_may_generate(demo):
    for username in ("economy", "leader", "sysadmin"):
        with pytest.raises(PermissionDenied):
            synthetic_generate(actor=demo.users[username], values=100, orgs=1)
    assert synthetic_counts() == {"units": 0, "elements": 0, "values": 0}
    result = synthetic_generate(actor=demo.admin, values=100, orgs=1)
    assert result.values == 100
    # 经济发展局 exists in the demo: it keeps the synthetic elements
    economy = Department.objects.get(name="经济发展局")
    assert set(
        DataElement.objects.filter(code__startswith="syn_").values_list("department", flat=True)
    ) == {economy.pk}
    assert AuditEntry.objects.filter(object_type="stats.synthetic").get().actor_id == demo.admin.pk


@pytest.mark.django_db
def test_the_engine_computes_figures_over_synthetic_data():
    """syn_0000 is the whole of syn_0001 and syn_0002 and has no values of its own.

    Its 2017Q1 for 合成区01 is the sum of its parts' months 2017-01…03, and the city's the
    sum of its districts' (as generated). From the rows (see the sums below):
    SYN01 416.28 (2016: 388.00, 2015: 363.98), SYN02 402.29 (378.32), SYN03 404.06 (383.77),
    SYN 1222.63 (1150.09).
    """
    _generate()
    rows = list(synthetic_rows(values=2000, orgs=3))
    parts = ("syn_0001", "syn_0002")
    assert _month_sum(rows, parts, "SYN01", 201701, 201703) == Decimal("416.28")
    assert _month_sum(rows, parts, "SYN01", 201601, 201603) == Decimal("388.00")
    assert _month_sum(rows, parts, "SYN", 201701, 201703) == Decimal("1222.63")
    (figure,) = compute([FigureRequest("syn_0000", "SYN01", "2017Q1")])
    assert figure.value == Decimal("416.28")
    assert figure.formula == "syn_0001 + syn_0002"
    assert figure.prior_value == Decimal("388.00")
    # 416.28 / 388 = 1.072886…: +7.3 %; last year 388 / 363.98 = 1.065993…: +6.6 %
    assert figure.growth_pct.quantize(Decimal("0.0001")) == Decimal("7.2887")
    assert figure.prior_growth_pct.quantize(Decimal("0.0001")) == Decimal("6.5993")
    assert figure.pp_change == Decimal("0.7")
    # 416.28 / 1222.63 = 34.05 % of the city; first of three by value and by growth
    # (SYN02 402.29 / 378.32: +6.34 %, SYN03 404.06 / 383.77: +5.29 %)
    assert figure.share_pct.quantize(Decimal("0.01")) == Decimal("34.05")
    assert (figure.rank_by_value, figure.rank_by_growth, figure.peer_count) == (1, 1, 3)
    assert [p.metric for p in figure.parts] == list(parts)
    assert sum(p.value for p in figure.parts) == figure.value
    assert figure.status == "final"


@pytest.mark.django_db
def test_a_published_window_wins_over_its_months_and_targets_give_progress():
    _generate(7524)
    rows = list(synthetic_rows(values=7524, orgs=3))
    (published,) = [
        r for r in rows if (r.element, r.org, r.period) == ("syn_0005", "SYN01", "2017-01/2017-08")
    ]
    months = _month_sum(rows, ("syn_0005",), "SYN01", 201701, 201708)
    assert published.value != months
    figure, month = compute(
        [
            FigureRequest("syn_0005", "SYN01", "2017-01/2017-08"),
            FigureRequest("syn_0005", "SYN01", "2017-08"),
        ]
    )
    assert figure.value == published.value
    assert figure.status == "estimate"
    target = Target.objects.get(metric_code="syn_0005", org_unit__code="SYN01", year=2017)
    assert figure.progress_pct == figure.value / target.value * 100
    assert month.value == next(
        r.value for r in rows if (r.element, r.org, r.period) == ("syn_0005", "SYN01", "2017-08")
    )


def test_the_request_mix_is_fixed_and_distinct():
    mix = figure_request_mix(150)
    assert len(set(mix)) == 150
    assert figure_request_mix(10) == mix[:10]
    assert {org for _m, org, _p in mix} == {"SYN01", "SYN02", "SYN03", "SYN04", "SYN0101", "SYN"}
    assert len({m for m, _o, _p in mix}) >= 25
