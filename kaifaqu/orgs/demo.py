"""The demo zone: 德州经济技术开发区 as of 2017, from the seed report.

Every value says where it comes from. "seed" is the 2017 progress report in
shared/seed/000_7f8fd224abc59e8b.txt; "illustrative" marks what the seed does not state
(division codes below the county level, where the communities sit, the demo accounts).
"""

from __future__ import annotations

import os
from base64 import b32encode
from binascii import unhexlify
from datetime import date
from decimal import Decimal
from typing import TextIO

from django.db import transaction

from kaifaqu.core import access, signin
from kaifaqu.core import services as core_services
from kaifaqu.core.demo import ILLUSTRATIVE, SEED
from kaifaqu.core.models import RoleGrant, User
from kaifaqu.core.roles import DepartmentRole, Role

from . import services
from .models import Department, Honour, Membership, OrgUnit, OrgUnitKind, ProfileFact
from .models import ProfileFactKey as K

DIVISION_CODES = "统计用区划代码 (county level)"
AS_OF = date(2017, 9, 30)

CITY = ("371400", "德州市", "Dezhou City", OrgUnitKind.CITY)
HOME_ZONE = ("371471", "德州经济技术开发区", "Dezhou Economic and Technological Development Zone")

#: The county-level units of 德州市 in 2017, in the city's statistical order.
CITY_CHILDREN = [
    ("371402", "德城区", "Decheng District", OrgUnitKind.DISTRICT),
    ("371403", "陵城区", "Lingcheng District", OrgUnitKind.DISTRICT),
    ("371422", "宁津县", "Ningjin County", OrgUnitKind.COUNTY),
    ("371423", "庆云县", "Qingyun County", OrgUnitKind.COUNTY),
    ("371424", "临邑县", "Linyi County", OrgUnitKind.COUNTY),
    ("371425", "齐河县", "Qihe County", OrgUnitKind.COUNTY),
    ("371426", "平原县", "Pingyuan County", OrgUnitKind.COUNTY),
    ("371427", "夏津县", "Xiajin County", OrgUnitKind.COUNTY),
    ("371428", "武城县", "Wucheng County", OrgUnitKind.COUNTY),
    ("371481", "乐陵市", "Laoling City", OrgUnitKind.COUNTY),
    ("371482", "禹城市", "Yucheng City", OrgUnitKind.COUNTY),
    (*HOME_ZONE, OrgUnitKind.ZONE),
    ("371472", "德州运河经济开发区", "Dezhou Canal Economic Development Zone", OrgUnitKind.ZONE),
]

#: The zone's towns and subdistricts, in the seed's order ("代管赵虎、袁桥、抬头寺3个镇和
#: 宋官屯、长河2个街道"). Their codes are the zone's own (illustrative).
ZONE_CHILDREN = [
    ("371471101", "赵虎镇", "Zhaohu Town", OrgUnitKind.TOWN),
    ("371471102", "袁桥镇", "Yuanqiao Town", OrgUnitKind.TOWN),
    ("371471103", "抬头寺镇", "Taitousi Town", OrgUnitKind.TOWN),
    ("371471001", "宋官屯街道", "Songguantun Subdistrict", OrgUnitKind.SUBDISTRICT),
    ("371471002", "长河街道", "Changhe Subdistrict", OrgUnitKind.SUBDISTRICT),
]

#: Communities the seed names; which town or subdistrict holds each is illustrative.
COMMUNITIES = [
    ("371471102201", "袁桥社区", "Yuanqiao Community", "371471102"),
    ("371471001201", "东七社区", "Dongqi Community", "371471001"),
    ("371471001202", "小刘社区", "Xiaoliu Community", "371471001"),
    ("371471002201", "曹村社区", "Caocun Community", "371471002"),
    ("371471002202", "耿庄社区", "Gengzhuang Community", "371471002"),
]

DEPARTMENTS = [
    ("office", "党政办公室", "General Office"),
    ("economy", "经济发展局", "Economic Development Bureau"),
    ("investment", "招商局", "Investment Promotion Bureau"),
    ("finance", "财政局", "Finance Bureau"),
    ("construction", "建设局", "Construction Bureau"),
    ("social_affairs", "社会事务局", "Social Affairs Bureau"),
    ("party", "党群工作部", "Party and Mass Work Department"),
]

PROFILE_FACTS = [
    (K.FOUNDED, "1998", False),
    (K.NATIONAL_LEVEL, "2012", False),
    (K.AREA, "320", False),
    (K.PLANNED_AREA, "150", False),
    (K.BUILT_UP_AREA, "60", False),
    (K.HOUSEHOLDS, "62504", False),
    (K.POPULATION, "156260", False),
    (K.AGRICULTURAL, "133330", False),
    (K.NON_AGRICULTURAL, "22930", False),
    (K.RESIDENTS, "300000", True),
]

#: The zone's titles, in the seed's order and wording.
HONOURS = [
    ("全国文明单位", Honour.Level.NATIONAL),
    ("国家火炬计划新能源产业基地", Honour.Level.NATIONAL),
    ("生物高技术产业基地", Honour.Level.NATIONAL),
    ("太阳能光伏发电集中应用示范区", Honour.Level.NATIONAL),
    ("太阳能光热综合利用示范区", Honour.Level.NATIONAL),
    ("科技兴贸创新基地", Honour.Level.NATIONAL),
    ("知识产权产业化试点基地", Honour.Level.NATIONAL),
    ("中国太阳城", Honour.Level.NATIONAL),
    ("中国压滤机之都", Honour.Level.NATIONAL),
    ("山东省科学发展示范区", Honour.Level.PROVINCIAL),
    ("对外开放先进区", Honour.Level.PROVINCIAL),
    ("节能环保产业基地", Honour.Level.PROVINCIAL),
]

