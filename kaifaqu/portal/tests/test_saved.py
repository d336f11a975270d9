"""Saved items: only a visitor saves, only for themself; the include lists them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from kaifaqu.carriers.models import BuildingUnit, CarrierStatus, LandParcel
from kaifaqu.portal import selectors, services
from kaifaqu.portal.models import Policy, PolicyStatus, SavedItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(demo):
    return Policy.objects.filter(status=PolicyStatus.PUBLISHED).first()


def test_visitor_saves_policy_and_carriers_once(visitor_user, policy):
    land = LandParcel.objects.filter(status=CarrierStatus.IDLE).first()
    unit = BuildingUnit.objects.filter(status=CarrierStatus.IDLE).first()
    first = services.saved_item_add(actor=visitor_user, kind="policy", pk=policy.pk)
    again = services.saved_item_add(actor=visitor_user, kind="policy", pk=policy.pk)
    assert first.pk == again.pk
    services.saved_item_add(actor=visitor_user, kind="land", pk=land.pk)
    services.saved_item_add(actor=visitor_user, kind="unit", pk=unit.pk)
    assert [s.item for s in selectors.saved_items(visitor_user)][::-1] == [policy, land, unit]
    assert selectors.saved_keys(visitor_user) == {
        ("policy", policy.pk),
        ("land", land.pk),
        ("unit", unit.pk),
    }


def test_staff_and_strangers_cannot_save_or_remove(demo, visitor_user, policy):
    with pytest.raises(PermissionDenied):
        services.saved_item_add(actor=demo.users["investment"], kind="policy", pk=policy.pk)
    item = services.saved_item_add(actor=visitor_user, kind="policy", pk=policy.pk)
    from kaifaqu.consultations.models import Visitor
    from kaifaqu.core.models import User

    other = User.objects.create(username="visitor-ffffffffffff")
    Visitor.objects.create(user=other, name="赵女士", email="z@example.com")
    with pytest.raises(PermissionDenied):
        services.saved_item_remove(actor=other, item=item)
    services.saved_item_remove(actor=visitor_user, item=item)
    assert not SavedItem.objects.filter(pk=item.pk).exists()


def test_drafts_and_taken_carriers_cannot_be_saved(demo, visitor_user):
    taken = LandParcel.objects.exclude(status=CarrierStatus.IDLE).first()
    with pytest.raises(ValidationError):
        services.saved_item_add(actor=visitor_user, kind="land", pk=taken.pk)
    with pytest.raises(ValidationError):
        services.saved_item_add(actor=visitor_user, kind="moon", pk=1)
    assert not SavedItem.objects.filter(user=visitor_user).exists()


def test_save_button_and_views(client, visitor_user, policy):
    url = reverse("portal:policy", args=[policy.pk])
    assert 'data-testid="save"' not in client.get(url).content.decode()
    client.force_login(visitor_user)
    assert 'data-testid="save"' in client.get(url).content.decode()
    response = client.post(reverse("portal:save"), {"kind": "policy", "pk": policy.pk, "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert 'data-testid="saved"' in client.get(url).content.decode()
    item = SavedItem.objects.get(user=visitor_user)
    # An outside "next" is not followed.
    response = client.post(
        reverse("portal:unsave", args=[item.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("portal:home")
    assert not SavedItem.objects.filter(pk=item.pk).exists()


def test_save_views_refuse_staff_and_anonymous(client, login, policy):
    data = {"kind": "policy", "pk": policy.pk}
    assert client.post(reverse("portal:save"), data).status_code == 403
    staff = login("investment")
    assert staff.post(reverse("portal:save"), data).status_code == 403


def test_unsave_someone_elses_item_is_not_found(client, demo, visitor_user, policy):
    item = services.saved_item_add(actor=visitor_user, kind="policy", pk=policy.pk)
    from kaifaqu.consultations.models import Visitor
    from kaifaqu.core.models import User

    other = User.objects.create(username="visitor-eeeeeeeeeeee")
    Visitor.objects.create(user=other, name="赵女士", email="z@example.com")
    client.force_login(other)
    assert client.post(reverse("portal:unsave", args=[item.pk])).status_code == 404


def test_saved_items_include_renders_them_escaped(visitor_user, policy):
    policy.title = "<i>政策</i>"
    policy.save()
    services.saved_item_add(actor=visitor_user, kind="policy", pk=policy.pk)
    request = RequestFactory().get("/space/")
    request.user = visitor_user
    html = render_to_string(
        "portal/_saved_items.html",
        {"saved_items": selectors.saved_items(visitor_user)},
        request=request,
    )
    assert "&lt;i&gt;政策&lt;/i&gt;" in html
    assert f'href="{reverse("portal:policy", args=[policy.pk])}"' in html
