"""The back-office pages per role: 招商局's editors change carriers, leaders and zone
administrators read them, other departments see none of 招商局's, the three administrators
are refused, anonymous visitors are sent to log in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kaifaqu.carriers.models import Building, BuildingUnit, LandParcel
from kaifaqu.core.testing import messages_of

from .conftest import ZHAOHU

READERS = ["admin", "leader", "investment", "twodept"]
OTHER_DEPARTMENTS = ["economy", "finance"]
SEPARATED = ["sysadmin", "secadmin", "auditadmin"]
EDITORS = ["admin", "investment", "twodept"]


@pytest.fixture
def urls(zone):
    parcel = LandParcel.objects.get(code="land-zh-03")
    building = Building.objects.get(code="zhongyuan-park")
    unit = BuildingUnit.objects.get(building=building, code="w102")
    return {
        "list": reverse("carriers:list"),
        "land": reverse("carriers:land", args=[parcel.pk]),
        "land_edit": reverse("carriers:land_edit", args=[parcel.pk]),
        "land_create": reverse("carriers:land_create"),
        "building": reverse("carriers:building", args=[building.pk]),
        "building_edit": reverse("carriers:building_edit", args=[building.pk]),
        "building_create": reverse("carriers:building_create"),
        "unit_create": reverse("carriers:unit_create", args=[building.pk]),
        "unit_edit": reverse("carriers:unit_edit", args=[unit.pk]),
        "land_move": reverse("carriers:land_move", args=[parcel.pk]),
        "unit_move": reverse("carriers:unit_move", args=[unit.pk]),
        "parcel": parcel,
        "unit": unit,
        "building_obj": building,
    }


@pytest.mark.parametrize(
    "name",
    [
        "list",
        "land",
        "land_edit",
        "land_create",
        "building",
        "building_edit",
        "building_create",
        "unit_create",
        "unit_edit",
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, urls, name):
    response = client.get(urls[name])
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:login')}?next={urls[name]}"


def test_anonymous_moves_are_sent_to_log_in_and_change_nothing(client, urls):
    response = client.post(urls["land_move"], {"action": "reserve"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))
    urls["parcel"].refresh_from_db()
    assert urls["parcel"].status == "idle"


@pytest.mark.parametrize("username", READERS)
def test_readers_see_the_carriers_and_the_vacancy(as_user, zone, urls, username):
    response = as_user(zone.users[username]).get(urls["list"])
    assert response.status_code == 200
    assert len(response.context["units"]) == 23
    rows = {b.code: b.vacancy_pct.quantize(Decimal("0.1")) for b in response.context["buildings"]}
    assert rows == {
        "std-factory-a": Decimal("44.4"),
        "tech-incubator": Decimal("77.8"),
        "xinxing-intl": Decimal("53.9"),
        "zhongyuan-park": Decimal("63.3"),
    }
    body = response.content.decode()
    assert "54.7%" in body  # the zone: 19800 / 36200
    assert "13 / 23" in body
    land = as_user(zone.users[username]).get(urls["list"], {"tab": "land", "status": "idle"})
    assert [p.code for p in land.context["land_parcels"]] == [
        "land-cg-02",
        "land-tts-01",
        "land-yq-02",
        "land-zh-03",
    ]
    for name in ("land", "building"):
        assert as_user(zone.users[username]).get(urls[name]).status_code == 200


def test_the_building_page_shows_its_units_and_history(as_user, zone, urls):
    response = as_user(zone.leader).get(urls["building"])
    assert [u.code for u in response.context["units"]] == [
        "w101",
        "w102",
        "w103",
        "l201",
        "l202",
        "o301",
        "o302",
        "o401",
    ]
    assert response.context["vacancy_pct"].quantize(Decimal("0.01")) == Decimal("63.33")
    history = [
        (c.unit_code, c.from_status, c.to_status, c.at.isoformat())
        for c in response.context["history"]
        if c.from_status
    ]
    assert history == [
        ("w103", "idle", "let", "2016-06-15"),
        ("o401", "idle", "let", "2016-09-01"),
        ("o302", "idle", "let", "2017-03-01"),
        ("o401", "let", "idle", "2017-05-31"),
        ("l202", "idle", "reserved", "2017-08-10"),
    ]
    assert "5 of 8 units idle" in response.content.decode()


def test_leaders_read_but_are_offered_no_changes(as_user, zone, urls):
    client = as_user(zone.leader)
    body = client.get(urls["building"]).content.decode()
    assert 'data-testid="move-form"' not in body
    assert urls["building_edit"] not in body
    assert urls["land_create"] not in client.get(urls["list"]).content.decode()


@pytest.mark.parametrize("username", OTHER_DEPARTMENTS)
def test_other_departments_see_none_of_the_investment_bureau_s_carriers(
    as_user, zone, urls, username
):
    client = as_user(zone.users[username])
    response = client.get(urls["list"])
    assert response.status_code == 200
    assert (len(response.context["units"]), response.context["buildings"]) == (0, [])
    for name in ("land", "building", "land_edit", "building_edit", "unit_edit", "unit_create"):
        assert client.get(urls[name]).status_code == 403, name


@pytest.mark.parametrize("username", SEPARATED)
def test_the_three_administrators_are_refused(as_user, zone, urls, username):
    client = as_user(zone.users[username])
    for name in ("list", "land", "building", "land_create", "land_edit"):
        assert client.get(urls[name]).status_code == 403, name
    assert client.post(urls["land_move"], {"action": "reserve"}).status_code == 403


@pytest.mark.parametrize("username", ["leader", "economy", "finance"])
def test_non_editors_cannot_change_or_move(as_user, zone, urls, username):
    client = as_user(zone.users[username])
    assert client.get(urls["land_edit"]).status_code == 403
    response = client.post(urls["land_edit"], {"name": "x", "version": 1})
    assert response.status_code == 403
    assert client.post(urls["unit_move"], {"action": "let"}).status_code == 403
    assert client.post(urls["land_move"], {"action": "reserve"}).status_code == 403
    urls["parcel"].refresh_from_db()
    urls["unit"].refresh_from_db()
    assert (urls["parcel"].status, urls["parcel"].name, urls["unit"].status) == (
        "idle",
        "赵虎镇工业地块三号",
        "idle",
    )
    if username == "leader":
        assert client.get(urls["land_create"]).status_code == 403


def _land_form(parcel, **changes):
    data = {
        "name": parcel.name,
        "org_unit": parcel.org_unit_id,
        "location": parcel.location,
        "area_mu": parcel.area_mu,
        "land_use": parcel.land_use,
        "price_wan_per_mu": parcel.price_wan_per_mu,
        "note": parcel.note,
        "version": parcel.version,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("username", EDITORS)
def test_editors_change_a_parcel(as_user, zone, urls, username):
    client = as_user(zone.users[username])
    assert client.get(urls["land_edit"]).status_code == 200
    response = client.post(urls["land_edit"], _land_form(urls["parcel"], price_wan_per_mu="19.5"))
    assert response.status_code == 302
    assert response["Location"] == urls["land"]
    urls["parcel"].refresh_from_db()
    assert (urls["parcel"].price_wan_per_mu, urls["parcel"].version) == (Decimal("19.50"), 2)


@pytest.mark.parametrize("username", EDITORS)
def test_editors_are_shown_every_carrier_form(as_user, zone, urls, username):
    client = as_user(zone.users[username])
    for name in (
        "land_create",
        "land_edit",
        "building_create",
        "building_edit",
        "unit_create",
        "unit_edit",
    ):
        assert client.get(urls[name]).status_code == 200, name


def test_a_stale_form_is_refused_with_a_clear_message(as_user, zone, urls):
    client = as_user(zone.investment)
    stale = _land_form(urls["parcel"], name="改名")
    client.post(urls["land_edit"], _land_form(urls["parcel"], price_wan_per_mu="20"))
    response = client.post(urls["land_edit"], stale)
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "Someone else saved this record while you were editing it. Reload it to see their "
        "change, then make yours again."
    ]
    urls["parcel"].refresh_from_db()
    assert (urls["parcel"].name, urls["parcel"].version) == ("赵虎镇工业地块三号", 2)


def test_bad_input_shows_the_field_s_error_and_saves_nothing(as_user, zone, urls, english):
    client = as_user(zone.investment)
    response = client.post(urls["land_edit"], _land_form(urls["parcel"], area_mu="abc"))
    assert response.status_code == 200
    assert response.context["form"].errors["area_mu"] == ["Enter a number."]
    urls["parcel"].refresh_from_db()
    assert urls["parcel"].version == 1


def test_a_service_s_refusal_is_shown_by_its_field(as_user, zone, urls):
    building = urls["building_obj"]
    response = as_user(zone.investment).post(
        urls["building_edit"],
        {
            "name": building.name,
            "org_unit": building.org_unit_id,
            "location": building.location,
            "floors": 1,
            "note": building.note,
            "version": building.version,
        },
    )
    assert response.status_code == 200
    message = "A unit is on floor 4; the building cannot have fewer floors."
    assert response.context["form"].errors == {"floors": [message]}
    page = response.content.decode()
    assert 'role="alert"' not in page
    assert page.index('name="floors"') < page.index(f'data-error="floors">{message}<')
    building.refresh_from_db()
    assert (building.floors, building.version) == (4, 1)


def test_an_editor_creates_a_parcel_a_building_and_a_unit(as_user, zone, urls):
    client = as_user(zone.investment)
    response = client.post(
        urls["land_create"],
        {
            "code": "land-zh-09",
            "name": "新地块",
            "org_unit": zone.units[ZHAOHU].pk,
            "area_mu": "33",
            "land_use": "industrial",
            "department": zone.departments["investment"].pk,
        },
    )
    parcel = LandParcel.objects.get(code="land-zh-09")
    assert response["Location"] == reverse("carriers:land", args=[parcel.pk])
    response = client.post(
        urls["building_create"],
        {
            "code": "new-b",
            "name": "新楼",
            "org_unit": zone.zone.pk,
            "floors": 2,
            "department": zone.departments["investment"].pk,
        },
    )
    building = Building.objects.get(code="new-b")
    assert response["Location"] == reverse("carriers:building", args=[building.pk])
    response = client.post(
        reverse("carriers:unit_create", args=[building.pk]),
        {"code": "101", "floor": 1, "floor_area_m2": "500", "use": "office"},
    )
    unit = building.units.get()
    assert (unit.code, unit.floor_area_m2, unit.status) == ("101", Decimal("500.00"), "idle")


def test_the_department_offered_is_one_the_editor_keeps(as_user, zone, urls):
    form = as_user(zone.investment).get(urls["land_create"]).context["form"]
    assert [d.code for d in form.fields["department"].queryset] == ["investment"]
    response = as_user(zone.investment).post(
        urls["land_create"],
        {
            "code": "x1",
            "name": "x",
            "org_unit": zone.zone.pk,
            "area_mu": "1",
            "land_use": "industrial",
            "department": zone.departments["finance"].pk,
        },
    )
    assert response.status_code == 200
    assert not LandParcel.objects.filter(code="x1").exists()


def test_an_editor_moves_a_unit_and_an_impossible_move_is_explained(as_user, zone, urls):
    client = as_user(zone.investment)
    response = client.post(
        urls["unit_move"], {"action": "reserve", "at": "2017-10-01", "note": "洽谈", "version": 1}
    )
    assert response["Location"] == urls["unit"].get_absolute_url()
    assert messages_of(response) == ["Status changed."]
    urls["unit"].refresh_from_db()
    assert urls["unit"].status == "reserved"
    response = client.post(urls["land_move"], {"action": "let", "version": 1})
    # The refusal comes back on the parcel's page, on the form as it was filled in.
    assert (response.status_code, response.context["parcel"]) == (200, urls["parcel"])
    assert response.context["move_form"].non_field_errors() == ["Land is sold, not let."]
    assert 'data-error="__all__">Land is sold, not let.<' in response.content.decode()
    assert response.context["move_form"]["action"].value() == "let"
    client.post(urls["land_move"], {"action": "sold", "at": "2017-10-02", "version": 1})
    response = client.post(urls["land_move"], {"action": "release", "version": 2})
    assert response.context["move_form"].non_field_errors() == [
        "赵虎镇工业地块三号 is sold; it cannot be released."
    ]
    urls["parcel"].refresh_from_db()
    assert urls["parcel"].status == "sold"


def test_a_move_dated_in_the_future_is_refused_by_its_date_on_the_building_page(
    as_user, zone, urls
):
    unit = urls["unit"]
    prefix = f"u{unit.pk}"
    response = as_user(zone.investment).post(
        urls["unit_move"],
        {
            "prefix": prefix,
            f"{prefix}-action": "let",
            f"{prefix}-at": "2099-01-01",
            f"{prefix}-version": unit.version,
        },
    )
    assert response.status_code == 200
    assert response.context["building"] == urls["building_obj"]
    forms = {u.pk: u.move_form for u in response.context["units"]}
    message = "A status change cannot be dated in the future."
    assert forms[unit.pk].errors == {"at": [message]}
    assert [pk for pk, form in forms.items() if form.errors] == [unit.pk]
    page = response.content.decode()
    assert page.index(f'name="{prefix}-at"') < page.index(f'data-error="at">{message}<')
    unit.refresh_from_db()
    assert unit.status == "idle"


def test_a_prefixed_move_form_from_the_building_page_is_understood(as_user, zone, urls):
    unit = urls["unit"]
    response = as_user(zone.investment).post(
        urls["unit_move"],
        {"prefix": f"u{unit.pk}", f"u{unit.pk}-action": "let", f"u{unit.pk}-version": 1},
    )
    assert messages_of(response) == ["Status changed."]
    unit.refresh_from_db()
    assert unit.status == "let"


def test_the_navigation_offers_carriers_to_business_readers(as_user, zone):
    for username in READERS + OTHER_DEPARTMENTS:
        response = as_user(zone.users[username]).get(reverse("core:dashboard"))
        assert "carriers" in [e.key for e in response.context["nav_entries"]]
    response = as_user(zone.sysadmin).get(reverse("core:dashboard"))
    assert "carriers" not in [e.key for e in response.context["nav_entries"]]
