"""The demo ledgers: the seed's named items as such, everything else marked illustrative,
entered through the services, and loading twice changes nothing."""

import io

from django.core.management import call_command

from kaifaqu.carriers.models import BuildingUnit, CarrierStatus
from kaifaqu.core.demo import SEED
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.enterprises.validators import credit_code_problem
from kaifaqu.investment.models import (
    FollowUp,
    FundTranche,
    ProgressReport,
    Project,
    StageMove,
    TalentAward,
    TalentSubsidy,
)
from kaifaqu.investment.stages import Stage

NAMED = {
    "凯旺新能源与杭州锣卜科技合作中国邮政专用车项目": (
        "杭州锣卜科技",
        "凯旺新能源",
        Stage.OPERATING,
        None,
    ),
    "凯旺新能源与杭州赫日公司合作纯电动汽车增程器项目": (
        "杭州赫日公司",
        "凯旺新能源",
        Stage.SIGNED,
        None,
    ),
    "奥冠电池与青岛华高石墨烯导电剂项目": (
        "青岛华高石墨烯",
        "奥冠电池",
        Stage.UNDER_CONSTRUCTION,
        ("zhongyuan-park", "w101"),
    ),
    "黄河商品交易市场与首建投合作项目": (
        "首建投",
        "黄河商品交易市场",
        Stage.SIGNED,
        ("xinxing-intl", "f05"),
    ),
}


def test_the_named_items_appear_as_such(seeded):
    for name, (investor, partner, stage, carrier) in NAMED.items():
        project = Project.objects.get(name=name)
        assert (project.investor.name, project.partner, project.stage) == (investor, partner, stage)
        assert not project.illustrative
        assert not project.investor.illustrative
        assert project.note.startswith(SEED)
        if carrier:
            unit = BuildingUnit.objects.get(building__code=carrier[0], code=carrier[1])
            assert project.building_unit == unit
            assert unit.status == CarrierStatus.LET
    assert Project.objects.filter(illustrative=False).count() == len(NAMED)
    # The seed does not give the named investors' codes or contacts, and none are made up.
    named = Enterprise.objects.filter(illustrative=False)
    assert not named.exclude(credit_code=None).exists()
    assert not named.exclude(phone="").exists()


def test_illustrative_investors_have_valid_codes_no_real_enterprise_can_hold(seeded):
    codes = list(Enterprise.objects.filter(illustrative=True).values_list("credit_code", flat=True))
    assert len(codes) == 131
    assert all(credit_code_problem(code) is None for code in codes)
    assert {code[2:8] for code in codes} == {"371499"}  # no county has this division code


def test_every_project_went_through_its_stages(seeded):
    for project in Project.objects.prefetch_related("moves"):
        path = [m.to_stage for m in project.moves.all()]
        assert path[0] == Stage.LEAD
        assert path[-1] == project.stage
    assert StageMove.objects.filter(to_stage=Stage.SIGNED, evidence_text="").count() == 0


def test_loading_again_changes_nothing(seeded):
    models = [
        Enterprise,
        Project,
        StageMove,
        FundTranche,
        ProgressReport,
        FollowUp,
        TalentAward,
        TalentSubsidy,
    ]
    before = [m.objects.count() for m in models]
    call_command("load_demo", stdout=io.StringIO())
    assert [m.objects.count() for m in models] == before
