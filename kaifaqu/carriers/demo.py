"""The demo carriers: the two the seed names, and illustrative land and buildings on offer.

The seed names 中元科技创新创业园 (奥冠电池 with 青岛华高石墨烯 moved into a factory unit there)
and 鑫星国际 (黄河商品交易市场 with 首建投). Their units, areas, rents and statuses, and every
other carrier here, are illustrative, as each note says. The units the seed's projects use
(中元 w101, 鑫星 f05) are left idle: the investment ledger's projects reserve and take them
when they reach negotiating and signed.

Every carrier enters the history on 2016-01-01, except the incubator (2017-03-01), so the
idle area has a prior-year value.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TextIO

from django.db import transaction

from kaifaqu.core.demo import ILLUSTRATIVE, SEED
from kaifaqu.core.versioning import CURRENT
from kaifaqu.orgs.models import Department, OrgUnit

from . import services
from .models import Building, BuildingUnit, CarrierStatus, LandParcel

DEPARTMENT = "investment"  # 招商局 keeps the carriers
ENTERED = date(2016, 1, 1)

#: A move: (service, date, note); "take" lets a unit and sells land unless "sold" is given.
RESERVE, LET, SELL, RELEASE = "reserve", "let", "sold", "release"

# code, name, org unit, floors, location, note, entered
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
BUILDINGS = [
    ("zhongyuan-park", "中元科技创新创业园", "371471002", 4, "长河街道（位置示意）",
     f"{SEED}（奥冠电池与青岛华高石墨烯导电剂项目落户）；单元、面积、租金与状态为{ILLUSTRATIVE}",
     ENTERED),
    ("xinxing-intl", "鑫星国际", "371471001", 12, "宋官屯街道（位置示意）",
     f"{SEED}（黄河商品交易市场与首建投合作项目落户）；单元、面积、租金与状态为{ILLUSTRATIVE}",
     ENTERED),
    ("std-factory-a", "标准化厂房A区", "371471102", 1, "袁桥镇（位置示意）",
     ILLUSTRATIVE, ENTERED),
    ("tech-incubator", "开发区科技孵化中心", "371471001", 5, "宋官屯街道（位置示意）",
     f"{ILLUSTRATIVE}（2017年3月投用）", date(2017, 3, 1)),
]  # fmt: skip

# building, code, floor, m², use, rent 元/m²·月, sale price 元/m², moves
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
UNITS = [
    ("zhongyuan-park", "w101", 1, "2400", "factory", "10", None, []),
    ("zhongyuan-park", "w102", 1, "2400", "factory", "10", None, []),
    ("zhongyuan-park", "w103", 1, "2400", "factory", "10", None, [(LET, date(2016, 6, 15))]),
    ("zhongyuan-park", "l201", 2, "1200", "lab", "22", None, []),
    ("zhongyuan-park", "l202", 2, "1200", "lab", "22", None, [(RESERVE, date(2017, 8, 10))]),
    ("zhongyuan-park", "o301", 3, "800", "office", "28", None, []),
    ("zhongyuan-park", "o302", 3, "800", "office", "28", None, [(LET, date(2017, 3, 1))]),
    ("zhongyuan-park", "o401", 4, "800", "office", "28", None,
     [(LET, date(2016, 9, 1)), (RELEASE, date(2017, 5, 31))]),
    ("xinxing-intl", "f01", 1, "900", "retail", "45", None, [(LET, date(2016, 4, 1))]),
    ("xinxing-intl", "f05", 5, "1600", "office", "32", "6800", []),
    ("xinxing-intl", "f06", 6, "1600", "office", "32", "6800", []),
    ("xinxing-intl", "f07", 7, "1600", "office", "32", "6800", []),
    ("xinxing-intl", "f08", 8, "1600", "office", "32", "6800", [(SELL, date(2017, 6, 20))]),
    ("xinxing-intl", "f09", 9, "1600", "office", "32", "6800", [(LET, date(2017, 2, 15))]),
    ("std-factory-a", "a01", 1, "3000", "factory", "8", "2600", [(SELL, date(2016, 11, 30))]),
    ("std-factory-a", "a02", 1, "3000", "factory", "8", "2600", [(LET, date(2017, 4, 1))]),
    ("std-factory-a", "a03", 1, "3000", "factory", "8", "2600", []),
    ("std-factory-a", "a04", 1, "3000", "factory", "8", "2600", []),
    ("std-factory-a", "a05", 1, "1500", "warehouse", "6", None, [(RESERVE, date(2017, 9, 5))]),
    ("tech-incubator", "i101", 1, "600", "lab", "18", None, []),
    ("tech-incubator", "i201", 2, "400", "office", "20", None, [(LET, date(2017, 6, 1))]),
    ("tech-incubator", "i202", 2, "400", "office", "20", None, []),
    ("tech-incubator", "i301", 3, "400", "office", "20", None, []),
]  # fmt: skip

# code, name, org unit, 亩, land use, 万元/亩, moves
# A table: one row a line reads better aligned than wrapped, so the formatter skips it.
LAND_PARCELS = [
    ("land-zh-01", "赵虎镇工业地块一号", "371471101", "120", "industrial", "18",
     [(SELL, date(2016, 10, 20))]),
    ("land-zh-02", "赵虎镇工业地块二号", "371471101", "95", "industrial", "18",
     [(RESERVE, date(2017, 7, 12))]),
    ("land-zh-03", "赵虎镇工业地块三号", "371471101", "80", "industrial", "18", []),
    ("land-yq-01", "袁桥镇工业地块一号", "371471102", "150", "industrial", "16",
     [(SELL, date(2017, 5, 18))]),
    ("land-yq-02", "袁桥镇工业地块二号", "371471102", "60", "industrial", "16", []),
    ("land-tts-01", "抬头寺镇综合地块", "371471103", "45", "mixed", "35", []),
    ("land-cg-01", "长河街道商业地块一号", "371471002", "30", "commercial", "75",
     [(RESERVE, date(2017, 9, 1))]),
    ("land-cg-02", "长河街道商业地块二号", "371471002", "25", "commercial", "75", []),
    ("land-sgt-01", "宋官屯街道住宅地块", "371471001", "40", "residential", "120",
     [(SELL, date(2016, 5, 10))]),
]  # fmt: skip

NOTE = {
    RESERVE: "演示：为洽谈项目预留（示例数据）",
    LET: "演示：出租（示例数据）",
    SELL: "演示：出售（示例数据）",
    RELEASE: "演示：租约到期（示例数据）",
}


def _apply(carrier, moves) -> None:
    for what, at in moves:
        # The demo loader writes its own history: no one read a version of these carriers.
        common = {"actor": None, "carrier": carrier, "note": NOTE[what], "at": at}
        common["version"] = CURRENT
        if what == RESERVE:
            services.carrier_reserve(**common)
        elif what == RELEASE:
            services.carrier_release(**common)
        else:
            services.carrier_take(how=what, **common)


def _buildings(department: Department, units: dict[str, OrgUnit]) -> dict[str, Building]:
    out = {}
    for code, name, org, floors, location, note, _since in BUILDINGS:
        building = Building.objects.filter(code=code).first()
        if building is None:
            building = services.building_create(
                actor=None,
                code=code,
                name=name,
                org_unit=units[org],
                floors=floors,
                department=department,
                location=location,
                note=note,
            )
        out[code] = building
    return out


def _units(buildings: dict[str, Building]) -> None:
    since = {code: entered for code, *_rest, entered in BUILDINGS}
    for building_code, code, floor, area, use, rent, sale, moves in UNITS:
        building = buildings[building_code]
        if BuildingUnit.objects.filter(building=building, code=code).exists():
            continue
        unit = services.building_unit_create(
            actor=None,
            building=building,
            code=code,
            floor=floor,
            floor_area_m2=Decimal(area),
            use=use,
            status=CarrierStatus.IDLE,
            rent_yuan_per_m2_month=Decimal(rent),
            sale_price_yuan_per_m2=Decimal(sale) if sale else None,
            note=ILLUSTRATIVE,
            since=since[building_code],
        )
        _apply(unit, moves)


def _land(department: Department, units: dict[str, OrgUnit]) -> None:
    for code, name, org, area, land_use, price, moves in LAND_PARCELS:
        if LandParcel.objects.filter(code=code).exists():
            continue
        parcel = services.land_parcel_create(
            actor=None,
            code=code,
            name=name,
            org_unit=units[org],
            area_mu=Decimal(area),
            land_use=land_use,
            department=department,
            location=f"{units[org].name}（位置示意）",
            price_wan_per_mu=Decimal(price),
            note=ILLUSTRATIVE,
            since=ENTERED,
        )
        _apply(parcel, moves)


@transaction.atomic
def load(stdout: TextIO) -> None:
    department = Department.objects.get(code=DEPARTMENT)
    codes = {row[2] for row in BUILDINGS} | {row[2] for row in LAND_PARCELS}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    buildings = _buildings(department, units)
    _units(buildings)
    _land(department, units)
    stdout.write(
        f"Carriers: {LandParcel.objects.count()} land parcels, {Building.objects.count()} "
        f"buildings, {BuildingUnit.objects.count()} units\n"
    )
