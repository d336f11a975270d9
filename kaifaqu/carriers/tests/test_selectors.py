"""Lists, filters and vacancy: exact values, summed in SQL, in a query count that does not grow
with the number of buildings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaifaqu.carriers import selectors, services
from kaifaqu.carriers.filters import BuildingUnitFilter, LandParcelFilter
from kaifaqu.core import access

from .conftest import CHANGHE, ZHAOHU, ZONE


def codes(qs) -> list[str]:
    return [f"{u.building.code}/{u.code}" if hasattr(u, "building") else u.code for u in qs]


def test_the_vacancy_of_a_building_is_its_idle_area_over_its_floor_area(blank_zone, building):
    (b,) = selectors.buildings_for(blank_zone.admin)
    assert (b.total_area, b.idle_area, b.unit_count, b.idle_units) == (
        Decimal("1750"),
        Decimal("1250"),
        3,
        2,
    )
    # 1250 / 1750 = 71.428571…%
    assert selectors.vacancy_pct(b.idle_area, b.total_area).quantize(Decimal("0.0001")) == (
        Decimal("71.4286")
    )


def test_a_building_without_units_has_no_vacancy(blank_zone):
    services.building_create(
        actor=None,
        code="empty",
        name="空楼",
        org_unit=blank_zone.zone,
        floors=2,
        department=blank_zone.departments["investment"],
    )
    (b,) = selectors.buildings_for(blank_zone.admin)
    assert (b.total_area, b.idle_area, b.unit_count) == (Decimal(0), Decimal(0), 0)
    assert selectors.vacancy_pct(b.idle_area, b.total_area) is None


def test_the_demo_buildings_and_the_zone_s_vacancy(zone):
    rows = {
        b.code: (b.total_area, b.idle_area, b.idle_units, b.unit_count)
        for b in selectors.buildings_for(zone.leader)
    }
    assert rows == {
        "std-factory-a": (Decimal("13500"), Decimal("6000"), 2, 5),
        "tech-incubator": (Decimal("1800"), Decimal("1400"), 3, 4),
        "xinxing-intl": (Decimal("8900"), Decimal("4800"), 3, 6),
        "zhongyuan-park": (Decimal("12000"), Decimal("7600"), 5, 8),
    }
    v = selectors.vacancy(zone.leader, zone.zone)
    assert (v.total_area_m2, v.idle_area_m2, v.idle_units, v.unit_count) == (
        Decimal("36200"),
        Decimal("19800"),
        13,
        23,
    )
    # 19800 / 36200 = 54.6961…%
    assert v.pct.quantize(Decimal("0.01")) == Decimal("54.70")
    changhe = selectors.vacancy(zone.leader, zone.units[CHANGHE])  # 中元 only
    assert (changhe.total_area_m2, changhe.idle_area_m2) == (Decimal("12000"), Decimal("7600"))


def test_the_building_list_is_one_query_whatever_the_number_of_buildings(
    blank_zone, building, django_assert_num_queries
):
    user = blank_zone.leader
    access.reads_all_business(user)  # roles are read once per request, cached on the user
    with django_assert_num_queries(1):
        assert len(list(selectors.buildings_for(user))) == 1
    for i in range(5):
        b = services.building_create(
            actor=None,
            code=f"b{i}",
            name=f"楼{i}",
            org_unit=blank_zone.zone,
            floors=1,
            department=blank_zone.departments["investment"],
        )
        services.building_unit_create(
            actor=None, building=b, code="a", floor=1, floor_area_m2=100, use="office"
        )
    with django_assert_num_queries(1):
        assert len(list(selectors.buildings_for(user))) == 6
    with django_assert_num_queries(2):  # the tree, then one aggregate
        assert selectors.vacancy(user, blank_zone.zone).unit_count == 8


@pytest.mark.parametrize(
    ("username", "seen"),
    [
        ("admin", 23),
        ("leader", 23),
        ("investment", 23),
        ("twodept", 23),
        ("economy", 0),
        ("finance", 0),
    ],
)
def test_lists_show_what_the_user_s_departments_keep(zone, username, seen):
    user = zone.users[username]
    assert selectors.building_units_for(user).count() == seen
    assert selectors.land_parcels_for(user).count() == (9 if seen else 0)
    assert selectors.buildings_for(user).count() == (4 if seen else 0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "idle"}, ["land-cg-02", "land-tts-01", "land-yq-02", "land-zh-03"]),
        ({"status": "sold"}, ["land-sgt-01", "land-yq-01", "land-zh-01"]),
        ({"land_use": "commercial"}, ["land-cg-01", "land-cg-02"]),
        ({"org_unit": ZHAOHU}, ["land-zh-01", "land-zh-02", "land-zh-03"]),
        ({"org_unit": ZONE, "status": "reserved"}, ["land-cg-01", "land-zh-02"]),
        ({"area_min": "60", "area_max": "95"}, ["land-yq-02", "land-zh-02", "land-zh-03"]),
        ({"q": "袁桥"}, ["land-yq-01", "land-yq-02"]),
    ],
)
def test_land_parcels_are_filtered(zone, query, expected):
    f = LandParcelFilter(query, queryset=selectors.land_parcels_for(zone.leader))
    assert f.is_valid()
    assert codes(f.qs) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"use": "lab"}, ["tech-incubator/i101", "zhongyuan-park/l201", "zhongyuan-park/l202"]),
        ({"status": "reserved"}, ["std-factory-a/a05", "zhongyuan-park/l202"]),
        ({"org_unit": CHANGHE, "status": "let"}, ["zhongyuan-park/w103", "zhongyuan-park/o302"]),
        (
            {"building": "xinxing-intl", "status": "idle"},
            ["xinxing-intl/f05", "xinxing-intl/f06", "xinxing-intl/f07"],
        ),
        (
            {"area_min": "2400", "status": "idle"},
            [
                "std-factory-a/a03",
                "std-factory-a/a04",
                "zhongyuan-park/w101",
                "zhongyuan-park/w102",
            ],
        ),
        (
            {"area_max": "500"},
            ["tech-incubator/i201", "tech-incubator/i202", "tech-incubator/i301"],
        ),
    ],
)
def test_building_units_are_filtered(zone, query, expected):
    f = BuildingUnitFilter(query, queryset=selectors.building_units_for(zone.leader))
    assert f.is_valid()
    assert codes(f.qs) == expected


def test_an_org_unit_filter_outside_the_zone_is_refused(zone):
    f = LandParcelFilter({"org_unit": "371402"}, queryset=selectors.land_parcels_for(zone.leader))
    assert not f.is_valid()


def test_a_carrier_s_history_is_oldest_first(blank_zone, building):
    unit = building.units.get(code="u2")
    assert [(c.from_status, c.to_status) for c in selectors.status_history(unit)] == [
        ("", "idle"),
        ("idle", "let"),
    ]
    assert len(selectors.building_history(building)) == 4
