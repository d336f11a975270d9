"""The stage machine: one stage at a time, never back, evidence where it is due, the carrier
held along the way, and who may move a project."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from kaifaqu.carriers.models import BuildingUnit, CarrierStatus, LandParcel
from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.core.versioning import CURRENT, ConcurrentEditError
from kaifaqu.investment import services, stages
from kaifaqu.investment.models import Project, StageMove
from kaifaqu.investment.selectors import time_in_stage
from kaifaqu.investment.services import MoveSpec
from kaifaqu.investment.stages import EvidenceKind, Stage

D = date(2017, 3, 1)


def test_the_pipeline_rules():
    assert stages.allowed_moves(Stage.LEAD) == [Stage.NEGOTIATING, Stage.DROPPED]
    assert stages.allowed_moves(Stage.UNDER_CONSTRUCTION) == [Stage.OPERATING, Stage.DROPPED]
    assert stages.allowed_moves(Stage.OPERATING) == []
    assert stages.allowed_moves(Stage.DROPPED) == []
    assert stages.reached(Stage.STARTED, Stage.SIGNED)
    assert not stages.reached(Stage.SIGNED, Stage.STARTED)
    assert not stages.reached(Stage.DROPPED, Stage.SIGNED)


def test_the_move_rules_say_what_is_wrong():
    assert stages.move_refusal(Stage.LEAD, Stage.NEGOTIATING) is None
    assert stages.move_refusal(Stage.SIGNED, Stage.DROPPED) is None
    assert stages.move_refusal(Stage.LEAD, "closed") == "Unknown stage."
    assert stages.move_refusal(Stage.DROPPED, Stage.LEAD) == (
        "The project is dropped; it moves no further."
    )
    assert stages.move_refusal(Stage.STARTED, Stage.SIGNED) == (
        "A project does not move back: it is started already."
    )
    assert stages.move_refusal(Stage.SIGNED, Stage.SIGNED) == (
        "A project does not move back: it is signed already."
    )
    assert stages.move_refusal(Stage.LEAD, Stage.UNDER_CONSTRUCTION) == (
        "A project moves one stage at a time: from lead it goes to negotiating, not under "
        "construction."
    )
    assert stages.move_refusal(Stage.LEAD, Stage.UNDER_CONSTRUCTION, several=True) is None
    assert stages.move_refusal(Stage.OPERATING, Stage.DROPPED, several=True) == (
        "The project is operating; it moves no further."
    )


def test_the_path_of_several_moves():
    assert stages.path(Stage.SIGNED, Stage.SIGNED) == []
    assert stages.path(Stage.LEAD, Stage.STARTED) == [
        Stage.NEGOTIATING,
        Stage.SIGNED,
        Stage.STARTED,
    ]
    assert stages.path(Stage.LEAD, Stage.DROPPED) == [Stage.DROPPED]
    # Dropped after the furthest stage given a date, through every stage before it.
    assert stages.path(Stage.LEAD, Stage.DROPPED, dated=[Stage.SIGNED, Stage.DROPPED]) == [
        Stage.NEGOTIATING,
        Stage.SIGNED,
        Stage.DROPPED,
    ]
    assert stages.path(Stage.STARTED, Stage.DROPPED, dated=[Stage.SIGNED]) == [Stage.DROPPED]


def test_the_date_and_evidence_rules():
    assert stages.date_refusal(D, D) is None
    assert stages.date_refusal(D - timedelta(days=1), D) == (
        "The project's last move is dated 2017-03-01; a move cannot be dated earlier."
    )
    lacking = stages.move_problems(
        Stage.SIGNED, evidence=False, contract_investment=None, total_investment=None
    )
    assert lacking == [
        stages.Problem(
            "evidence",
            "Signing needs its evidence: the agreement (its title or number, or the signed file).",
        ),
        stages.Problem("contract_investment", "Enter the contracted investment before signing."),
    ]
    assert stages.move_problems(
        Stage.STARTED, evidence=True, contract_investment=None, total_investment=None
    ) == [stages.Problem("total_investment", "Enter the total investment before the start.")]
    assert stages.move_problems(
        Stage.DROPPED, evidence=False, contract_investment=None, total_investment=None
    ) == [stages.Problem("evidence", "Say why the project is dropped.")]
    assert (
        stages.move_problems(
            Stage.OPERATING, evidence=False, contract_investment=None, total_investment=None
        )
        == []
    )
    assert stages.stage_field_problems(
        signed_on=D, started_on=D, contract_investment=None, total_investment=Decimal(1)
    ) == [
        stages.Problem("contract_investment", "A signed project states its contracted investment.")
    ]


def test_the_rules_speak_the_users_language():
    with translation.override("zh-hans"):
        assert (
            stages.move_refusal(Stage.DROPPED, Stage.LEAD) == "项目已处于“退库”阶段，不能再变更。"
        )


def move(project, to, on=D, actor=None, **kw):
    project.refresh_from_db()
    kw.setdefault("version", project.version)  # the version just read
    return services.project_move(actor=actor, project=project, to=to, on=on, **kw)


def through(project, *path, on=D):
    for i, to in enumerate(path):
        evidence = {Stage.SIGNED: "协议", Stage.STARTED: "开工单"}.get(to, "")
        move(project, to, on + timedelta(days=i), evidence_text=evidence)
    project.refresh_from_db()
    return project


@pytest.fixture
def lead(make):
    return make.project(contract_investment="5000", total_investment="8000")


def test_a_project_walks_the_pipeline_with_its_evidence(seeded, lead):
    through(lead, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.UNDER_CONSTRUCTION)
    moved = move(lead, Stage.OPERATING, date(2017, 9, 30), actor=seeded.investment)
    assert moved.stage == Stage.OPERATING
    assert (moved.signed_on, moved.started_on, moved.operating_on) == (
        date(2017, 3, 2),
        date(2017, 3, 3),
        date(2017, 9, 30),
    )
    history = list(
        StageMove.objects.filter(project=lead).values_list(
            "from_stage", "to_stage", "evidence_kind", "evidence_text"
        )
    )
    assert history == [
        ("", "lead", "note", "First contact"),
        ("lead", "negotiating", "note", ""),
        ("negotiating", "signed", "agreement", "协议"),
        ("signed", "started", "start_confirmation", "开工单"),
        ("started", "under_construction", "note", ""),
        ("under_construction", "operating", "operation_date", ""),
    ]
    entry = AuditEntry.objects.filter(object_type="investment.project").latest("seq")
    assert entry.action == AuditAction.UPDATE
    assert entry.after["move"]["to"] == "operating"


@pytest.mark.parametrize(
    ("path", "to", "message"),
    [
        (
            (),
            Stage.SIGNED,
            "A project moves one stage at a time: from lead it goes to negotiating, not signed.",
        ),
        (
            (),
            Stage.OPERATING,
            "A project moves one stage at a time: from lead it goes to negotiating, not operating.",
        ),
        (
            (Stage.NEGOTIATING, Stage.SIGNED),
            Stage.UNDER_CONSTRUCTION,
            "A project moves one stage at a time: from signed it goes to started, "
            "not under construction.",
        ),
        (
            (Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED),
            Stage.OPERATING,
            "A project moves one stage at a time: from started it goes to under construction, "
            "not operating.",
        ),
        (
            (Stage.NEGOTIATING,),
            Stage.LEAD,
            "A project does not move back: it is negotiating already.",
        ),
        (
            (Stage.NEGOTIATING,),
            Stage.NEGOTIATING,
            "A project does not move back: it is negotiating already.",
        ),
        (
            (
                Stage.NEGOTIATING,
                Stage.SIGNED,
                Stage.STARTED,
                Stage.UNDER_CONSTRUCTION,
                Stage.OPERATING,
            ),
            Stage.DROPPED,
            "The project is operating; it moves no further.",
        ),
        ((Stage.DROPPED,), Stage.NEGOTIATING, "The project is dropped; it moves no further."),
        ((), "paused", "Unknown stage."),
    ],
)
def test_every_refused_move_says_why_and_changes_nothing(seeded, lead, path, to, message):
    for i, stage in enumerate(path):
        kw = {"reason": "放弃"} if stage == Stage.DROPPED else {}
        kw["evidence_text"] = "证明"
        move(lead, stage, D + timedelta(days=i), **kw)
    lead.refresh_from_db()
    before = (lead.stage, lead.version, StageMove.objects.filter(project=lead).count())
    with pytest.raises(ValidationError) as caught:
        move(lead, to, D + timedelta(days=10), evidence_text="证明", reason="放弃")
    assert caught.value.message_dict == {"to": [message]}
    lead.refresh_from_db()
    assert (lead.stage, lead.version, StageMove.objects.filter(project=lead).count()) == before


@pytest.mark.parametrize(
    ("path", "to", "field", "message"),
    [
        (
            (Stage.NEGOTIATING,),
            Stage.SIGNED,
            "evidence_text",
            "Signing needs its evidence: the agreement (its title or number, or the signed file).",
        ),
        (
            (Stage.NEGOTIATING, Stage.SIGNED),
            Stage.STARTED,
            "evidence_text",
            "Starting needs its evidence: the start confirmation (its number, or the file).",
        ),
        ((Stage.NEGOTIATING,), Stage.DROPPED, "reason", "Say why the project is dropped."),
    ],
)
def test_a_move_without_its_evidence_is_refused(seeded, lead, path, to, field, message):
    through(lead, *path)
    with pytest.raises(ValidationError) as caught:
        move(lead, to, date(2017, 4, 1), evidence_text="   ")
    assert caught.value.message_dict == {field: [message]}
    assert Project.objects.get(pk=lead.pk).stage == path[-1]


def test_an_agreement_file_is_evidence_enough(seeded, lead, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    through(lead, Stage.NEGOTIATING)
    agreement = SimpleUploadedFile("协议.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    moved = move(lead, Stage.SIGNED, date(2017, 4, 1), evidence_file=agreement)
    row = StageMove.objects.get(project=lead, to_stage=Stage.SIGNED)
    assert (moved.stage, row.evidence_kind) == (Stage.SIGNED, EvidenceKind.AGREEMENT)
    assert row.evidence_file.name.endswith(".pdf")
    fake = SimpleUploadedFile("开工.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        move(lead, Stage.STARTED, date(2017, 5, 1), evidence_file=fake)
    assert caught.value.message_dict["evidence_file"] == [
        "开工.pdf is not the kind of file its name says: its content is EXE."
    ]


def test_amounts_are_stated_before_signing_and_starting(seeded, make):
    bare = make.project()
    through(bare, Stage.NEGOTIATING)
    with pytest.raises(ValidationError) as caught:
        move(bare, Stage.SIGNED, date(2017, 4, 1), evidence_text="协议")
    assert caught.value.message_dict == {
        "contract_investment": ["Enter the contracted investment before signing."]
    }
    services.project_update(version=CURRENT, actor=None, project=bare, contract_investment="100")
    move(bare, Stage.SIGNED, date(2017, 4, 1), evidence_text="协议")
    with pytest.raises(ValidationError) as caught:
        move(bare, Stage.STARTED, date(2017, 4, 2), evidence_text="开工单")
    assert caught.value.message_dict == {
        "total_investment": ["Enter the total investment before the start."]
    }
    with pytest.raises(ValidationError):
        services.project_update(version=CURRENT, actor=None, project=bare, contract_investment=None)


def test_dates_run_forward_and_not_into_the_future(seeded, lead):
    through(lead, Stage.NEGOTIATING)
    with pytest.raises(ValidationError) as caught:
        move(lead, Stage.SIGNED, D - timedelta(days=1), evidence_text="协议")
    assert caught.value.message_dict == {
        "on": ["The project's last move is dated 2017-03-01; a move cannot be dated earlier."]
    }
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        move(lead, Stage.SIGNED, tomorrow, evidence_text="协议")
    assert caught.value.message_dict == {"on": ["The date cannot be in the future."]}


@pytest.mark.parametrize("stage", [s for s in stages.PIPELINE if s != Stage.OPERATING])
def test_a_project_is_dropped_from_any_stage_before_operating(seeded, lead, stage):
    path = stages.PIPELINE[1 : stages.PIPELINE.index(stage) + 1]
    through(lead, *path)
    dropped = move(lead, Stage.DROPPED, date(2017, 6, 1), reason="投资方放弃")
    assert (dropped.stage, dropped.dropped_on, dropped.dropped_reason) == (
        Stage.DROPPED,
        date(2017, 6, 1),
        "投资方放弃",
    )
    assert StageMove.objects.filter(project=lead).last().evidence_kind == EvidenceKind.DROP_REASON


def unit(code):
    building, unit_code = code.split("/")
    return BuildingUnit.objects.get(building__code=building, code=unit_code)


def test_the_carrier_is_reserved_taken_and_released_with_the_stages(seeded, make):
    space = unit("zhongyuan-park/w102")
    assert space.status == CarrierStatus.IDLE
    project = make.project(building_unit=space, contract_investment=100, total_investment=100)
    assert unit("zhongyuan-park/w102").status == CarrierStatus.IDLE  # a lead holds nothing
    through(project, Stage.NEGOTIATING, on=date(2017, 9, 1))
    assert unit("zhongyuan-park/w102").status == CarrierStatus.RESERVED
    through(project, Stage.SIGNED, on=date(2017, 9, 5))
    assert unit("zhongyuan-park/w102").status == CarrierStatus.LET
    move(project, Stage.DROPPED, date(2017, 9, 20), reason="放弃")
    assert unit("zhongyuan-park/w102").status == CarrierStatus.IDLE


def test_land_is_sold_at_signing_and_stays_sold(seeded, make):
    parcel = LandParcel.objects.get(code="land-zh-03")
    project = make.project(land_parcel=parcel, contract_investment=100, total_investment=100)
    through(project, Stage.NEGOTIATING, Stage.SIGNED, on=date(2017, 9, 1))
    assert LandParcel.objects.get(pk=parcel.pk).status == CarrierStatus.SOLD
    move(project, Stage.DROPPED, date(2017, 9, 20), reason="放弃")
    assert LandParcel.objects.get(pk=parcel.pk).status == CarrierStatus.SOLD


def test_a_carrier_held_by_another_project_is_refused(seeded, make):
    space = unit("xinxing-intl/f05")  # taken by 黄河商品交易市场 in the demo
    with pytest.raises(ValidationError) as caught:
        make.project(building_unit=space)
    assert caught.value.message_dict == {
        "building_unit": ["鑫星国际 f05 is held by the project 黄河商品交易市场与首建投合作项目."]
    }


def test_a_carrier_the_carriers_ledger_refuses_stops_the_move(seeded, make):
    space = unit("zhongyuan-park/w103")  # let since 2016 (the carriers demo)
    project = make.project(building_unit=space)
    with pytest.raises(ValidationError) as caught:
        move(project, Stage.NEGOTIATING, date(2017, 9, 1))
    assert "only an idle carrier can be reserved" in caught.value.messages[0]
    assert Project.objects.get(pk=project.pk).stage == Stage.LEAD


def test_changing_the_carrier_moves_the_hold(seeded, make):
    project = make.project(building_unit=unit("zhongyuan-park/w102"))
    through(project, Stage.NEGOTIATING, on=date(2017, 9, 1))
    project.refresh_from_db()
    services.project_update(
        actor=seeded.investment,
        project=project,
        building_unit=unit("std-factory-a/a03"),
        version=project.version,
    )
    assert unit("zhongyuan-park/w102").status == CarrierStatus.IDLE
    assert unit("std-factory-a/a03").status == CarrierStatus.RESERVED


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("investment", True),
        ("twodept", True),
        ("admin", True),
        ("finance", False),
        ("economy", False),
        ("leader", False),
        ("sysadmin", False),
    ],
)
def test_who_moves_a_project(seeded, lead, username, allowed):
    actor = seeded.users[username]
    if allowed:
        assert move(lead, Stage.NEGOTIATING, actor=actor).stage == Stage.NEGOTIATING
    else:
        with pytest.raises(PermissionDenied):
            move(lead, Stage.NEGOTIATING, actor=actor)


def test_a_move_from_a_stale_version_is_refused(seeded, lead):
    services.project_move(
        actor=seeded.investment, project=lead, to=Stage.NEGOTIATING, on=D, version=1
    )
    with pytest.raises(ConcurrentEditError):
        services.project_move(
            actor=seeded.investment, project=lead, to=Stage.DROPPED, on=D, reason="x", version=1
        )


def test_time_in_stage_comes_from_the_history(seeded, lead):
    through(lead, Stage.NEGOTIATING, on=date(2017, 2, 1))
    move(lead, Stage.SIGNED, date(2017, 3, 3), evidence_text="协议")
    spans = time_in_stage(Project.objects.get(pk=lead.pk), today=date(2017, 4, 2))
    assert [(s.stage, s.since, s.until, s.days) for s in spans] == [
        ("lead", date(2017, 1, 5), date(2017, 2, 1), 27),
        ("negotiating", date(2017, 2, 1), date(2017, 3, 3), 30),
        ("signed", date(2017, 3, 3), None, 30),
    ]


def test_a_running_project_is_entered_with_its_history(seeded, make):
    project = make.project(
        contract_investment=100,
        total_investment=200,
        moves=[
            MoveSpec(Stage.NEGOTIATING, date(2017, 2, 1)),
            MoveSpec(Stage.SIGNED, date(2017, 3, 1), "协议"),
            MoveSpec(Stage.STARTED, date(2017, 4, 1), "开工单"),
        ],
    )
    assert (project.stage, project.signed_on, project.started_on) == (
        Stage.STARTED,
        date(2017, 3, 1),
        date(2017, 4, 1),
    )
    assert StageMove.objects.filter(project=project).count() == 4
    with pytest.raises(ValidationError):
        make.project(moves=[MoveSpec(Stage.SIGNED, date(2017, 3, 1), "协议")])
