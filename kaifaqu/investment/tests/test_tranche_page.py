"""The pages that record funds received: a tranche added on the project page (a PageFormView)
and changed on its own page (a ServiceFormView), per role."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from kaifaqu.investment import services
from kaifaqu.investment.models import FundTranche, Project

SIGNED = "凯旺新能源与杭州赫日公司合作纯电动汽车增程器项目"
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
def tranche(seeded) -> FundTranche:
    project = Project.objects.get(name=SIGNED)
    return services.tranche_create(
        actor=None, project=project, on=date(2017, 9, 28), amount=Decimal("500"), capital="domestic"
    )


def _form(tranche: FundTranche, **changes) -> dict:
    data = {"on": "2017-09-28", "amount": "600", "capital": "domestic", "version": tranche.version}
    data.update(changes)
    return data


@pytest.mark.parametrize("username", ["admin", "investment", "twodept"])
def test_editors_open_and_save_the_tranche_page(as_user, tranche, username):
    client = as_user(username)
    url = reverse("investment:tranche_edit", args=[tranche.pk])
    shown = client.get(url)
    assert (shown.status_code, shown.context["form"]["version"].value()) == (200, 1)
    response = client.post(url, _form(tranche))
    assert response.status_code == 302
    page = reverse("investment:project_detail", args=[tranche.project_id])
    assert response["Location"] == f"{page}#funds"
    tranche.refresh_from_db()
    assert (tranche.amount, tranche.version) == (Decimal("600"), 2)


@pytest.mark.parametrize("username", ["leader", "economy", "finance", "sysadmin", "secadmin"])
def test_others_are_refused_the_tranche_page(as_user, tranche, username):
    client = as_user(username)
    url = reverse("investment:tranche_edit", args=[tranche.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _form(tranche)).status_code == 403
    tranche.refresh_from_db()
    assert (tranche.amount, tranche.version) == (Decimal("500"), 1)


def test_a_date_before_signing_is_refused_by_the_date_field(as_user, tranche):
    url = reverse("investment:tranche_edit", args=[tranche.pk])
    response = as_user("investment").post(url, _form(tranche, on="2000-01-01"))
    assert response.status_code == 200
    signed_on = tranche.project.signed_on.isoformat()
    message = f"Funds are received after signing ({signed_on})."
    assert response.context["form"].errors == {"on": [message]}
    page = response.content.decode()
    assert 'data-testid="form-errors"' not in page
    assert page.index('name="on"') < page.index(f'data-error="on">{message}<')
    tranche.refresh_from_db()
    assert tranche.version == 1


def test_a_stale_tranche_form_answers_409(as_user, tranche):
    client = as_user("investment")
    url = reverse("investment:tranche_edit", args=[tranche.pk])
    assert client.post(url, _form(tranche)).status_code == 302
    response = client.post(url, _form(tranche, amount="700"))
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [STALE]
    tranche.refresh_from_db()
    assert (tranche.amount, tranche.version) == (Decimal("600"), 2)


def test_a_tranche_added_before_signing_is_refused_by_its_date_on_the_project_page(as_user):
    project = Project.objects.get(name=SIGNED)
    response = as_user("investment").post(
        reverse("investment:tranche_add", args=[project.pk]),
        {"on": "2000-01-01", "amount": "500", "capital": "domestic"},
    )
    assert (response.status_code, response.context["project"]) == (200, project)
    message = f"Funds are received after signing ({project.signed_on.isoformat()})."
    form = response.context["tranche_form"]
    assert (form.errors, form["amount"].value()) == ({"on": [message]}, "500")
    page = response.content.decode()
    assert page.index('name="on"') < page.index(f'data-error="on">{message}<')
    assert not FundTranche.objects.filter(project=project, on=date(2000, 1, 1)).exists()


@pytest.mark.parametrize("username", ["leader", "economy", "sysadmin"])
def test_others_cannot_add_a_tranche(as_user, username):
    project = Project.objects.get(name=SIGNED)
    count = FundTranche.objects.filter(project=project).count()
    response = as_user(username).post(
        reverse("investment:tranche_add", args=[project.pk]),
        {"on": "2017-09-28", "amount": "500", "capital": "domestic"},
    )
    assert response.status_code == 403
    assert FundTranche.objects.filter(project=project).count() == count
