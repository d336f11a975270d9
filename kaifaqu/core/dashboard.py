"""The dashboard (工作台): each package registers what it shows there when it starts.

Three kinds of entry, each with a predicate on the user (its roles) and a builder that reads
through the package's own selectors, scoped to the user (never wider):

- a **panel**: a block of the page drawn by the package's own template (the key figures, an
  administrator's duties), from the context its builder returns; a panel whose context has
  ``charts`` (a list of ``Chart``) adds them to the page's charts, so that charts drawn from
  the panel's own figures are read once;
- a **chart**: an ECharts spec (a plain dict, from the package's ``charts.py``) with a title;
- a **waiting item**: something that waits for the user (overdue consultations, failed data
  checks…), a count and the link to the list that holds them.

A builder returns ``None`` (or an empty list) when it has nothing for this user, and the page
leaves its place out. A module not built yet registers nothing: the supervised tasks and the
grid's events add their waiting items the same way. Every builder reads in a fixed number
of queries, whatever the number of records, so the page's query count is bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

    AnyUser = User | AnonymousUser
else:
    AnyUser = Any

Allowed = Callable[[AnyUser], bool]


@dataclass(frozen=True)
class WaitingItem:
    """Something that waits for the user: what it is, how many, and where they are."""

    key: str
    label: str
    count: int
    url: str
    #: Bootstrap's colour of its badge: "danger" (late), "warning", "info".
    level: str = "warning"
    #: The first few of them, each (label, url), where the list the item links to cannot
    #: pick them out by itself.
    records: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    spec: dict[str, Any]
    #: The page whose data the chart shows, linked under it ("" for none).
    url: str = ""


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    allowed: Allowed
    context: Callable[[AnyUser], dict[str, Any] | None]


@dataclass(frozen=True)
class ChartEntry:
    key: str
    order: int
    allowed: Allowed
    build: Callable[[AnyUser], Iterable[Chart]]


@dataclass(frozen=True)
class WaitingEntry:
    key: str
    order: int
    allowed: Allowed
    build: Callable[[AnyUser], Iterable[WaitingItem]]


@dataclass(frozen=True)
class ShownPanel:
    key: str
    template: str
    context: dict[str, Any]
    charts: tuple[Chart, ...] = ()


_panels: dict[str, Panel] = {}
_charts: dict[str, ChartEntry] = {}
_waiting: dict[str, WaitingEntry] = {}


def register_panel(
    key: str,
    *,
    template: str,
    context: Callable[[AnyUser], dict[str, Any] | None],
    allowed: Allowed,
    order: int,
) -> None:
    _panels[key] = Panel(key, order, template, allowed, context)


def register_charts(
    key: str, build: Callable[[AnyUser], Iterable[Chart]], *, allowed: Allowed, order: int
) -> None:
    """``build`` gives the user's charts of this package (none where it has no data)."""
    _charts[key] = ChartEntry(key, order, allowed, build)


def register_waiting(
    key: str, build: Callable[[AnyUser], Iterable[WaitingItem]], *, allowed: Allowed, order: int
) -> None:
    """``build`` gives the items waiting for the user (only those with a count above 0 are
    shown)."""
    _waiting[key] = WaitingEntry(key, order, allowed, build)


def _admitted(entries: Iterable[Any], user: AnyUser) -> list[Any]:
    return sorted((e for e in entries if e.allowed(user)), key=lambda e: (e.order, e.key))


def panels_for(user: AnyUser) -> list[ShownPanel]:
    shown = []
    for panel in _admitted(_panels.values(), user):
        context = panel.context(user)
        if context is not None:
            charts = tuple(context.pop("charts", ()))
            shown.append(ShownPanel(panel.key, panel.template, context, charts))
    return shown


def charts_for(user: AnyUser) -> list[Chart]:
    return [chart for entry in _admitted(_charts.values(), user) for chart in entry.build(user)]


def waiting_for(user: AnyUser) -> list[WaitingItem]:
    return [
        item
        for entry in _admitted(_waiting.values(), user)
        for item in entry.build(user)
        if item.count > 0
    ]
