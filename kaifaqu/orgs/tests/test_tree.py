"""The one org tree: a unit's units below and above, its city, the home zone and the units the
zone's ledgers cover, each read in one query."""

from types import SimpleNamespace

import pytest

from kaifaqu.orgs import selectors
from kaifaqu.orgs.models import OrgUnit, OrgUnitKind
from kaifaqu.orgs.tree import OrgTree, org_tree

K = OrgUnitKind
#: A city with two districts; the zone (id 3) under district 2 holds a town with a community,
#: and a subdistrict. Ids in the order of a tree listing; 7 is another district's town.
ROWS = [
    (1, "c", "City", K.CITY, None),
    (2, "d1", "District 1", K.DISTRICT, 1),
    (3, "z", "Zone", K.ZONE, 2),
    (4, "t", "Town", K.TOWN, 3),
    (5, "cm", "Community", K.COMMUNITY, 4),
    (6, "s", "Subdistrict", K.SUBDISTRICT, 3),
    (8, "d2", "District 2", K.DISTRICT, 1),
    (7, "t2", "Town 2", K.TOWN, 8),
]


@pytest.fixture
def tree() -> OrgTree:
    return OrgTree.of_rows(ROWS, home_code="z")


def test_the_tree_holds_each_unit_and_its_children_in_order(tree):
    assert tree.by_code == {"c": 1, "d1": 2, "z": 3, "t": 4, "cm": 5, "s": 6, "d2": 8, "t2": 7}
    assert (tree.code[5], tree.name[5], tree.kind[5], tree.parent[5]) == (
        "cm",
        "Community",
        K.COMMUNITY,
        4,
    )
    assert tree.children == {1: [2, 8], 2: [3], 3: [4, 6], 4: [5], 8: [7]}
    assert tree.roots() == [1]
    assert tree.home == 3


def test_below_is_the_unit_and_every_unit_under_it(tree):
    assert tree.below(3) == {3, 4, 5, 6}
    assert tree.below(1) == {1, 2, 3, 4, 5, 6, 7, 8}
    assert tree.below(5) == {5}
    assert tree.below(99) == {99}
    assert tree.below_all([4, 8]) == {4, 5, 7, 8}
    assert tree.below_all([]) == set()


def test_ancestors_are_nearest_first(tree):
    assert tree.ancestors(5) == [4, 3, 2, 1]
    assert tree.ancestors(1) == []
    assert tree.with_ancestors([5, 7]) == {1, 2, 3, 4, 5, 7, 8}


def test_the_city_of_a_unit_is_the_nearest_city_above_it(tree):
    assert [tree.city_of(u) for u in (1, 2, 3, 5, 7)] == [None, 1, 1, 1, 1]


def test_depth_first_lists_each_unit_after_its_parent(tree):
    assert tree.depth_first() == [(1, 0), (2, 1), (3, 2), (4, 3), (5, 4), (6, 3), (8, 1), (7, 2)]


def test_the_zone_is_the_home_zone_and_the_units_under_it(tree):
    assert tree.zone() == {3, 4, 5, 6}
    assert tree.up_to_home(5) == [5, 4, 3]
    assert tree.up_to_home(3) == [3]
    assert tree.up_to_home(2) == []
    assert tree.up_to_home(7) == []


def test_the_ledgers_count_a_zone_unit_s_records_and_those_below_it(tree):
    assert tree.scopes([1, 2, 3, 4, 5, 7]) == {3: {3, 4, 5, 6}, 4: {4, 5}, 5: {5}}


def test_without_a_home_zone_nothing_is_covered():
    tree = OrgTree.of_rows(ROWS, home_code="nowhere")
    assert tree.home is None
    assert tree.zone() == frozenset()
    assert tree.scopes([1, 3]) == {}
    assert tree.up_to_home(5) == []


def test_of_units_reads_model_instances():
    units = [
        SimpleNamespace(pk=r[0], code=r[1], name=r[2], kind=r[3], parent_id=r[4]) for r in ROWS
    ]
    assert OrgTree.of_units(units) == OrgTree.of_rows(ROWS)


# -- from the database ------------------------------------------------------------------------


@pytest.fixture
def units(db, settings) -> dict[str, OrgUnit]:
    settings.KAIFAQU_HOME_ZONE = "z"
    by_row: dict[int, OrgUnit] = {}
    for pk, code, name, kind, parent in ROWS:
        by_row[pk] = OrgUnit.objects.create(
            code=code, name=name, kind=kind, parent=by_row.get(parent), order=pk
        )
    return {unit.code: unit for unit in by_row.values()}


def _codes(pks) -> set[str]:
    return set(OrgUnit.objects.filter(pk__in=pks).values_list("code", flat=True))


def test_the_tree_is_read_in_one_query(units, django_assert_num_queries):
    with django_assert_num_queries(1):
        tree = org_tree()
    assert tree.home == units["z"].pk
    assert _codes(tree.below(units["d1"].pk)) == {"d1", "z", "t", "cm", "s"}
    assert tree.children[units["c"].pk] == [units["d1"].pk, units["d2"].pk]


def test_the_zone_s_units_in_one_query(units, django_assert_num_queries):
    with django_assert_num_queries(1):
        ids = selectors.zone_unit_ids()
    assert _codes(ids) == {"z", "t", "cm", "s"}
    with django_assert_num_queries(2):  # the tree, then the units
        assert [u.code for u in selectors.zone_units()] == ["z", "t", "cm", "s"]


def test_a_unit_s_ids_below_in_one_query(units, django_assert_num_queries):
    with django_assert_num_queries(1):
        ids = selectors.orgunit_ids_below(units["t"])
    assert _codes(ids) == {"t", "cm"}


def test_units_below_and_with_ancestors_in_one_query_each(units, django_assert_num_queries):
    with django_assert_num_queries(1):
        below = selectors.orgunits_below([units["t"], units["d2"]])
    assert [u.code for u in below] == ["t", "cm", "t2", "d2"]
    with django_assert_num_queries(1):
        above = selectors.orgunits_with_ancestors(below)
    assert [u.code for u in above] == ["c", "d1", "z", "t", "cm", "t2", "d2"]


def test_orgunit_tree_lists_units_with_their_depth(units, django_assert_num_queries):
    with django_assert_num_queries(1):
        listed = selectors.orgunit_tree()
    assert [(u.code, depth) for u, depth in listed] == [
        ("c", 0),
        ("d1", 1),
        ("z", 2),
        ("t", 3),
        ("cm", 4),
        ("s", 3),
        ("d2", 1),
        ("t2", 2),
    ]
