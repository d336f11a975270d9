"""Entering a project (issue 4): a lead with a new investor, a bad credit code refused on
the form, a duplicate stopped with its matches; merging keeps both histories."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from kaifaqu.enterprises.models import Enterprise
from kaifaqu.investment import services
from kaifaqu.investment.models import Project
from kaifaqu.investment.services import MoveSpec
from kaifaqu.investment.stages import Stage

from .test_views_support import (
    LEAD,
    page_url,
    project,
)

# --- a new project and duplicates -----------------------------------------------------------


def _new(client, **data):
    payload = {
        "investor_name": "新晟新材料有限公司",
        "investor_code": "",
        "name": "新晟石墨烯材料项目",
        "source": "event",
        "department": Project.objects.first().department_id,
        "org_unit": Project.objects.first().org_unit_id,
        "capital": "domestic",
        "key_level": "none",
        "first_contact_on": "2017-09-01",
    }
    payload.update(data)
    return client.post(reverse("investment:project_create"), payload)


def test_an_editor_enters_a_lead_with_a_new_investor(as_user):
    from kaifaqu.enterprises.validators import make_credit_code

    code = make_credit_code("9", "1", "371400", "XJ000001")
    response = _new(as_user("investment"), investor_code=code.lower(), phone="0534-1234567")
    p = Project.objects.get(name="新晟石墨烯材料项目")
    assert response.status_code == 302
    assert response["Location"] == page_url(p)
    assert (p.stage, p.first_contact_on, p.investor.credit_code, p.investor.phone) == (
        Stage.LEAD,
        date(2017, 9, 1),
        code,
        "0534-1234567",
    )


def test_a_bad_credit_code_is_refused_on_the_form(as_user):
    response = _new(as_user("investment"), investor_code="91371400XJ0000010X")
    assert response.status_code == 200
    assert response.context["form"].errors["investor_code"]
    assert not Project.objects.filter(name="新晟石墨烯材料项目").exists()


def test_a_duplicate_is_stopped_with_its_matches_and_nothing_is_entered(as_user):
    existing = project(LEAD)
    enterprises = Enterprise.objects.count()
    client = as_user("investment")
    response = _new(
        client,
        investor_name="随便写的名字",
        investor_code=existing.investor.credit_code,
        name="另一个名字的项目",
    )
    assert response.status_code == 200
    assert [(m.project.pk, m.reason) for m in response.context["matches"]] == [
        (existing.pk, "credit_code")
    ]
    html = response.content.decode()
    assert f'href="{page_url(existing)}"' in html
    assert 'data-testid="duplicates"' in html
    assert not Project.objects.filter(name="另一个名字的项目").exists()
    assert Enterprise.objects.count() == enterprises

    # An investor written a little differently, with a project of a similar name: stopped too,
    # and the investor entered on the way is not kept.
    similar = _new(client, investor_name="天康孵化器管理 有限公司", name="天康众创空间项目")
    assert [(m.project.pk, m.reason) for m in similar.context["matches"]] == [
        (existing.pk, "similar_name")
    ]
    assert Enterprise.objects.count() == enterprises

    # Confirmed as a different project, it is entered.
    confirmed = _new(
        client,
        investor_name="随便写的名字",
        investor_code=existing.investor.credit_code,
        name="另一个名字的项目",
        confirm_different="on",
    )
    assert confirmed.status_code == 302
    assert Project.objects.get(name="另一个名字的项目").investor == existing.investor


@pytest.mark.parametrize(("username", "status"), [("leader", 403), ("finance", 403)])
def test_readers_who_edit_nothing_cannot_enter_projects(as_user, username, status):
    assert as_user(username).get(reverse("investment:project_create")).status_code == status
    assert _new(as_user(username)).status_code == status


def test_an_editor_of_another_department_cannot_enter_one_for_the_bureau(as_user, seeded):
    client = as_user("economy")
    form = client.get(reverse("investment:project_create")).context["form"]
    assert list(form.fields["department"].queryset) == [seeded.departments["economy"]]
    response = _new(client, department=seeded.departments["investment"].pk)
    assert response.context["form"].errors["department"]
    assert not Project.objects.filter(name="新晟石墨烯材料项目").exists()


# --- merging --------------------------------------------------------------------------------


def test_merging_keeps_both_histories_and_follow_ups(as_user, make):
    keep = make.project("鑫源电池项目", moves=[MoveSpec(Stage.NEGOTIATING, date(2017, 2, 1))])
    other = make.project("鑫源电池一期项目", first_contact_on=date(2017, 1, 9))
    services.followup_create(
        actor=None, project=other, kind="call", on=date(2017, 1, 10), note="电话"
    )
    client = as_user("investment")
    url = reverse("investment:project_merge", args=[keep.pk])
    compare = client.get(url, {"other": other.pk})
    assert compare.context["other"] == other
    unconfirmed = client.post(url, {"other": other.pk})
    assert unconfirmed.context["form"].errors["confirm"] == ["Tick the box to confirm the merge."]
    response = client.post(url, {"other": other.pk, "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == page_url(keep)
    other.refresh_from_db()
    assert other.merged_into == keep
    page = client.get(page_url(keep))
    assert [e.kind for e in page.context["timeline"]] == ["move", "move", "follow_up", "move"]
    assert [m.pk for m in page.context["merged"]] == [other.pk]
    merged_page = client.get(page_url(other))
    assert merged_page.context["editable"] is False
    assert 'data-testid="merged-into"' in merged_page.content.decode()


def test_merging_the_record_further_along_into_a_lead_is_refused(as_user, make):
    keep = make.project("鑫源电池项目")
    other = make.project("鑫源电池一期项目", moves=[MoveSpec(Stage.NEGOTIATING, date(2017, 2, 1))])
    response = as_user("investment").post(
        reverse("investment:project_merge", args=[keep.pk]), {"other": other.pk, "confirm": "on"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Keep the record that is further along: 鑫源电池一期项目 is Negotiating, 鑫源电池项目 is "
        "Lead."
    ]
    other.refresh_from_db()
    assert other.merged_into is None
