"""The demo's loading steps: its projects, key-project records, talent awards and
follow-ups entered through the services, as an officer would."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TextIO

from django.db import transaction

from kaifaqu.carriers.models import BuildingUnit, LandParcel
from kaifaqu.core.demo import ILLUSTRATIVE
from kaifaqu.core.models import User
from kaifaqu.enterprises import services as enterprise_services
from kaifaqu.enterprises.models import Enterprise, Industry
from kaifaqu.orgs.models import Department, OrgUnit

from .. import services
from ..models import Project, TalentAward, TalentProgramme
from ..services import MoveSpec
from ..stages import Stage
from .projects import (
    CITY_KEY,
    DEPARTMENT,
    NAMED,
    OFFICER,
    SEED,
    TOWNS,
    P,
    d,
    key_projects,
    pipeline,
    projects_2016,
    projects_2017,
    reset_names,
)
from .talent import ANLAN, OTHER_AWARDS, PROGRAMMES


class _Loader:
    def __init__(self):
        self.department = Department.objects.get(code=DEPARTMENT)
        self.officer = User.objects.filter(username=OFFICER).first()
        self.units = {u.code: u for u in OrgUnit.objects.filter(code__in=TOWNS)}
        self.industries = {i.code: i for i in Industry.objects.all()}
        self.created: dict[str, Project] = {}

    def enterprise(self, p: P) -> Enterprise:
        found = Enterprise.objects.filter(name=p.investor).first()
        if found is not None:
            return found
        illustrative = not p.named
        return enterprise_services.enterprise_create(
            actor=None,
            name=p.investor,
            credit_code=p.credit_code if illustrative else None,
            contact_person=p.contact_person,
            phone=f"0534-0{len(self.created) + 100:06d}" if illustrative else "",
            email=f"contact{len(self.created) + 1}@example.com" if illustrative else "",
            org_unit=None,
            illustrative=illustrative,
        )

    def carrier(self, spec):
        if spec is None:
            return {}
        kind, code = spec
        if kind == "land":
            return {"land_parcel": LandParcel.objects.get(code=code)}
        building, unit = code.split("/")
        return {"building_unit": BuildingUnit.objects.get(building__code=building, code=unit)}

    def project(self, p: P) -> Project | None:
        if Project.objects.filter(name=p.name).exists():
            return None
        moves = []
        for stage, on, text in (
            (Stage.NEGOTIATING, p.negotiating, ""),
            (Stage.SIGNED, p.signed, f"投资合作协议（{p.name}）"),
            (Stage.STARTED, p.started, "开工确认单"),
            (Stage.UNDER_CONSTRUCTION, p.under_construction, ""),
            (Stage.OPERATING, p.operating, "竣工投产"),
        ):
            if on is not None:
                moves.append(MoveSpec(stage, on, text))
        if p.dropped is not None:
            moves.append(MoveSpec(Stage.DROPPED, p.dropped, reason=p.drop_reason))
        project = services.project_create(
            actor=None,
            name=p.name,
            investor=self.enterprise(p),
            partner=p.partner,
            industry=self.industries[p.industry],
            source=p.source,
            org_unit=self.units[p.org],
            department=self.department,
            officer=self.officer,
            contract_investment=p.contract,
            total_investment=p.total,
            capital=p.capital,
            light_asset=p.light,
            key_level=p.key,
            note=p.note or ILLUSTRATIVE,
            first_contact_on=p.contact,
            moves=moves,
            illustrative=not p.named,
            **self.carrier(p.carrier),
        )
        for on, amount in p.tranches:
            services.tranche_create(
                actor=None,
                project=project,
                on=on,
                amount=amount,
                voucher_note="到账凭证（示例数据）",
            )
        self.created[p.name] = project
        return project


def _monthly(total: int) -> list[Decimal]:
    """A nine-month total split into months (equal parts, the rest in September)."""
    part = (Decimal(total) / 9).quantize(Decimal("0.01"))
    return [part] * 8 + [Decimal(total) - part * 8]


def _key_records(loader: _Loader, city: list[tuple[P, tuple[int, int]]]) -> None:
    for p, (plan, completed) in city:
        project = loader.created.get(p.name)
        if project is None:
            continue
        # The demo enters each project's plan and reports once, as they come (0: none yet).
        services.key_project_plan_save(
            actor=None, project=project, year=2017, annual_plan=plan, sync=False, version=0
        )
        for month, value in enumerate(_monthly(completed), start=1):
            issues = []
            if month == 6 and project.pk % 3 == 0:
                issues = [
                    {
                        "kind": "land",
                        "description": "二期用地指标待落实（示例数据）",
                        "responsible_department": loader.department,
                        "due_on": d("2017-10-31"),
                    }
                ]
            services.progress_report_save(
                actor=None,
                project=project,
                month=f"2017-{month:02d}",
                completed_investment=value,
                image_progress="主体施工（示例数据）",
                issues=issues,
                version=0,
            )
    services.key_project_targets_sync(actor=None, year=2017, department_id=loader.department.pk)


def _talent(loader: _Loader) -> None:
    programmes = {p.code: p for p in TalentProgramme.objects.all()}
    for order, (code, name, level, source) in enumerate(PROGRAMMES, start=1):
        if code not in programmes:
            programmes[code] = services.talent_programme_create(
                actor=None, code=code, name=name, level=level, note=source, order=order
            )
    enterprises = list(
        Enterprise.objects.filter(illustrative=True, projects__stage=Stage.UNDER_CONSTRUCTION)
        .order_by("pk")
        .distinct()[:20]
    )
    towns = [loader.units[c] for c in TOWNS[:5]]

    def award(i, code, person, status, announced):
        if TalentAward.objects.filter(
            programme=programmes[code], person_name=person, year=2017
        ).exists():
            return None
        return services.talent_award_create(
            actor=None,
            department=loader.department,
            person_name=person,
            programme=programmes[code],
            year=2017,
            announced_on=announced,
            status=status,
            enterprise=enterprises[i % len(enterprises)] if enterprises else None,
            org_unit=towns[i % len(towns)],
            illustrative=True,
            note=f"{SEED}（人数）；姓名、企业与日期为示例数据",
        )

    for i, (person, subsidy) in enumerate(ANLAN):
        made = award(i, "anlan", person, "selected", d("2017-05-26"))
        if made is not None:
            services.talent_subsidy_create(
                actor=None,
                award=made,
                paid_on=date(2017, 7 + i % 3, 10),
                amount=subsidy,
                note="补助资助资金（分配为示例数据）",
            )
    for i, (code, person, status, announced) in enumerate(OTHER_AWARDS, start=16):
        award(i, code, person, status, d(announced))


def _follow_ups(loader: _Loader) -> None:
    rows = [
        (
            "凯旺新能源与杭州赫日公司合作纯电动汽车增程器项目",
            "meeting",
            "2017-08-30",
            "协议签订后对接增程器样机测试安排",
            "确定试制车间与设备进场时间",
            "2017-10-20",
        ),
        (
            "黄河商品交易市场与首建投合作项目",
            "visit",
            "2017-09-05",
            "走访首建投，股改已完成，法人变更材料在准备中",
            "协助办理法人变更登记",
            "2017-10-15",
        ),
        (
            "奥冠电池与青岛华高石墨烯导电剂项目",
            "site_visit",
            "2017-07-18",
            "现场查看，厂房装修已完成，设备待安装",
            "跟进设备安装调试",
            "2017-09-30",
        ),
    ]
    for name, kind, on, note, action, due in rows:
        project = loader.created.get(name)
        if project is None:
            continue
        services.followup_create(
            actor=None,
            project=project,
            kind=kind,
            on=d(on),
            note=note,
            next_action=action,
            next_action_on=d(due),
            by=loader.officer,
        )


@transaction.atomic
def load(stdout: TextIO) -> None:
    reset_names()  # the same names and codes on every run
    loader = _Loader()
    keys, plans = key_projects()
    for p in [*NAMED, *projects_2017(), *projects_2016(), *keys, *pipeline()]:
        loader.project(p)
    _key_records(loader, list(zip(keys[: len(CITY_KEY)], plans, strict=True)))
    _talent(loader)
    _follow_ups(loader)
    stdout.write(f"Investment: {len(loader.created)} projects entered.\n")
