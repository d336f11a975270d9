"""What is kept with a project (follow-ups, files, funds received), key projects' plans and
progress reports, and talent."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kaifaqu.core import access
from kaifaqu.core.versioning import CURRENT, ConcurrentEditError
from kaifaqu.investment import selectors, services
from kaifaqu.investment.models import (
    KeyProjectPlan,
    Project,
    ProjectFile,
    TalentAward,
    TalentProgramme,
)
from kaifaqu.investment.services import COMPLETED_METRIC, MoveSpec
from kaifaqu.investment.stages import Stage
from kaifaqu.investment.uploads import MAX_FILE_BYTES
from kaifaqu.stats.models import Target

SIGNED = [
    MoveSpec(Stage.NEGOTIATING, date(2017, 2, 1)),
    MoveSpec(Stage.SIGNED, date(2017, 3, 1), "协议"),
]


@pytest.fixture
def signed(make):
    return make.project(contract_investment=100, total_investment=100, moves=SIGNED)


# --- follow-ups -------------------------------------------------------------------------


def test_a_follow_up_with_its_next_action(seeded, signed):
    made = services.followup_create(
        actor=seeded.investment,
        project=signed,
        kind="site_visit",
        on=date(2017, 4, 1),
        note="现场踏勘",
        next_action="报送用地申请",
        next_action_on=date(2017, 4, 20),
    )
    assert made.by == seeded.investment
    with pytest.raises(ValidationError) as caught:
        services.followup_create(
            actor=None,
            project=signed,
            kind="call",
            on=date(2017, 4, 1),
            note="x",
            next_action_on=date(2017, 3, 1),
            next_action="y",
        )
    assert caught.value.message_dict == {
        "next_action_on": ["The next action cannot be due before the follow-up."]
    }
    with pytest.raises(ValidationError) as caught:
        services.followup_create(
            actor=None,
            project=signed,
            kind="call",
            on=date(2017, 4, 1),
            note="x",
            next_action_on=date(2017, 5, 1),
        )
    assert caught.value.message_dict == {"next_action": ["Say what is to be done by that date."]}
    with pytest.raises(PermissionDenied):
        services.followup_create(
            actor=seeded.finance, project=signed, kind="call", on=date(2017, 4, 1), note="x"
        )
    updated = services.followup_update(
        actor=seeded.investment, follow_up=made, note="现场踏勘完成", version=1
    )
    assert updated.version == 2
    with pytest.raises(ConcurrentEditError):
        services.followup_update(actor=seeded.investment, follow_up=made, note="z", version=1)


# --- files ------------------------------------------------------------------------------


def test_files_are_checked(seeded, signed, media):
    good = SimpleUploadedFile("规划.png", b"\x89PNG\r\n\x1a\n...", content_type="image/png")
    kept = services.project_file_add(
        actor=seeded.investment, project=signed, file=good, description="总平面图"
    )
    assert (kept.name, kept.content_type, kept.size) == ("规划.png", "image/png", 11)
    refusals = [
        (
            SimpleUploadedFile("x.exe", b"MZ"),
            "x.exe: only PDF, Word, Excel, PNG and JPEG files are accepted.",
        ),
        (SimpleUploadedFile("x.pdf", b""), "x.pdf is empty."),
        (
            SimpleUploadedFile("x.docx", b"%PDF-1.4"),
            "x.docx is not the kind of file its name says: its content is PDF.",
        ),
    ]
    for upload, message in refusals:
        with pytest.raises(ValidationError) as caught:
            services.project_file_add(actor=None, project=signed, file=upload)
        assert caught.value.message_dict == {"file": [message]}
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 10)
    big.size = MAX_FILE_BYTES + 1
    with pytest.raises(ValidationError) as caught:
        services.project_file_add(actor=None, project=signed, file=big)
    assert caught.value.message_dict == {"file": ["big.pdf is larger than 20.0\xa0MB."]}
    assert ProjectFile.objects.filter(project=signed).count() == 1
    with pytest.raises(PermissionDenied):
        services.project_file_remove(actor=seeded.finance, project_file=kept)
    services.project_file_remove(actor=seeded.investment, project_file=kept)
    assert not ProjectFile.objects.filter(project=signed).exists()


# --- funds received ---------------------------------------------------------------------


def test_tranches(seeded, make, signed):
    tranche = services.tranche_create(
        actor=seeded.investment,
        project=signed,
        on=date(2017, 3, 10),
        amount="250.5",
        voucher_note="凭证1",
    )
    assert (tranche.amount, tranche.capital) == (Decimal("250.5"), "domestic")
    with pytest.raises(ValidationError) as caught:
        services.tranche_create(actor=None, project=signed, on=date(2017, 2, 28), amount=1)
    assert caught.value.message_dict == {"on": ["Funds are received after signing (2017-03-01)."]}
    with pytest.raises(ValidationError) as caught:
        services.tranche_create(actor=None, project=make.project(), on=date(2017, 3, 1), amount=1)
    assert caught.value.messages == ["Funds are recorded for signed projects only."]
    for bad in ("0", "abc", None):
        with pytest.raises(ValidationError):
            services.tranche_create(actor=None, project=signed, on=date(2017, 3, 10), amount=bad)
    services.tranche_update(actor=seeded.investment, tranche=tranche, amount=300, version=1)
    with pytest.raises(ConcurrentEditError):
        services.tranche_update(actor=seeded.investment, tranche=tranche, amount=1, version=1)
    qs = Project.objects.filter(pk=signed.pk)
    assert selectors.funds_received(qs, "2017Q1") == Decimal("300")
    assert selectors.funds_received(qs, "2017Q2") == Decimal("0")
    services.tranche_delete(actor=seeded.investment, tranche=tranche)
    assert selectors.funds_received(qs, "2017") == Decimal("0")


# --- key projects -----------------------------------------------------------------------


def _target(unit):
    return Target.objects.get(metric_code=COMPLETED_METRIC, org_unit=unit, year=2017).value


def test_the_demo_plans_are_the_zone_s_target(seeded):
    assert _target(seeded.zone) == Decimal("49.08")
    towns = Target.objects.filter(metric_code=COMPLETED_METRIC, year=2017).exclude(
        org_unit=seeded.zone
    )
    assert towns.count() == 5
    for target in towns:
        plans = KeyProjectPlan.objects.filter(year=2017, project__org_unit=target.org_unit)
        assert target.value == sum(p.annual_plan for p in plans) / 10000


def test_a_plan_moves_the_target(seeded, make):
    key = make.project(key_level="city", contract_investment=1, moves=SIGNED)
    services.key_project_plan_save(
        version=CURRENT, actor=seeded.investment, project=key, year=2017, annual_plan=9200
    )
    assert _target(seeded.zone) == Decimal("50")
    assert _target(seeded.units["371471101"]) > Decimal("0.92")
    plan = KeyProjectPlan.objects.get(project=key)
    services.key_project_plan_save(
        actor=seeded.investment, project=key, year=2017, annual_plan=4600, version=1
    )
    assert _target(seeded.zone) == Decimal("49.54")
    services.project_update(
        version=CURRENT, actor=seeded.investment, project=key, key_level="province"
    )
    assert _target(seeded.zone) == Decimal("49.08")
    services.project_update(version=CURRENT, actor=seeded.investment, project=key, key_level="city")
    services.key_project_plan_delete(
        actor=seeded.investment, plan=KeyProjectPlan.objects.get(pk=plan.pk)
    )
    assert _target(seeded.zone) == Decimal("49.08")


def test_plans_and_reports_are_for_key_projects(seeded, signed):
    with pytest.raises(ValidationError) as caught:
        services.key_project_plan_save(
            version=CURRENT, actor=None, project=signed, year=2017, annual_plan=1
        )
    assert caught.value.messages == ["Plans and progress reports are kept for key projects only."]


def test_a_progress_report_with_a_problem_needing_help(seeded, make):
    key = make.project(key_level="city", contract_investment=1, moves=SIGNED)
    report = services.progress_report_save(
        version=CURRENT,
        actor=seeded.investment,
        project=key,
        month="2017-08",
        completed_investment="1200",
        image_progress="主体封顶",
        issues=[
            {
                "kind": "approvals",
                "description": "施工许可待批",
                "due_on": date(2017, 9, 15),
                "responsible_department": seeded.departments["construction"],
            }
        ],
    )
    assert (report.month, report.month_key) == ("2017-08", 201708)
    again = services.progress_report_save(
        actor=seeded.investment,
        project=key,
        month="2017-08",
        completed_investment="1300",
        version=1,
    )
    assert (again.pk, again.completed_investment, again.version) == (report.pk, Decimal("1300"), 2)
    for month in ("2017-13", "2017Q3", "2017-01/2017-02"):
        with pytest.raises(ValidationError) as caught:
            services.progress_report_save(
                version=CURRENT, actor=None, project=key, month=month, completed_investment=1
            )
        assert "month" in caught.value.message_dict
    (issue,) = report.issues.all()
    assert issue in selectors.open_issues(seeded.investment)
    # The department that must solve it sees it and may close it; others do not.
    construction_editor = seeded.twodept  # 招商局 editor too; the point is the rights check
    assert issue not in selectors.open_issues(seeded.finance)
    with pytest.raises(PermissionDenied):
        services.progress_issue_resolve(
            actor=seeded.finance, issue=issue, resolved_on=date(2017, 9, 1)
        )
    services.progress_issue_resolve(
        actor=construction_editor, issue=issue, resolved_on=date(2017, 9, 1)
    )
    assert issue not in selectors.open_issues(seeded.investment)
    with pytest.raises(ValidationError):
        services.progress_issue_resolve(actor=None, issue=issue, resolved_on=date(2017, 9, 2))


def test_key_project_progress(seeded, django_assert_num_queries):
    access.reads_all_business(seeded.leader)  # the user's roles, read once per request
    with django_assert_num_queries(2):
        rows = selectors.key_project_progress(seeded.leader, 2017, through_month=9)
    assert len(rows) == 12
    assert sum(r.annual_plan for r in rows) == Decimal("490800")
    assert sum(r.completed for r in rows) == Decimal("392600")
    assert all(len(r.reports) == 9 for r in rows)
    assert rows[0].progress_pct == Decimal(80)
    assert selectors.key_project_progress(seeded.finance, 2017) == []


# --- talent -----------------------------------------------------------------------------


def test_talent(seeded):
    anlan = TalentProgramme.objects.get(code="anlan")
    with pytest.raises(PermissionDenied):
        services.talent_programme_create(actor=seeded.investment, code="x", name="x", level="zone")
    award = services.talent_award_create(
        actor=seeded.investment,
        department=seeded.departments["investment"],
        person_name="钱某",
        programme=anlan,
        year=2017,
        announced_on=date(2017, 9, 1),
        status="shortlisted",
        org_unit=seeded.units["371471002"],
    )
    with pytest.raises(ValidationError) as caught:
        services.talent_subsidy_create(actor=None, award=award, paid_on=date(2017, 9, 2), amount=5)
    assert caught.value.messages == ["Subsidies are paid to selected people only."]
    services.talent_award_update(actor=seeded.investment, award=award, status="selected", version=1)
    award.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.talent_subsidy_create(actor=None, award=award, paid_on=date(2017, 8, 1), amount=5)
    assert caught.value.message_dict == {
        "paid_on": ["A subsidy is paid after the selection (2017-09-01)."]
    }
    services.talent_subsidy_create(actor=None, award=award, paid_on=date(2017, 9, 2), amount=5)
    with pytest.raises(ValidationError):
        services.talent_award_update(version=CURRENT, actor=None, award=award, status="shortlisted")
    with pytest.raises(ValidationError) as caught:
        services.talent_award_create(
            actor=None,
            department=seeded.departments["investment"],
            person_name="孙某",
            programme=anlan,
            year=2017,
            announced_on=date(2016, 12, 1),
            status="selected",
            org_unit=seeded.zone,
        )
    assert "announced_on" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.talent_award_create(
            actor=seeded.finance,
            department=seeded.departments["investment"],
            person_name="孙某",
            programme=anlan,
            year=2017,
            announced_on=date(2017, 1, 1),
            status="selected",
            org_unit=seeded.zone,
        )


def test_talent_counts_by_programme(seeded, django_assert_num_queries):
    access.reads_all_business(seeded.leader)
    with django_assert_num_queries(2):
        counts = selectors.talent_counts_by_programme(seeded.leader, "2017-01/2017-09")
    assert [(c.programme.name, c.selected, c.shortlisted) for c in counts] == [
        ("安澜产业领军人才", 16, 0),
        ("泰山产业领军人才", 0, 1),
        ("西部经济隆起带和省扶贫开发重点区域引进人才项目", 2, 0),
        ("齐鲁首席技师", 1, 0),
    ]
    awards = selectors.talent_awards(
        seeded.leader, programme=TalentProgramme.objects.get(code="anlan")
    )
    assert sum(a.subsidy_total for a in awards) == Decimal("382.4")
    assert not selectors.talent_awards(seeded.finance).exists()
    assert TalentAward.objects.filter(illustrative=True).count() == 20
