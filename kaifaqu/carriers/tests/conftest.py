"""Fixtures of the carriers' tests.

``zone`` loads the org tree, departments and accounts and the carriers' own demo step, and no
other ledger's, so the exact figures asserted here do not move when another ledger's demo
takes a carrier. ``blank_zone`` has the tree and accounts but no carriers.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from functools import partial
from types import SimpleNamespace

import pytest

from kaifaqu.carriers import demo as carriers_demo
from kaifaqu.carriers import services
from kaifaqu.core.models import User
from kaifaqu.core.testing import sign_in
from kaifaqu.core.versioning import CURRENT
from kaifaqu.orgs import demo as orgs_demo
from kaifaqu.orgs.models import Department, OrgUnit

ZONE = "371471"
CHANGHE = "371471002"  # 长河街道
ZHAOHU = "371471101"  # 赵虎镇
DECHENG = "371402"  # 德城区, outside the zone


def _namespace():
    users = {u.username: u for u in User.objects.all()}
    return SimpleNamespace(
        users=users,
        zone=OrgUnit.objects.get(code=ZONE),
        units={u.code: u for u in OrgUnit.objects.all()},
        departments={d.code: d for d in Department.objects.all()},
        **users,
    )


@pytest.fixture
def blank_zone(db):
    orgs_demo.load(io.StringIO())
    return _namespace()


@pytest.fixture
def zone(blank_zone):
    carriers_demo.load(io.StringIO())
    return blank_zone


@pytest.fixture
def as_user(client):
    """The root's ``as_user`` without the demo: these tests build their own zone and pass
    its users."""
    return partial(sign_in, client)


@pytest.fixture
def building(blank_zone):
    """A building of 招商局 in 长河街道 with three units: 1000 m² idle, 500 let, 250 idle."""
    dept = blank_zone.departments["investment"]
    b = services.building_create(
        actor=None,
        code="t-bldg",
        name="测试楼",
        org_unit=blank_zone.units[CHANGHE],
        floors=3,
        department=dept,
    )
    start = date(2016, 1, 1)
    for code, floor, area, use in (
        ("u1", 1, "1000", "factory"),
        ("u2", 2, "500", "office"),
        ("u3", 3, "250", "lab"),
    ):
        services.building_unit_create(
            actor=None,
            building=b,
            code=code,
            floor=floor,
            floor_area_m2=Decimal(area),
            use=use,
            since=start,
        )
    services.carrier_take(
        version=CURRENT, actor=None, carrier=b.units.get(code="u2"), at=date(2016, 3, 1)
    )
    return b


@pytest.fixture
def parcel(blank_zone):
    """An idle industrial parcel of 招商局 in 赵虎镇, 50 亩."""
    return services.land_parcel_create(
        actor=None,
        code="t-land",
        name="测试地块",
        org_unit=blank_zone.units[ZHAOHU],
        area_mu=Decimal("50"),
        land_use="industrial",
        department=blank_zone.departments["investment"],
        price_wan_per_mu=Decimal("18"),
        since=date(2016, 1, 1),
    )
