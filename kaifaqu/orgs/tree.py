"""The org tree, read whole in one query (it is small: hundreds of units) and walked in memory.

Every walk of the tree lives here: a unit's units below and above, the city a unit lies in,
the home zone (settings.KAIFAQU_HOME_ZONE) and the units under it.

The zone's bureaus keep their ledgers for the home zone and the towns, subdistricts and
communities under it. A ledger figure for one of those units counts the records of the unit
and of every unit below it (`scopes`); for any other unit (the city, another county) a ledger
says nothing, so the figure engine falls back to imported values there, and a share of the
city or a rank is not made up from the zone's records alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from .models import OrgUnit, OrgUnitKind

#: A unit as the tree holds it: id, code, name, kind, parent id.
Row = tuple[int, str, str, str, int | None]


@dataclass(frozen=True)
class OrgTree:
    """The units by id; ``children`` in the tree's order (order, then code)."""

    code: dict[int, str]
    name: dict[int, str]
    kind: dict[int, str]
    parent: dict[int, int | None]
    children: dict[int, list[int]]
    by_code: dict[str, int]
    home: int | None
    _below: dict[int, frozenset[int]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of_rows(cls, rows: Iterable[Row], home_code: str | None = None) -> OrgTree:
        """The tree of these units, given parents before or after their children."""
        home_code = settings.KAIFAQU_HOME_ZONE if home_code is None else home_code
        code: dict[int, str] = {}
        name: dict[int, str] = {}
        kind: dict[int, str] = {}
        parent: dict[int, int | None] = {}
        children: dict[int, list[int]] = defaultdict(list)
        for pk, unit_code, unit_name, unit_kind, parent_id in rows:
            code[pk], name[pk], kind[pk], parent[pk] = unit_code, unit_name, unit_kind, parent_id
            if parent_id is not None:
                children[parent_id].append(pk)
        by_code = {c: pk for pk, c in code.items()}
        return cls(code, name, kind, parent, dict(children), by_code, by_code.get(home_code))

    @classmethod
    def of_units(cls, units: Iterable[OrgUnit]) -> OrgTree:
        return cls.of_rows((u.pk, u.code, u.name, u.kind, u.parent_id) for u in units)

    def roots(self) -> list[int]:
        return [pk for pk, parent in self.parent.items() if parent is None]

    def below(self, unit: int) -> frozenset[int]:
        """The unit and every unit under it."""
        found = self._below.get(unit)
        if found is None:
            out, stack = {unit}, [unit]
            while stack:
                for child in self.children.get(stack.pop(), ()):
                    if child not in out:
                        out.add(child)
                        stack.append(child)
            found = self._below[unit] = frozenset(out)
        return found

    def below_all(self, units: Iterable[int]) -> set[int]:
        """The units given and every unit under any of them."""
        out: set[int] = set()
        for unit in units:
            if unit not in out:
                out |= self.below(unit)
        return out

    def ancestors(self, unit: int) -> list[int]:
        """The units above, nearest first."""
        out: list[int] = []
        node = self.parent.get(unit)
        while node is not None and node not in out:
            out.append(node)
            node = self.parent.get(node)
        return out

    def with_ancestors(self, units: Iterable[int]) -> set[int]:
        """The units given and every unit above them, so that a tree can be rebuilt from them."""
        out: set[int] = set()
        for unit in units:
            out.add(unit)
            out.update(self.ancestors(unit))
        return out

    def city_of(self, unit: int) -> int | None:
        """The nearest city above the unit: the whole its shares and ranks are taken in."""
        return next((a for a in self.ancestors(unit) if self.kind[a] == OrgUnitKind.CITY), None)

    def depth_first(self) -> list[tuple[int, int]]:
        """Every unit with its depth, each after its parent and before its next sibling."""
        out: list[tuple[int, int]] = []
        stack = [(root, 0) for root in reversed(self.roots())]
        while stack:
            unit, depth = stack.pop()
            out.append((unit, depth))
            stack.extend((child, depth + 1) for child in reversed(self.children.get(unit, ())))
        return out

    def zone(self) -> frozenset[int]:
        """The home zone and every unit under it: where the zone's ledgers answer."""
        return self.below(self.home) if self.home is not None else frozenset()

    def up_to_home(self, unit: int) -> list[int]:
        """The unit and the units above it up to the home zone, if it lies within the zone."""
        chain = [unit, *self.ancestors(unit)]
        if self.home not in chain:
            return []
        return chain[: chain.index(self.home) + 1]

    def scopes(self, units: Iterable[int]) -> dict[int, frozenset[int]]:
        """For each unit asked that the zone's ledgers cover: the units whose records it
        counts (itself and every unit below)."""
        zone = self.zone()
        return {unit: self.below(unit) for unit in units if unit in zone}


def org_tree() -> OrgTree:
    """The whole tree, in one query."""
    return OrgTree.of_rows(OrgUnit.objects.values_list("id", "code", "name", "kind", "parent_id"))
