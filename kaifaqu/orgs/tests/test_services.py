from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.core.versioning import ConcurrentEditError
from kaifaqu.orgs import services
from kaifaqu.orgs.models import OrgUnit, OrgUnitKind, ProfileFact, ProfileFactKey
from kaifaqu.orgs.quality import check_profile


def _fact(demo, key):
    return ProfileFact.objects.get(org_unit=demo.zone, key=key)


def test_the_demo_zone_holds_the_seed_profile(demo):
    facts = {f.key: f.value for f in demo.zone.profile_facts.all()}
    assert facts == {
        "founded_year": Decimal("1998"),
        "national_level_year": Decimal("2012"),
        "area_km2": Decimal("320"),
        "planned_area_km2": Decimal("150"),
        "built_up_area_km2": Decimal("60"),
        "households": Decimal("62504"),
        "registered_population": Decimal("156260"),
        "agricultural_population": Decimal("133330"),
        "non_agricultural_population": Decimal("22930"),
        "resident_population": Decimal("300000"),
    }
    assert _fact(demo, ProfileFactKey.RESIDENTS).approximate is True
    assert list(demo.zone.honours.values_list("name", flat=True))[:2] == [
        "全国文明单位",
        "国家火炬计划新能源产业基地",
    ]
    assert demo.zone.honours.count() == 12
    assert [u.name for u in demo.zone.children.filter(kind__in=["town", "subdistrict"])] == [
        "赵虎镇",
        "袁桥镇",
        "抬头寺镇",
        "宋官屯街道",
        "长河街道",
    ]
    assert demo.zone.parent == demo.city
    assert demo.city.children.count() == 13


def test_the_demo_population_adds_up(demo):
    assert check_profile(demo.zone) == []


def test_a_population_breakdown_that_does_not_add_up_is_flagged(demo):
    fact = _fact(demo, ProfileFactKey.AGRICULTURAL)
    services.profile_fact_update(
        actor=demo.economy, fact=fact, version=fact.version, value=Decimal("133000")
    )
    (warning,) = check_profile(demo.zone)
    assert warning.rule == "population_breakdown"
    assert "133,000" in warning.message
    assert "155,930" in warning.message
    assert "156,260" in warning.message


def test_areas_that_do_not_nest_are_flagged(demo):
    fact = _fact(demo, ProfileFactKey.BUILT_UP_AREA)
    services.profile_fact_update(
        actor=demo.admin, fact=fact, version=fact.version, value=Decimal("151")
    )
    assert [w.rule for w in check_profile(demo.zone)] == ["area_nesting"]


def test_an_update_is_audited_with_before_and_after(demo):
    fact = _fact(demo, ProfileFactKey.HOUSEHOLDS)
    before_count = AuditEntry.objects.count()
    updated = services.profile_fact_update(
        actor=demo.economy, fact=fact, version=1, value=Decimal("62600"), source="2018 census"
    )
    assert updated.version == 2
    assert AuditEntry.objects.count() == before_count + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == AuditAction.UPDATE
    assert entry.actor_username == "economy"
    assert entry.object_type == "orgs.profilefact"
    assert entry.before["value"] == "62504.00"
    assert entry.after["value"] == "62600.00"
    assert entry.after["source"] == "2018 census"


def test_a_stale_version_is_refused_and_changes_nothing(demo):
    fact = _fact(demo, ProfileFactKey.HOUSEHOLDS)
    services.profile_fact_update(actor=demo.economy, fact=fact, version=1, value=Decimal("1"))
    count = AuditEntry.objects.count()
    with pytest.raises(ConcurrentEditError) as caught:
        services.profile_fact_update(actor=demo.admin, fact=fact, version=1, value=Decimal("2"))
    assert caught.value.code == "concurrent_edit"
    fact.refresh_from_db()
    assert fact.value == Decimal("1")
    assert AuditEntry.objects.count() == count


def test_an_editor_of_another_department_is_refused(demo):
    fact = _fact(demo, ProfileFactKey.HOUSEHOLDS)
    with pytest.raises(PermissionDenied):
        services.profile_fact_update(
            actor=demo.investment, fact=fact, version=1, value=Decimal("1")
        )
    fact.refresh_from_db()
    assert fact.value == Decimal("62504")


def test_a_negative_value_is_refused(demo):
    fact = _fact(demo, ProfileFactKey.HOUSEHOLDS)
    with pytest.raises(ValidationError):
        services.profile_fact_update(actor=demo.admin, fact=fact, version=1, value=Decimal("-1"))


@pytest.mark.parametrize(
    ("kind", "parent_code", "ok"),
    [
        (OrgUnitKind.TOWN, "371471", True),
        (OrgUnitKind.COMMUNITY, "371471101", True),
        (OrgUnitKind.GRID, "371471102201", True),
        (OrgUnitKind.CITY, "371471", False),
        (OrgUnitKind.TOWN, "371400", False),
        (OrgUnitKind.GRID, "371471", False),
    ],
)
def test_the_tree_only_holds_units_of_fitting_kinds(demo, kind, parent_code, ok):
    parent = OrgUnit.objects.get(code=parent_code)
    create = lambda: services.orgunit_create(  # noqa: E731
        actor=demo.admin, code="X1", name="新单位", kind=kind, parent=parent
    )
    if ok:
        assert create().parent == parent
    else:
        with pytest.raises(ValidationError):
            create()
        assert not OrgUnit.objects.filter(code="X1").exists()


def test_only_the_city_stands_at_the_top(demo):
    with pytest.raises(ValidationError):
        services.orgunit_create(
            actor=demo.admin, code="X2", name="孤岛", kind=OrgUnitKind.ZONE, parent=None
        )


def test_a_unit_cannot_move_under_its_own_descendant(demo):
    town = OrgUnit.objects.get(code="371471102")
    community = OrgUnit.objects.get(code="371471102201")
    with pytest.raises(ValidationError):
        services.orgunit_update(actor=demo.admin, unit=town, version=town.version, parent=community)


def test_only_a_zone_administrator_changes_the_tree(demo):
    with pytest.raises(PermissionDenied):
        services.orgunit_create(
            actor=demo.economy, code="X3", name="新镇", kind=OrgUnitKind.TOWN, parent=demo.zone
        )


def test_a_new_dated_fact_keeps_the_old_one(demo):
    services.profile_fact_create(
        actor=demo.economy,
        org_unit=demo.zone,
        key=ProfileFactKey.HOUSEHOLDS,
        value=Decimal("63000"),
        as_of=date(2018, 12, 31),
        source="illustrative",
        department=demo.departments["economy"],
    )
    from kaifaqu.orgs.selectors import current_profile_facts

    current = {f.key: f.value for f in current_profile_facts(demo.zone)}
    assert current["households"] == Decimal("63000")
    assert demo.zone.profile_facts.filter(key="households").count() == 2
