"""Who may do what: global roles here, department roles through a provider.

Department roles live with the departments (``orgs``), above this package; ``orgs``
registers the function that reads them when it starts, the same way ledgers register
their metrics, so nothing here imports upward.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .roles import READ_ALL_ROLES, DepartmentRole, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

DepartmentRoles = Mapping[int, frozenset[str]]
_department_roles_provider: Callable[[object], DepartmentRoles] | None = None

_GLOBAL_CACHE = "_kaifaqu_global_roles"
_DEPARTMENT_CACHE = "_kaifaqu_department_roles"


def register_department_roles_provider(provider: Callable[[object], DepartmentRoles]) -> None:
    global _department_roles_provider
    _department_roles_provider = provider


def forget(user: User) -> None:
    """Drop the roles cached on this user object (after a grant or revocation)."""
    for attr in (_GLOBAL_CACHE, _DEPARTMENT_CACHE):
        if hasattr(user, attr):
            delattr(user, attr)


def global_roles(user: User | AnonymousUser | None) -> frozenset[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if not hasattr(user, _GLOBAL_CACHE):
        setattr(user, _GLOBAL_CACHE, frozenset(user.role_grants.values_list("role", flat=True)))
    roles: frozenset[str] = getattr(user, _GLOBAL_CACHE)
    return roles


def department_roles(user: User | AnonymousUser | None) -> DepartmentRoles:
    """Department id → the department roles the user holds there."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    if not hasattr(user, _DEPARTMENT_CACHE):
        provided = _department_roles_provider(user) if _department_roles_provider else {}
        setattr(user, _DEPARTMENT_CACHE, provided)
    roles: DepartmentRoles = getattr(user, _DEPARTMENT_CACHE)
    return roles


def has_role(user: User | AnonymousUser | None, *roles: str) -> bool:
    return not global_roles(user).isdisjoint(roles)


def reads_all_business(user: User | AnonymousUser | None) -> bool:
    return has_role(user, *READ_ALL_ROLES)


def reads_business(user: User | AnonymousUser | None) -> bool:
    return reads_all_business(user) or bool(department_roles(user))


def readable_department_ids(user: User | AnonymousUser | None) -> frozenset[int] | None:
    """The departments whose data the user reads; None means all of them."""
    if reads_all_business(user):
        return None
    return frozenset(department_roles(user))


def editable_department_ids(user: User | AnonymousUser | None) -> frozenset[int] | None:
    """The departments whose data the user changes; None means all of them."""
    if has_role(user, Role.ZONE_ADMIN):
        return None
    return frozenset(
        dept for dept, roles in department_roles(user).items() if DepartmentRole.EDITOR in roles
    )


def can_read_department(user: User | AnonymousUser | None, department_id: int | None) -> bool:
    ids = readable_department_ids(user)
    return ids is None or department_id in ids


def can_change_department(user: User | AnonymousUser | None, department_id: int | None) -> bool:
    ids = editable_department_ids(user)
    return ids is None or department_id in ids


def changes_some_business(user: User | AnonymousUser | None) -> bool:
    ids = editable_department_ids(user)
    return ids is None or bool(ids)


def require_read(user: User | AnonymousUser | None, department_id: int | None) -> None:
    """Refuse a page of a record unless ``user`` reads its department's data; the 403 page
    shows the reason."""
    if not can_read_department(user, department_id):
        raise PermissionDenied(
            _("This record is kept by a department whose data your account does not read.")
        )


def require_change(actor: User | None, department_id: int | None) -> None:
    """Refuse unless ``actor`` may change the data of the department; ``actor=None`` is the
    system (the demo loader, a command), which may."""
    if actor is not None and not can_change_department(actor, department_id):
        raise PermissionDenied(_("Only editors of the owning department may change this."))


def acting_user(actor: User | AnonymousUser | None) -> User | None:
    """The user to record as having done a write (``recorded_by``, ``entered_by``…): None for
    the system and for an anonymous visitor."""
    if actor is None or not actor.is_authenticated:
        return None
    return actor
