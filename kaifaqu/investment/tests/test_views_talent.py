"""The talent pages (issue 4): counts per programme, awards with their subsidies, entering
an award and its subsidy; only a zone administrator adds programmes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kaifaqu.investment.models import (
    TalentAward,
    TalentProgramme,
    TalentSubsidy,
)

# --- talent ---------------------------------------------------------------------------------


def test_the_talent_page_counts_per_programme(as_user):
    response = as_user("leader").get(reverse("investment:talent"))
    assert response.context["period"] == "2017"
    counts = {c.programme.code: (c.selected, c.shortlisted) for c in response.context["counts"]}
    assert counts == {
        "anlan": (16, 0),
        "taishan": (0, 1),
        "western_uplift": (2, 0),
        "qilu_chief_technician": (1, 0),
    }
    bad = as_user("leader").get(reverse("investment:talent"), {"period": "2017-00"})
    assert bad.context["form"].errors["period"]
    assert bad.context["counts"] == []


def test_the_awards_of_a_programme_and_year_with_their_subsidies(as_user):
    response = as_user("investment").get(
        reverse("investment:awards"), {"programme": "anlan", "year": "2017"}
    )
    assert len(response.context["awards"]) == 16
    assert (response.context["selected"], response.context["subsidy_total"]) == (
        16,
        Decimal("382.4"),
    )
    assert "16 people selected; subsidies paid 3.824 million yuan." in response.content.decode()


def test_an_award_and_its_subsidy_are_entered(as_user, seeded):
    client = as_user("investment")
    anlan = TalentProgramme.objects.get(code="anlan")
    response = client.post(
        reverse("investment:award_create"),
        {
            "person_name": "钱某",
            "programme": anlan.pk,
            "year": 2017,
            "announced_on": "2017-05-26",
            "status": "selected",
            "org_unit": seeded.units["371471101"].pk,
            "department": seeded.departments["investment"].pk,
        },
    )
    assert response.status_code == 302
    award = TalentAward.objects.get(person_name="钱某")
    subsidy = client.post(
        reverse("investment:subsidy_add", args=[award.pk]),
        {
            "paid_on": "2017-04-01",
            "amount": "20",
        },
    )
    assert subsidy.context["subsidy_form"].errors["paid_on"] == [
        "A subsidy is paid after the selection (2017-05-26)."
    ]
    assert (
        client.post(
            reverse("investment:subsidy_add", args=[award.pk]),
            {
                "paid_on": "2017-08-01",
                "amount": "20",
            },
        ).status_code
        == 302
    )
    assert TalentSubsidy.objects.get(award=award).amount == Decimal("20")
    assert (
        as_user("finance").get(reverse("investment:award_detail", args=[award.pk])).status_code
        == 403
    )
    assert (
        as_user("leader").get(reverse("investment:award_detail", args=[award.pk])).status_code
        == 200
    )
    assert (
        as_user("leader")
        .post(
            reverse("investment:subsidy_add", args=[award.pk]),
            {
                "paid_on": "2017-08-02",
                "amount": "1",
            },
        )
        .status_code
        == 403
    )


@pytest.mark.parametrize(
    ("username", "status"), [("admin", 200), ("investment", 403), ("leader", 403)]
)
def test_only_a_zone_administrator_adds_programmes(as_user, username, status):
    assert as_user(username).get(reverse("investment:programme_create")).status_code == status


def test_a_zone_administrator_adds_a_programme(as_user):
    response = as_user("admin").post(
        reverse("investment:programme_create"),
        {
            "code": "dezhou_craftsman",
            "name": "德州工匠",
            "level": "city",
        },
    )
    assert response.status_code == 302
    assert TalentProgramme.objects.get(code="dezhou_craftsman").name == "德州工匠"
