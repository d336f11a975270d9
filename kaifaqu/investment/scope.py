"""Which org units the ledgers here cover, and the units below each one.

The zone's bureaus keep these ledgers for the zone (settings.KAIFAQU_HOME_ZONE) and the
towns, subdistricts and communities under it. A figure for one of those units counts the
records of the unit and every unit below it; for any other unit (the city, another county)
the ledger says nothing, so the figure engine falls back to imported values there, and a
share of the city or a rank is not made up from the zone's records alone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings

from kaifaqu.orgs.models import OrgUnit


@dataclass(frozen=True)
class Tree:
    parent: dict[int, int | None]
    children: dict[int, list[int]]
    home: int | None

    def below(self, unit: int) -> set[int]:
        """The unit and every unit under it."""
        out, stack = set(), [unit]
        while stack:
            node = stack.pop()
            if node not in out:
                out.add(node)
                stack.extend(self.children.get(node, ()))
        return out

    def ancestors(self, unit: int) -> list[int]:
        """The units above, nearest first."""
        out, node = [], self.parent.get(unit)
        while node is not None:
            out.append(node)
            node = self.parent.get(node)
        return out

    def covered(self) -> set[int]:
        return self.below(self.home) if self.home is not None else set()

    def up_to_home(self, unit: int) -> list[int]:
        """The unit and the units above it up to the home zone, if it lies within the zone."""
        chain = [unit, *self.ancestors(unit)]
        if self.home not in chain:
            return []
        return chain[: chain.index(self.home) + 1]


def load_tree() -> Tree:
    """The whole org tree in one query (hundreds of units)."""
    parent: dict[int, int | None] = {}
    children: dict[int, list[int]] = defaultdict(list)
    home = None
    for pk, parent_id, code in OrgUnit.objects.values_list("id", "parent_id", "code"):
        parent[pk] = parent_id
        if parent_id is not None:
            children[parent_id].append(pk)
        if code == settings.KAIFAQU_HOME_ZONE:
            home = pk
    return Tree(parent, dict(children), home)


def scopes(org_ids, tree: Tree | None = None) -> dict[int, set[int]]:
    """For each unit asked that the ledgers cover: the units whose records it counts."""
    tree = tree or load_tree()
    covered = tree.covered()
    return {org: tree.below(org) for org in org_ids if org in covered}
