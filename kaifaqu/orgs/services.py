"""Writes to the org tree, departments, memberships and profiles: atomic, validated, audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from kaifaqu.core import access, audit
from kaifaqu.core.access import require_change
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.roles import DepartmentRole, Role
from kaifaqu.core.services import check_separation, check_staff_account
from kaifaqu.core.versioning import Version, versioned_update

from .models import Department, Honour, Membership, OrgUnit, ProfileFact

ACTOR_SYSTEM = None  # commands that run as the system (the demo loader) pass actor=None


def _require_zone_admin(actor: User | None) -> None:
    if actor is not ACTOR_SYSTEM and not access.has_role(actor, Role.ZONE_ADMIN):
        raise PermissionDenied(_("Only a zone administrator may change the org tree."))


def _created(actor: User | None, obj: models.Model) -> None:
    audit.record(AuditAction.CREATE, actor=actor, obj=obj, after=audit.snapshot(obj))


@transaction.atomic
def orgunit_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None,
    **extra: object,
) -> OrgUnit:
    _require_zone_admin(actor)
    unit = OrgUnit(code=code, name=name, kind=kind, parent=parent, **extra)
    unit.full_clean()
    unit.save()
    _created(actor, unit)
    return unit


@transaction.atomic
def orgunit_update(
    *, actor: User | None, unit: OrgUnit, version: Version, **changes: object
) -> OrgUnit:
    return versioned_update(
        unit,
        actor=actor,
        version=version,
        changes=changes,
        require=lambda row: _require_zone_admin(actor),
    )


@transaction.atomic
def department_create(
    *, actor: User | None, code: str, name: str, name_en: str = "", order: int = 0
) -> Department:
    _require_zone_admin(actor)
    dept = Department(code=code, name=name, name_en=name_en, order=order)
    dept.full_clean()
    dept.save()
    _created(actor, dept)
    return dept


@transaction.atomic
def membership_grant(
    *, actor: User | None, user: User, department: Department, role: str
) -> Membership:
    """A security administrator gives a user a role within a department."""
    if actor is not ACTOR_SYSTEM and not access.has_role(actor, Role.SECURITY_ADMIN):
        raise PermissionDenied(_("You do not have the role this action needs."))
    if actor is not ACTOR_SYSTEM and actor.pk == user.pk:
        raise ValidationError(_("You cannot change your own roles."))
    if role not in DepartmentRole.values:
        raise ValidationError(_("Unknown role."))
    # The same lock as role_grant takes, so a concurrent grant of a separated role cannot
    # pass its separation check while this one passes its own.
    User.objects.select_for_update().get(pk=user.pk)
    check_staff_account(user)
    access.forget(user)
    check_separation(user, role)
    membership, created = Membership.objects.get_or_create(
        user=user, department=department, role=role
    )
    if not created:
        raise ValidationError(_("The user already holds this role in this department."))
    access.forget(user)
    audit.record(
        AuditAction.PERMISSION_CHANGE,
        actor=actor,
        obj=user,
        after={"granted": role, "department": department.code},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: User | None, membership: Membership) -> None:
    # Unlike a grant, a revocation is never the system's (has_role(None) is False too).
    if actor is ACTOR_SYSTEM or not access.has_role(actor, Role.SECURITY_ADMIN):
        raise PermissionDenied(_("You do not have the role this action needs."))
    if actor.pk == membership.user_id:
        raise ValidationError(_("You cannot change your own roles."))
    user = membership.user
    before = {"granted": membership.role, "department": membership.department.code}
    membership.delete()
    access.forget(user)
    audit.record(AuditAction.PERMISSION_CHANGE, actor=actor, obj=user, before=before, after=None)


@transaction.atomic
def profile_fact_create(
    *,
    actor: User | None,
    org_unit: OrgUnit,
    key: str,
    value: Decimal,
    as_of: date,
    source: str,
    department: Department,
    approximate: bool = False,
) -> ProfileFact:
    require_change(actor, department.pk)
    fact = ProfileFact(
        org_unit=org_unit,
        key=key,
        value=value,
        as_of=as_of,
        source=source,
        department=department,
        approximate=approximate,
    )
    fact.full_clean()
    fact.save()
    _created(actor, fact)
    return fact


PROFILE_FACT_EDITABLE = ("value", "approximate", "as_of", "source")


@transaction.atomic
def profile_fact_update(
    *, actor: User | None, fact: ProfileFact, version: Version, **changes: object
) -> ProfileFact:
    """Change a fact; ``version`` is the one the editor started from (optimistic locking)."""
    return versioned_update(
        fact,
        actor=actor,
        version=version,
        changes=changes,
        editable=PROFILE_FACT_EDITABLE,
        require=lambda row: require_change(actor, row.department_id),
    )


@transaction.atomic
def honour_create(
    *,
    actor: User | None,
    org_unit: OrgUnit,
    name: str,
    level: str,
    source: str,
    department: Department,
    order: int = 0,
) -> Honour:
    require_change(actor, department.pk)
    honour = Honour(
        org_unit=org_unit, name=name, level=level, source=source, department=department, order=order
    )
    honour.full_clean()
    honour.save()
    _created(actor, honour)
    return honour


@transaction.atomic
def honour_delete(*, actor: User | None, honour: Honour) -> None:
    require_change(actor, honour.department_id)
    before = audit.snapshot(honour)
    audit.record(AuditAction.DELETE, actor=actor, obj=honour, before=before)
    honour.delete()