# Public on purpose: printed by `make run` for a local demo; set KAIFAQU_DEMO_PASSWORD to change it.
DEMO_PASSWORD_DEFAULT = "Kaifaqu@Demo2017"  # noqa: S105

#: username, full name, global roles, (department code, department role) pairs.
DEMO_USERS = [
    ("admin", "演示管理员", [Role.ZONE_ADMIN], []),
    ("leader", "区领导", [Role.LEADER], []),
    ("economy", "经济发展局统计员", [], [("economy", DepartmentRole.EDITOR)]),
    ("investment", "招商局专员", [], [("investment", DepartmentRole.EDITOR)]),
    ("finance", "财政局查询员", [], [("finance", DepartmentRole.VIEWER)]),
    (
        "twodept",
        "招商局兼财政局干部",
        [],
        [("investment", DepartmentRole.EDITOR), ("finance", DepartmentRole.EDITOR)],
    ),
    ("sysadmin", "系统管理员", [Role.SYSTEM_ADMIN], []),
    ("secadmin", "安全管理员", [Role.SECURITY_ADMIN], []),
    ("auditadmin", "审计管理员", [Role.AUDIT_ADMIN], []),
]


def demo_password() -> str:
    return os.environ.get("KAIFAQU_DEMO_PASSWORD", DEMO_PASSWORD_DEFAULT)


def _unit(
    code: str,
    name: str,
    name_en: str,
    kind: str,
    parent: OrgUnit | None,
    order: int,
    source: str,
) -> OrgUnit:
    existing = OrgUnit.objects.filter(code=code).first()
    if existing is not None:
        return existing
    created: OrgUnit = services.orgunit_create(
        actor=None,
        code=code,
        name=name,
        name_en=name_en,
        kind=kind,
        parent=parent,
        order=order,
        source=source,
    )
    return created


def _tree() -> OrgUnit:
    city = _unit(*CITY, None, 0, DIVISION_CODES)
    zone = None
    for order, (code, name, name_en, kind) in enumerate(CITY_CHILDREN, start=1):
        unit = _unit(code, name, name_en, kind, city, order, DIVISION_CODES)
        if code == HOME_ZONE[0]:
            zone = unit
    assert zone is not None
    for order, (code, name, name_en, kind) in enumerate(ZONE_CHILDREN, start=1):
        _unit(code, name, name_en, kind, zone, order, f"{SEED}；代码为{ILLUSTRATIVE}")
    for order, (code, name, name_en, parent_code) in enumerate(COMMUNITIES, start=1):
        parent = OrgUnit.objects.get(code=parent_code)
        _unit(
            code,
            name,
            name_en,
            OrgUnitKind.COMMUNITY,
            parent,
            order,
            f"{SEED}；上级单位与代码为{ILLUSTRATIVE}",
        )
    return zone


def _departments() -> dict[str, Department]:
    out = {}
    for order, (code, name, name_en) in enumerate(DEPARTMENTS, start=1):
        dept = Department.objects.filter(code=code).first()
        if dept is None:
            dept = services.department_create(
                actor=None, code=code, name=name, name_en=name_en, order=order
            )
        out[code] = dept
    return out


def _profile(zone: OrgUnit, departments: dict[str, Department]) -> None:
    for key, value, approximate in PROFILE_FACTS:
        if ProfileFact.objects.filter(org_unit=zone, key=key, as_of=AS_OF).exists():
            continue
        services.profile_fact_create(
            actor=None,
            org_unit=zone,
            key=key,
            value=Decimal(value),
            approximate=approximate,
            as_of=AS_OF,
            source=SEED,
            department=departments["economy"],
        )
    for order, (name, level) in enumerate(HONOURS, start=1):
        if Honour.objects.filter(org_unit=zone, name=name).exists():
            continue
        services.honour_create(
            actor=None,
            org_unit=zone,
            name=name,
            level=level,
            source=SEED,
            department=departments["office"],
            order=order,
        )


def _users(departments: dict[str, Department], stdout: TextIO) -> None:
    password = demo_password()
    rows = []
    for username, full_name, roles, memberships in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = core_services.user_create(
                actor=None, username=username, password=password, full_name=full_name
            )
            for role in roles:
                if not RoleGrant.objects.filter(user=user, role=role).exists():
                    core_services.role_grant(actor=None, user=user, role=role)
            for dept_code, dept_role in memberships:
                dept = departments[dept_code]
                if not Membership.objects.filter(
                    user=user, department=dept, role=dept_role
                ).exists():
                    services.membership_grant(
                        actor=None, user=user, department=dept, role=dept_role
                    )
        access.forget(user)
        # The accounts that need the second factor share the published demo authenticator.
        if signin.needs_second_factor(user):
            core_services.second_factor_set_demo(user=user)
        rows.append((username, full_name))
    stdout.write(f"Demo accounts (password: {password}):\n")
    for username, full_name in rows:
        stdout.write(f"  {username:<12} {full_name}\n")
    secret = b32encode(unhexlify(signin.DEMO_TOTP_KEY)).decode()
    stdout.write(
        f"Accounts with write or administrative rights give a second factor: the demo "
        f"authenticator's secret is {secret} (the code is shown on the page).\n"
    )


@transaction.atomic
def load(stdout: TextIO) -> None:
    zone = _tree()
    departments = _departments()
    _profile(zone, departments)
    _users(departments, stdout)
