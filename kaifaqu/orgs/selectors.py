from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar, cast

from django.conf import settings
from django.db.models import Case, Model, Q, QuerySet, Value, When

from kaifaqu.core import access
from kaifaqu.core.models import User
from kaifaqu.core.roles import DepartmentRole
from kaifaqu.core.selectors import user_list

from .models import (
    Department,
    Honour,
    Membership,
    OrgUnit,
    OrgUnitKind,
    ProfileFact,
    ProfileFactKey,
)
from .tree import OrgTree, org_tree

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

_M = TypeVar("_M", bound=Model)


def department_roles_of(user: object) -> dict[int, frozenset[str]]:
    # core.access types its provider over any object but calls it only with an
    # authenticated, active account: a User.
    account = cast(User, user)
    roles: dict[int, set[str]] = defaultdict(set)
    for dept_id, role in Membership.objects.filter(user=account).values_list(
        "department_id", "role"
    ):
        roles[dept_id].add(role)
    return {dept: frozenset(r) for dept, r in roles.items()}


def home_zone() -> OrgUnit | None:
    return OrgUnit.objects.filter(code=settings.KAIFAQU_HOME_ZONE).first()


def orgunit_list() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.select_related("parent").order_by("order", "code")


def orgunit_children(unit: OrgUnit, kinds: tuple[str, ...] | None = None) -> QuerySet[OrgUnit]:
    qs = unit.children.order_by("order", "code")
    return qs.filter(kind__in=kinds) if kinds else qs


def towns_and_subdistricts(zone: OrgUnit) -> QuerySet[OrgUnit]:
    return orgunit_children(zone, (OrgUnitKind.TOWN, OrgUnitKind.SUBDISTRICT))


def orgunit_tree() -> list[tuple[OrgUnit, int]]:
    """Every unit with its depth, in tree order, from one query."""
    by_id = {unit.pk: unit for unit in orgunit_list()}
    return [(by_id[pk], depth) for pk, depth in OrgTree.of_units(by_id.values()).depth_first()]


def zone_unit_ids() -> frozenset[int]:
    """The home zone and every unit under it (one query): where the zone's ledgers answer."""
    return org_tree().zone()


def zone_units() -> QuerySet[OrgUnit]:
    """The home zone and the units under it, in order: the choices of a zone's record."""
    return OrgUnit.objects.filter(pk__in=zone_unit_ids()).order_by("order", "code")


def orgunit_ids_below(unit: OrgUnit) -> frozenset[int]:
    """The unit and every unit under it (one query)."""
    return org_tree().below(unit.pk)


def orgunits_below(units: Iterable[OrgUnit]) -> list[OrgUnit]:
    """The units given and every unit under them, in the list's order (one query)."""
    everything = list(orgunit_list())
    tree = OrgTree.of_units(everything)
    wanted = tree.below_all(u.pk for u in units)
    return [u for u in everything if u.pk in wanted]


def orgunits_with_ancestors(units: Iterable[OrgUnit]) -> list[OrgUnit]:
    """The units given and every unit above them, so that a tree can be rebuilt from them, in
    the list's order (one query)."""
    everything = list(orgunit_list())
    wanted = OrgTree.of_units(everything).with_ancestors(u.pk for u in units)
    return [u for u in everything if u.pk in wanted]


def departments() -> QuerySet[Department]:
    return Department.objects.order_by("order", "code")


def departments_edited_by(user: User | AnonymousUser) -> QuerySet[Department]:
    """The departments whose data the user changes (all, for a zone administrator)."""
    ids = access.editable_department_ids(user)
    qs = departments()
    return qs if ids is None else qs.filter(pk__in=ids)


def department_editors(department_ids: Iterable[int]) -> QuerySet[User]:
    """The active accounts that are editors in these departments."""
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(
            department_id__in=list(department_ids), role=DepartmentRole.EDITOR
        ).values("user_id"),
    ).order_by("username")


def department_list(user: User | AnonymousUser | None) -> QuerySet[Department]:
    """The departments whose data the user reads."""
    ids = access.readable_department_ids(user)
    qs = departments()
    return qs if ids is None else qs.filter(pk__in=ids)


def scoped(user: User | AnonymousUser, qs: QuerySet[_M]) -> QuerySet[_M]:
    """Department-owned rows the user may read."""
    ids = access.readable_department_ids(user)
    return qs if ids is None else qs.filter(department_id__in=ids)


def current_profile_facts(unit: OrgUnit) -> list[ProfileFact]:
    """The latest fact of each key, in the order of the keys."""
    latest: dict[str, ProfileFact] = {}
    for fact in unit.profile_facts.select_related("department").order_by("key", "-as_of"):
        latest.setdefault(fact.key, fact)
    order = {key: i for i, (key, _label) in enumerate(ProfileFactKey.choices)}
    return sorted(latest.values(), key=lambda f: order[f.key])


def _key_order() -> Case:
    keys = [key for key, _label in ProfileFactKey.choices]
    return Case(*(When(key=k, then=Value(i)) for i, k in enumerate(keys)), default=Value(99))


def profile_facts_for(user: User | AnonymousUser, unit: OrgUnit) -> QuerySet[ProfileFact]:
    """The unit's facts the user may read, in the order of the profile, newest first."""
    qs = unit.profile_facts.select_related("department").order_by(_key_order(), "-as_of")
    return scoped(user, qs)


def honours_of(unit: OrgUnit) -> QuerySet[Honour]:
    return unit.honours.order_by("order", "pk")


def users_with_access() -> QuerySet[User]:
    """The roles page's accounts: the staff's, and any other account that holds a role (a
    visitor's, granted before that was refused), so that every grant is seen and revocable."""
    staff = user_list().values("pk")
    granted = Q(role_grants__isnull=False) | Q(memberships__isnull=False)
    return (
        User.objects.filter(Q(pk__in=staff) | granted)
        .distinct()
        .order_by("username")
        .prefetch_related("role_grants", "memberships__department")
    )


def staff_accounts() -> QuerySet[User]:
    """The accounts a role may be granted to: active staff accounts (never a visitor's)."""
    return user_list().filter(is_active=True)
