"""Projects: entering one (and the duplicate check), changing it, merging two records, and
the reads the pages are built on: lists, filters, the kanban, the timeline."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.core.versioning import CURRENT, ConcurrentEditError
from kaifaqu.enterprises.models import Industry
from kaifaqu.investment import selectors, services
from kaifaqu.investment.models import FollowUp, FundTranche, Project, StageMove
from kaifaqu.investment.services import DuplicateProjectError, MoveSpec
from kaifaqu.investment.stages import Stage

SIGNED = [
    MoveSpec(Stage.NEGOTIATING, date(2017, 2, 1)),
    MoveSpec(Stage.SIGNED, date(2017, 3, 1), "协议"),
]


def test_a_lead_is_entered_and_audited(seeded, make):
    project = make.project("新能源电池项目", actor=seeded.investment, contract_investment="1,200.5")
    assert (project.stage, project.stage_since, project.version) == (
        Stage.LEAD,
        date(2017, 1, 5),
        1,
    )
    assert project.contract_investment == Decimal("1200.5")
    entry = AuditEntry.objects.filter(object_type="investment.project").latest("seq")
    assert (entry.action, entry.actor_username, entry.object_id) == (
        AuditAction.CREATE,
        "investment",
        str(project.pk),
    )


@pytest.mark.parametrize("username", ["finance", "economy", "leader"])
def test_only_the_bureau_enters_projects(seeded, make, username):
    with pytest.raises(PermissionDenied):
        make.project(actor=seeded.users[username])


def test_bad_input_is_refused_with_its_field(seeded, make):
    with pytest.raises(ValidationError) as caught:
        make.project(contract_investment="十万")
    assert caught.value.message_dict == {"contract_investment": ["十万 is not a number."]}
    with pytest.raises(ValidationError) as caught:
        make.project(total_investment="-5")
    assert caught.value.message_dict == {"total_investment": ["An amount cannot be negative."]}
    with pytest.raises(ValidationError) as caught:
        make.project(source="rumour")
    assert "source" in caught.value.message_dict


def test_a_project_of_an_investor_with_the_same_credit_code_is_stopped(seeded, make):
    investor = make.investor("示范电池有限公司")
    first = make.project("示范电池一期项目", investor_=investor)
    with pytest.raises(DuplicateProjectError) as caught:
        make.project("完全不同的名字", investor_=investor)
    assert [(m.project, m.reason) for m in caught.value.matches] == [(first, "credit_code")]
    assert caught.value.messages == [
        f"This project may be in the ledger already: 示范电池一期项目 of 示范电池有限公司 (Lead; "
        f"matched on the investor's credit code {investor.credit_code}). Open it and merge, or "
        "confirm that it is a different project."
    ]
    second = make.project("完全不同的名字", investor_=investor, allow_duplicate=True)
    entry = AuditEntry.objects.filter(
        object_id=str(second.pk), object_type="investment.project"
    ).get()
    assert entry.after["confirmed_not_duplicate_of"] == [first.pk]


def test_the_same_investor_typed_again_with_a_similar_project_name_is_stopped(seeded, make):
    make.project(
        "锣卜科技新能源专用车项目", investor_=make.investor("杭州锣卜科技有限公司", code=False)
    )
    again = make.investor("锣卜科技（杭州）有限公司", code=False)
    with pytest.raises(DuplicateProjectError) as caught:
        make.project("锣卜科技新能源专用车二期项目", investor_=again)
    (match,) = caught.value.matches
    assert match.reason == "similar_name"
    assert round(match.score, 2) == 0.91  # 2·10/22
    # A different project of that investor passes.
    assert make.project("锣卜科技物流园项目", investor_=again).pk


def test_duplicates_of_an_import_row_by_its_code(seeded):
    named = Project.objects.get(name="黄河商品交易市场与首建投合作项目")
    code = Project.objects.filter(illustrative=True).first().investor.credit_code
    found = selectors.project_duplicates(name="任何名字", credit_code=code.lower())
    assert [m.reason for m in found] == ["credit_code"]
    found = selectors.project_duplicates(
        name="黄河商品交易市场与首建投合作项目二期", investor_name="首建投"
    )
    assert [m.project for m in found] == [named]


def test_update_checks_version_and_audits(seeded, make):
    project = make.project()
    services.project_update(actor=seeded.investment, project=project, name="改名", version=1)
    with pytest.raises(ConcurrentEditError):
        services.project_update(actor=seeded.investment, project=project, name="再改", version=1)
    with pytest.raises(PermissionDenied):
        services.project_update(version=CURRENT, actor=seeded.finance, project=project, name="再改")
    with pytest.raises(ValueError, match="not editable"):
        services.project_update(version=CURRENT, actor=None, project=project, stage=Stage.SIGNED)
    assert Project.objects.get(pk=project.pk).name == "改名"
    same = services.project_update(version=CURRENT, actor=None, project=project, name="改名")
    assert same.version == 2


def _signed_with_records(make, name, when, **kw):
    project = make.project(name, contract_investment=100, total_investment=100, moves=SIGNED, **kw)
    services.tranche_create(actor=None, project=project, on=when, amount=10)
    services.followup_create(
        actor=None, project=project, kind="call", on=when, note=f"{name}的电话"
    )
    return project


def test_merge_keeps_both_histories(seeded, make):
    keep = _signed_with_records(make, "甲项目", date(2017, 4, 1))
    other = _signed_with_records(make, "甲项目（重复录入）", date(2017, 5, 1), allow_duplicate=True)
    merged = services.project_merge(actor=seeded.investment, keep=keep, merge=other)
    assert merged.version == 2
    assert StageMove.objects.filter(project=keep).count() == 6
    assert StageMove.objects.filter(project=keep, merged_from=other).count() == 3
    assert FundTranche.objects.filter(project=keep).count() == 2
    assert FollowUp.objects.filter(project=keep, merged_from=other).count() == 1
    other.refresh_from_db()
    assert other.merged_into == keep
    assert other not in selectors.project_list(seeded.investment)
    timeline = selectors.project_timeline(keep)
    assert [(e.kind, e.merged_from is not None) for e in timeline][-4:] == [
        ("follow_up", False),
        ("tranche", False),
        ("follow_up", True),
        ("tranche", True),
    ]
    with pytest.raises(ValidationError):
        services.project_move(
            version=CURRENT,
            actor=None,
            project=other,
            to=Stage.DROPPED,
            on=date(2017, 6, 1),
            reason="x",
        )
    # Time in stage reads the project's own history, not the merged one's.
    assert [s.stage for s in selectors.time_in_stage(keep)] == ["lead", "negotiating", "signed"]


def test_merge_refusals(seeded, make):
    lead = make.project("乙项目")
    signed = make.project(
        "乙项目（签约）", contract_investment=1, moves=SIGNED, allow_duplicate=True
    )
    with pytest.raises(ValidationError) as caught:
        services.project_merge(actor=None, keep=lead, merge=signed)
    assert caught.value.messages == [
        "Keep the record that is further along: 乙项目（签约） is Signed, 乙项目 is Lead."
    ]
    with pytest.raises(ValidationError):
        services.project_merge(actor=None, keep=lead, merge=lead)
    with pytest.raises(PermissionDenied):
        services.project_merge(actor=seeded.finance, keep=signed, merge=lead)
    services.project_merge(actor=None, keep=signed, merge=lead)
    with pytest.raises(ValidationError) as caught:
        services.project_merge(actor=None, keep=signed, merge=lead)
    assert caught.value.messages == ["One of the two records was merged already."]


# --- reads ------------------------------------------------------------------------------


def test_who_reads_the_projects(seeded):
    total = Project.objects.filter(merged_into__isnull=True).count()
    assert total == 135
    for username in ("investment", "twodept", "leader", "admin"):
        assert selectors.project_list(seeded.users[username]).count() == total
    for username in ("finance", "economy", "sysadmin", "auditadmin"):
        assert not selectors.project_list(seeded.users[username]).exists()


@pytest.mark.parametrize(
    ("filters", "count"),
    [
        ({"signed_in": "2017-01/2017-09"}, 50),
        ({"signed_in": "2016-01/2016-09"}, 36),
        ({"started_in": "2017-01/2017-09"}, 35),
        ({"signed_in": "2017-01/2017-09", "light_asset": True}, 42),
        ({"key_level": "city"}, 15),
        ({"stage": "operating"}, 1 + 5 + 3),
        ({"stage": "dropped"}, 2),
        ({"search": "首建投"}, 1),
    ],
)
def test_list_filters(seeded, filters, count):
    qs = selectors.project_filter(selectors.project_list(seeded.leader), **filters)
    assert qs.count() == count


def test_filters_by_industry_and_unit_take_in_what_is_below(seeded):
    qs = selectors.project_list(seeded.leader)
    battery = selectors.project_filter(qs, industry=Industry.objects.get(code="C38"))
    assert set(battery.values_list("industry__code", flat=True)) == {"C3825", "C3841"}
    changhe = selectors.project_filter(qs, org_unit=seeded.units["371471002"])
    assert "奥冠电池与青岛华高石墨烯导电剂项目" in set(changhe.values_list("name", flat=True))
    assert selectors.project_filter(qs, org_unit=seeded.zone).count() == qs.count()
    assert selectors.project_filter(qs, department=seeded.departments["finance"]).count() == 0


def test_a_bad_period_in_a_filter_names_itself(seeded):
    with pytest.raises(ValidationError) as caught:
        selectors.project_filter(Project.objects.all(), signed_in="2017Q5")
    assert "2017Q5" in caught.value.message_dict["signed_in"][0]


def test_kanban_columns_in_one_query(seeded, django_assert_num_queries):
    qs = selectors.project_list(seeded.leader)
    with django_assert_num_queries(1):
        columns = selectors.kanban_columns(qs)
    assert [c.stage for c in columns] == [
        "lead",
        "negotiating",
        "signed",
        "started",
        "under_construction",
        "operating",
        "dropped",
    ]
    by_stage = {c.stage: c for c in columns}
    assert by_stage["lead"].count == 3
    assert by_stage["negotiating"].count == 2
    assert sum(c.count for c in columns) == 135
    assert by_stage["negotiating"].contract_investment == Decimal("128000")
    assert by_stage["dropped"].label == "Dropped"


def test_the_kanban_sums_follow_a_move(seeded, make):
    project = make.project(contract_investment=1000, total_investment=3000)
    services.project_move(
        version=CURRENT,
        actor=seeded.investment,
        project=project,
        to=Stage.NEGOTIATING,
        on=date(2017, 9, 1),
    )
    column = {c.stage: c for c in selectors.kanban_columns(Project.objects.all())}["negotiating"]
    assert (column.count, column.contract_investment) == (3, Decimal("129000"))


def test_the_timeline_of_a_named_project(seeded, django_assert_num_queries):
    project = Project.objects.get(name="奥冠电池与青岛华高石墨烯导电剂项目")
    with django_assert_num_queries(4):
        timeline = selectors.project_timeline(project)
    assert [(e.on, e.kind) for e in timeline] == [
        (date(2016, 11, 20), "move"),
        (date(2017, 1, 9), "move"),
        (date(2017, 3, 15), "move"),
        (date(2017, 5, 8), "move"),
        (date(2017, 5, 20), "tranche"),
        (date(2017, 6, 20), "move"),
        (date(2017, 7, 18), "follow_up"),
    ]


def test_next_actions_due(seeded):
    due = selectors.next_actions_due(seeded.investment, date(2017, 10, 15))
    assert [f.project.name for f in due] == [
        "奥冠电池与青岛华高石墨烯导电剂项目",
        "黄河商品交易市场与首建投合作项目",
    ]
    assert not selectors.next_actions_due(seeded.finance, date(2017, 12, 31)).exists()


def _fields(seeded) -> dict:
    return {
        "source": "hotline",
        "org_unit": seeded.units["371471101"],
        "department": seeded.departments["investment"],
        "industry": Industry.objects.get(code="C3841"),
        "first_contact_on": date(2017, 3, 1),
    }


def test_a_project_entered_with_its_investor_finds_the_investor_by_code_or_name(seeded, make):
    from kaifaqu.enterprises.models import Enterprise

    coded = make.investor("甲乙电池有限公司")
    named = make.investor("丙丁材料有限公司", code=False)
    before = Enterprise.objects.count()
    by_code = services.project_create_with_investor(
        actor=seeded.investment,
        investor_name="另一个名字",
        investor_code=coded.credit_code,
        name="电池回收项目",
        **_fields(seeded),
    )
    by_name = services.project_create_with_investor(
        actor=seeded.investment,
        investor_name=" 丙丁材料有限公司 ",
        name="新材料中试基地",
        **_fields(seeded),
    )
    assert (by_code.investor, by_name.investor) == (coded, named)
    assert Enterprise.objects.count() == before


def test_a_project_entered_with_a_new_investor_enters_both(seeded):
    project = services.project_create_with_investor(
        actor=seeded.investment,
        investor_name="戊己智能装备有限公司",
        contacts={"contact_person": "赵六", "phone": "13900000000", "email": ""},
        name="智能装备产业园项目",
        **_fields(seeded),
    )
    assert project.investor.name == "戊己智能装备有限公司"
    assert (project.investor.contact_person, project.investor.phone) == ("赵六", "13900000000")


def test_a_refused_project_leaves_no_new_investor_behind(seeded):
    from kaifaqu.enterprises.models import Enterprise

    before = Enterprise.objects.count()
    with pytest.raises(ValidationError):
        services.project_create_with_investor(
            actor=seeded.investment,
            investor_name="庚辛新能源有限公司",
            name="储能项目",
            contract_investment="十万",
            **_fields(seeded),
        )
    assert Enterprise.objects.count() == before
