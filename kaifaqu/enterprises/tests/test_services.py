"""Enterprises and the industry catalogue: writes through the services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.core.versioning import CURRENT, ConcurrentEditError
from kaifaqu.enterprises import selectors, services
from kaifaqu.enterprises.contacts import can_see_contacts
from kaifaqu.enterprises.models import Enterprise, Industry

CODE = "91350100M000100Y43"


def test_an_editor_enters_an_investor_with_its_code_normalised(seeded):
    made = services.enterprise_create(
        actor=seeded.investment,
        name="  示范投资有限公司 ",
        credit_code=" 91350100m000100y43",
        contact_person="张三",
        phone="13800000000",
    )
    assert (made.name, made.credit_code, made.version) == ("示范投资有限公司", CODE, 1)
    entry = AuditEntry.objects.filter(object_type="enterprises.enterprise").latest("seq")
    assert entry.action == AuditAction.CREATE
    assert "phone" not in entry.after
    assert "contact_person" not in entry.after
    assert entry.after["contact_fields_changed"] == ["contact_person", "phone"]


def test_a_mistyped_code_is_refused_with_its_reason(seeded):
    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(actor=seeded.investment, name="甲", credit_code=CODE[:-1] + "X")
    assert caught.value.message_dict["credit_code"] == [
        "The check character (the 18th) does not match: the code is mistyped."
    ]
    assert not Enterprise.objects.filter(name="甲").exists()


def test_a_code_is_unique(seeded):
    services.enterprise_create(actor=None, name="甲", credit_code=CODE)
    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(actor=None, name="乙", credit_code=CODE.lower())
    assert "credit_code" in caught.value.message_dict
    # Enterprises without a code are many.
    services.enterprise_create(actor=None, name="丙")
    services.enterprise_create(actor=None, name="丁", credit_code="")
    assert Enterprise.objects.filter(credit_code__isnull=True, name__in=["丙", "丁"]).count() == 2


@pytest.mark.parametrize("username", ["finance", "leader", "sysadmin", "auditadmin"])
def test_readers_and_administrators_do_not_change_enterprises(seeded, username):
    with pytest.raises(PermissionDenied):
        services.enterprise_create(actor=seeded.users[username], name="甲")


def test_contact_details_need_the_permission_to_see_them(seeded):
    assert not can_see_contacts(seeded.economy)
    with pytest.raises(PermissionDenied):
        services.enterprise_create(actor=seeded.economy, name="甲", phone="13800000000")
    made = services.enterprise_create(actor=seeded.economy, name="甲", address="长河街道")
    with pytest.raises(PermissionDenied):
        services.enterprise_update(
            version=CURRENT, actor=seeded.economy, enterprise=made, email="a@example.com"
        )
    services.enterprise_update(
        version=CURRENT, actor=seeded.investment, enterprise=made, email="a@example.com"
    )
    assert Enterprise.objects.get(pk=made.pk).email == "a@example.com"


def test_an_edit_from_a_stale_version_is_refused(seeded):
    made = services.enterprise_create(actor=None, name="甲")
    services.enterprise_update(actor=seeded.investment, enterprise=made, name="乙", version=1)
    with pytest.raises(ConcurrentEditError):
        services.enterprise_update(actor=seeded.investment, enterprise=made, name="丙", version=1)
    assert Enterprise.objects.get(pk=made.pk).name == "乙"
    again = services.enterprise_update(
        version=CURRENT, actor=seeded.investment, enterprise=made, name="乙"
    )
    assert again.version == 2  # nothing changed, nothing written


def test_the_catalogue_is_the_zone_administrator_s(seeded):
    with pytest.raises(PermissionDenied):
        services.industry_create(actor=seeded.investment, code="C3842", name="镍氢电池制造")
    made = services.industry_create(actor=seeded.admin, code="c3842", name="镍氢电池制造")
    assert (made.code, made.parent.code) == ("C3842", "C384")
    with pytest.raises(ValidationError) as caught:
        services.industry_create(actor=seeded.admin, code="C2811", name="化纤浆粕制造")
    assert caught.value.message_dict["code"] == ["Add C281 to the catalogue before C2811."]
    with pytest.raises(ValidationError):
        services.industry_create(actor=seeded.admin, code="C12", name="?")


def test_catalogue_selectors(seeded):
    battery = Industry.objects.get(code="C38")
    assert list(selectors.industry_with_descendants(battery).values_list("code", flat=True)) == [
        "C38",
        "C382",
        "C3825",
        "C384",
        "C3841",
    ]
    classes = set(selectors.industry_classes().values_list("code", flat=True))
    assert {"C3841", "L7223", "C3630"} <= classes
    assert "C38" not in classes


def test_enterprise_selectors(seeded):
    made = services.enterprise_create(actor=None, name="德州锣卜科技有限公司", credit_code=CODE)
    assert selectors.enterprise_by_credit_code(" 91350100m000100y43") == made
    assert list(selectors.enterprise_search("91350100M000100Y43")) == [made]
    assert made in selectors.enterprise_search("锣卜")
    assert [e.name for e in selectors.enterprise_similar("锣卜科技（杭州）有限公司")] == [
        "德州锣卜科技有限公司",
        "杭州锣卜科技",
    ]
    assert not selectors.enterprise_search("  ").exists()


def test_the_security_administrator_grants_the_contact_permission(seeded):
    with pytest.raises(PermissionDenied):
        services.contact_permission_grant(actor=seeded.admin, user=seeded.economy)
    services.contact_permission_grant(actor=seeded.secadmin, user=seeded.economy)
    assert can_see_contacts(type(seeded.economy).objects.get(pk=seeded.economy.pk))
    entry = AuditEntry.objects.latest("seq")
    assert (entry.action, entry.after) == (
        AuditAction.PERMISSION_CHANGE,
        {"granted": "enterprises.view_contact"},
    )
    with pytest.raises(ValidationError):
        services.contact_permission_grant(actor=seeded.secadmin, user=seeded.economy)
    services.contact_permission_revoke(actor=seeded.secadmin, user=seeded.economy)
    assert not can_see_contacts(type(seeded.economy).objects.get(pk=seeded.economy.pk))


def test_the_three_administrators_hold_no_contact_permission(seeded):
    with pytest.raises(ValidationError) as caught:
        services.contact_permission_grant(actor=None, user=seeded.auditadmin)
    assert "cannot be combined with any other role" in caught.value.messages[0]
