"""Writes to enterprises and the industry catalogue: atomic, validated, audited, checked."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kaifaqu.core import access, audit
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.roles import Role
from kaifaqu.core.services import check_separation
from kaifaqu.core.versioning import Version, versioned_update

from .contacts import CONTACT_FIELDS, CONTACT_PERMISSION, can_see_contacts
from .models import Enterprise, Industry
from .validators import industry_parent_code, normalise_credit_code

#: What ``enterprise_update`` may change.
EDITABLE = ("name", "credit_code", "address", "org_unit", *CONTACT_FIELDS)


def _require_business_editor(actor) -> None:
    """Enterprises are shared by the ledgers: an editor of any department keeps them."""
    if actor is not None and not access.changes_some_business(actor):
        raise PermissionDenied(_("Only editors may change enterprises."))


def _require_contacts(actor, changes: dict) -> None:
    touched = [f for f in CONTACT_FIELDS if changes.get(f)]
    if touched and actor is not None and not can_see_contacts(actor):
        raise PermissionDenied(
            _("Only users who may see contact details may enter or change them.")
        )


def _clean_code(value) -> str | None:
    return normalise_credit_code(value) or None


def _save_checked(enterprise: Enterprise) -> None:
    enterprise.full_clean()
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:  # a concurrent save of the same code, past full_clean's check
        raise ValidationError(
            {"credit_code": _("An enterprise with this credit code exists already.")}
        ) from None


def _contact_note(before: dict, after: dict) -> dict:
    """The audit row says which contact fields changed, never their values."""
    changed = [f for f in CONTACT_FIELDS if before.get(f) != after.get(f)]
    return {"contact_fields_changed": changed} if changed else {}


@transaction.atomic
def enterprise_create(
    *,
    actor,
    name: str,
    credit_code: str | None = None,
    contact_person: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    org_unit=None,
    illustrative: bool = False,
) -> Enterprise:
    _require_business_editor(actor)
    contacts = {"contact_person": contact_person, "phone": phone, "email": email}
    _require_contacts(actor, contacts)
    enterprise = Enterprise(
        name=(name or "").strip(),
        credit_code=_clean_code(credit_code),
        address=address,
        org_unit=org_unit,
        illustrative=illustrative,
        **{k: (v or "").strip() for k, v in contacts.items()},
    )
    _save_checked(enterprise)
    after = audit.snapshot(enterprise)
    contacts_after = {f: getattr(enterprise, f) for f in CONTACT_FIELDS}
    after.update(_contact_note(dict.fromkeys(CONTACT_FIELDS, ""), contacts_after))
    audit.record(AuditAction.CREATE, actor=actor, obj=enterprise, after=after)
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor: User | None, enterprise: Enterprise, version: Version, **changes
) -> Enterprise:
    """Change an enterprise; ``version`` is the one the editor started from."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _require_business_editor(actor)
    if "credit_code" in changes:
        changes["credit_code"] = _clean_code(changes["credit_code"])
    contacts_before: dict = {}

    def require(row: Enterprise) -> None:
        contacts_before.update({f: getattr(row, f) for f in CONTACT_FIELDS})
        if any(changes[f] != contacts_before[f] for f in CONTACT_FIELDS if f in changes):
            _require_contacts(actor, {f: True for f in CONTACT_FIELDS if f in changes})

    return versioned_update(
        enterprise,
        actor=actor,
        version=version,
        changes=changes,
        require=require,
        clean=None,  # _save_checked validates, and turns a race on the credit code into a refusal
        save=_save_checked,
        note=lambda row: _contact_note(
            contacts_before, {f: getattr(row, f) for f in CONTACT_FIELDS}
        ),
    )


@transaction.atomic
def industry_create(*, actor, code: str, name: str) -> Industry:
    """Add an entry to the catalogue; the entries above it must be there first."""
    if actor is not None and not access.has_role(actor, Role.ZONE_ADMIN):
        raise PermissionDenied(_("Only a zone administrator may change the industry catalogue."))
    code = (code or "").strip().upper()
    parent_code = industry_parent_code(code) if code else None
    parent = Industry.objects.filter(code=parent_code).first() if parent_code else None
    if parent_code and parent is None:
        raise ValidationError(
            {
                "code": _("Add %(parent)s to the catalogue before %(code)s.")
                % {"parent": parent_code, "code": code}
            }
        )
    industry = Industry(code=code, name=(name or "").strip(), parent=parent)
    industry.full_clean()
    industry.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=industry, after=audit.snapshot(industry))
    return industry


def _contact_permission():
    from django.contrib.auth.models import Permission

    app_label, codename = CONTACT_PERMISSION.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _require_security_admin(actor, user: User) -> None:
    if actor is not None and not access.has_role(actor, Role.SECURITY_ADMIN):
        raise PermissionDenied(_("You do not have the role this action needs."))
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot change your own roles."))


@transaction.atomic
def contact_permission_grant(*, actor, user: User) -> None:
    """A security administrator lets a user see contact details (三员 hold no business right)."""
    _require_security_admin(actor, user)
    User.objects.select_for_update().get(pk=user.pk)
    check_separation(user, CONTACT_PERMISSION)
    permission = _contact_permission()
    if user.user_permissions.filter(pk=permission.pk).exists():
        raise ValidationError(_("The user may see contact details already."))
    user.user_permissions.add(permission)
    _forget_permissions(user)
    audit.record(
        AuditAction.PERMISSION_CHANGE, actor=actor, obj=user, after={"granted": CONTACT_PERMISSION}
    )


@transaction.atomic
def contact_permission_revoke(*, actor, user: User) -> None:
    _require_security_admin(actor, user)
    permission = _contact_permission()
    if not user.user_permissions.filter(pk=permission.pk).exists():
        raise ValidationError(_("The user may not see contact details anyway."))
    user.user_permissions.remove(permission)
    _forget_permissions(user)
    audit.record(
        AuditAction.PERMISSION_CHANGE,
        actor=actor,
        obj=user,
        before={"granted": CONTACT_PERMISSION},
        after=None,
    )


def _forget_permissions(user) -> None:
    for attr in ("_perm_cache", "_user_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)
