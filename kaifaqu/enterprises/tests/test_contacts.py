"""Contact details masked unless the user may see them; every unmasked view audited."""

import pytest

from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.enterprises import services
from kaifaqu.enterprises.contacts import (
    contact_for,
    contacts_for,
    mask_email,
    mask_person,
    mask_phone,
)


@pytest.mark.parametrize(
    ("mask", "value", "shown"),
    [
        (mask_person, "张三丰", "张**"),
        (mask_person, "王", "*"),
        (mask_person, "", ""),
        (mask_phone, "13812345678", "138****5678"),
        (mask_phone, "0534-2345678", "053*****5678"),
        (mask_phone, "12345", "***45"),
        (mask_phone, "", ""),
        (mask_email, "zhang@example.com", "z***@example.com"),
        (mask_email, "broken", "***"),
        (mask_email, "", ""),
    ],
)
def test_masks(mask, value, shown):
    assert mask(value) == shown


@pytest.fixture
def investor(seeded):
    return services.enterprise_create(
        actor=None,
        name="示范投资有限公司",
        contact_person="张三丰",
        phone="13812345678",
        email="zhang@example.com",
    )


def _views():
    return AuditEntry.objects.filter(action=AuditAction.VIEW_SENSITIVE)


@pytest.mark.parametrize("username", ["finance", "economy", "leader", "admin"])
def test_others_see_them_masked_and_nothing_is_logged(seeded, investor, username):
    before = _views().count()
    shown = contact_for(seeded.users[username], investor, purpose="project page")
    assert (shown.contact_person, shown.phone, shown.email, shown.masked) == (
        "张**",
        "138****5678",
        "z***@example.com",
        True,
    )
    assert _views().count() == before


def test_the_bureau_sees_them_and_the_view_is_logged(seeded, investor):
    shown = contact_for(seeded.investment, investor, purpose="project page")
    assert (shown.contact_person, shown.phone, shown.email, shown.masked) == (
        "张三丰",
        "13812345678",
        "zhang@example.com",
        False,
    )
    entry = _views().latest("seq")
    assert (entry.actor_username, entry.object_type, entry.object_id) == (
        "investment",
        "enterprises.enterprise",
        str(investor.pk),
    )
    assert entry.after == {
        "fields": ["contact_person", "phone", "email"],
        "enterprises": [investor.pk],
        "purpose": "project page",
    }


def test_a_batch_is_one_log_row_and_empty_contacts_are_not_logged(seeded, investor):
    bare = services.enterprise_create(actor=None, name="无联系人企业")
    other = services.enterprise_create(actor=None, name="另一企业", phone="0534-2345678")
    before = _views().count()
    shown = contacts_for(seeded.investment, [investor, bare, other, None], purpose="export")
    assert set(shown) == {investor.pk, bare.pk, other.pk}
    assert _views().count() == before + 1
    entry = _views().latest("seq")
    assert entry.after["enterprises"] == sorted([investor.pk, other.pk])
    assert entry.object_repr == "2 enterprises"
    contacts_for(seeded.investment, [bare], purpose="export")
    assert _views().count() == before + 1


def test_an_inactive_account_sees_nothing(seeded, investor):
    seeded.investment.is_active = False
    assert contact_for(seeded.investment, investor, purpose="page").masked
