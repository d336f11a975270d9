"""The talent pages that change records (ServiceFormView and PageFormView), per role: a
refusal by its field on the award's page, a stale version answered 409."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from kaifaqu.investment.models import TalentAward, TalentSubsidy

STALE = (
    "Someone else saved this record while you were editing it. Reload it to see their change, "
    "then make yours again."
)


@pytest.fixture
def as_user(client, seeded):
    def _as(username: str):
        client.force_login(seeded.users[username])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _as


@pytest.fixture
def award() -> TalentAward:
    """An award of the demo with a subsidy paid."""
    return TalentAward.objects.filter(subsidies__isnull=False).order_by("pk").first()


def _edit(award: TalentAward, **changes) -> dict:
    data = {
        "person_name": award.person_name,
        "announced_on": award.announced_on.isoformat(),
        "status": award.status,
        "org_unit": award.org_unit_id,
        "note": award.note,
        "version": award.version,
    }
    data.update(changes)
    return data


def test_an_award_with_subsidies_keeps_its_status_and_says_so_by_the_field(as_user, award):
    url = reverse("investment:award_detail", args=[award.pk])
    response = as_user("admin").post(url, _edit(award, status="shortlisted"))
    assert response.status_code == 200
    message = "Subsidies were paid to this person; the award stays selected."
    assert response.context["form"].errors == {"status": [message]}
    page = response.content.decode()
    assert page.index('name="status"') < page.index(f'data-error="status">{message}<')
    assert response.context["subsidies"]  # the rest of the page is there
    award.refresh_from_db()
    assert (award.status, award.version) == ("selected", 1)


def test_a_stale_award_form_answers_409(as_user, award):
    client = as_user("admin")
    url = reverse("investment:award_detail", args=[award.pk])
    assert client.post(url, _edit(award, note="第一次")).status_code == 302
    response = client.post(url, _edit(award, note="第二次"))
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [STALE]
    award.refresh_from_db()
    assert (award.note, award.version) == ("第一次", 2)


def test_a_refused_subsidy_comes_back_on_the_award_s_page(as_user, award):
    url = reverse("investment:subsidy_add", args=[award.pk])
    before = TalentSubsidy.objects.filter(award=award).count()
    response = as_user("admin").post(url, {"paid_on": "2000-01-01", "amount": "1"})
    assert (response.status_code, response.context["award"]) == (200, award)
    form = response.context["subsidy_form"]
    (message,) = form.errors["paid_on"]
    assert list(form.errors) == ["paid_on"]
    assert message.startswith("A subsidy is paid after the selection (")
    page = response.content.decode()
    assert page.index('name="paid_on"') < page.index(f'data-error="paid_on">{message}<')
    assert response.context["form"].errors == {}  # the award's own form is left as it was
    assert TalentSubsidy.objects.filter(award=award).count() == before


@pytest.mark.parametrize("username", ["leader", "economy", "sysadmin"])
def test_others_cannot_change_an_award_or_add_a_subsidy(as_user, award, username):
    client = as_user(username)
    changed = client.post(
        reverse("investment:award_detail", args=[award.pk]), _edit(award, note="改")
    )
    added = client.post(
        reverse("investment:subsidy_add", args=[award.pk]), {"paid_on": "2017-12-01", "amount": "1"}
    )
    assert (changed.status_code, added.status_code) == (403, 403)
    award.refresh_from_db()
    assert award.version == 1


@pytest.mark.parametrize(
    ("username", "status"),
    [("admin", 200), ("investment", 200), ("twodept", 200), ("leader", 403), ("sysadmin", 403)],
)
def test_the_new_award_page_per_role(as_user, username, status):
    assert as_user(username).get(reverse("investment:award_create")).status_code == status
