"""Leads: matching an open lead and a known investor, converting, closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kaifaqu.core.versioning import CURRENT
from kaifaqu.enterprises import services as enterprise_services
from kaifaqu.investment import services
from kaifaqu.investment.models import Lead, LeadStatus
from kaifaqu.investment.selectors import kanban_columns, project_list


@pytest.fixture
def record(seeded):
    def _record(**kw):
        fields = {
            "actor": None,
            "source": "portal_consultation",
            "organisation": "",
            "contact_name": "郑九",
            "phone": "",
            "email": "",
            "summary": "问题",
            "officer": seeded.investment,
            "department": seeded.departments["investment"],
            "at": timezone.now(),
        }
        fields.update(kw)
        return services.lead_record(**fields)

    return _record


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"phone": "13812345678"}, {"phone": "13812345678", "organisation": "另一家"}),
        ({"email": "Zheng@Example.com"}, {"email": "zheng@example.com"}),
        (
            {"organisation": "线索测试有限公司"},
            {"organisation": "线索测试有限公司", "phone": "13900000000"},
        ),
        ({"organisation": "Lead Test Ltd"}, {"organisation": "LEAD TEST LTD"}),
    ],
)
def test_a_second_enquiry_updates_the_open_lead(record, first, second):
    lead = record(**first, summary="第一问")
    again = record(**second, summary="第二问")
    assert again.pk == lead.pk
    assert again.summary.startswith("第一问\n\n[")
    assert again.summary.endswith("] 第二问")
    assert again.version == 2


def test_closed_and_converted_leads_are_not_updated(record, seeded):
    closed = record(phone="13812345678")
    services.lead_close(
        version=CURRENT, actor=seeded.investment, lead=closed, reason="不在产业方向内"
    )
    fresh = record(phone="13812345678")
    assert fresh.pk != closed.pk
    assert fresh.status == LeadStatus.OPEN
    services.lead_convert(
        actor=seeded.investment,
        lead=fresh,
        project_name="线索转化测试项目",
        org_unit=seeded.units["371471101"],
        version=CURRENT,
    )
    third = record(phone="13812345678")
    assert third.pk not in (closed.pk, fresh.pk)


def test_unrelated_enquiries_open_separate_leads(record):
    assert record(phone="13812345678").pk != record(phone="13900000000").pk


def test_the_investor_is_matched_by_exact_name_or_by_phone_or_email(record):
    by_name = enterprise_services.enterprise_create(actor=None, name="匹配测试有限公司")
    by_phone = enterprise_services.enterprise_create(actor=None, name="甲公司", phone="05342345678")
    by_email = enterprise_services.enterprise_create(
        actor=None, name="乙公司", email="yi@example.com"
    )
    assert record(organisation="匹配测试有限公司").investor == by_name
    assert record(organisation="匹配测试有限", phone="05342345678").investor == by_phone
    assert record(email="YI@example.com").investor == by_email
    assert record(organisation="无名公司", phone="13700000000").investor is None


def test_converting_puts_the_project_on_the_kanban_at_stage_lead(record, seeded):
    lead = record(
        organisation="看板测试有限公司", phone="13812345678", at=timezone.now() - timedelta(days=3)
    )
    leads_before = {c.stage: c.count for c in kanban_columns(project_list(seeded.investment))}[
        "lead"
    ]
    project = services.lead_convert(
        actor=seeded.investment,
        lead=lead,
        project_name="看板测试项目",
        org_unit=seeded.units["371471101"],
        version=CURRENT,
    )
    assert (project.stage, project.source, project.officer) == (
        "lead",
        "portal_consultation",
        seeded.investment,
    )
    assert project.first_contact_on == timezone.localdate() - timedelta(days=3)
    assert (project.investor.name, project.investor.phone) == ("看板测试有限公司", "13812345678")
    columns = {c.stage: c.count for c in kanban_columns(project_list(seeded.investment))}
    assert columns["lead"] == leads_before + 1
    lead.refresh_from_db()
    assert (lead.status, lead.project, lead.investor) == ("converted", project, project.investor)
    with pytest.raises(ValidationError):
        services.lead_convert(
            actor=seeded.investment,
            lead=lead,
            project_name="再次",
            org_unit=seeded.units["371471101"],
            version=CURRENT,
        )


def test_converting_and_closing_are_refused_outside_the_department(record, seeded):
    lead = record(phone="13812345678")
    with pytest.raises(PermissionDenied):
        services.lead_convert(
            version=CURRENT,
            actor=seeded.finance,
            lead=lead,
            project_name="x",
            org_unit=seeded.units["371471101"],
        )
    with pytest.raises(PermissionDenied):
        services.lead_close(version=CURRENT, actor=seeded.finance, lead=lead, reason="x")
    with pytest.raises(ValidationError) as error:
        services.lead_close(version=CURRENT, actor=seeded.investment, lead=lead, reason=" ")
    assert error.value.message_dict == {"reason": ["Say why the lead is closed."]}
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.OPEN
