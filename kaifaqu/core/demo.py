"""The demo zone is built by steps that packages register; ``kaifaqu load_demo`` runs them.

Each step works through the services, is deterministic, and leaves alone what exists, so
running it again keeps the data and duplicates nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO


@dataclass(frozen=True)
class DemoStep:
    name: str
    run: Callable[[TextIO], None]
    order: int


#: Where each demo value or record comes from, written as the zone's staff write a source note
#: (they are stored as data and shown as they are): stated in the seed report, worked out from
#: what it states, or chosen for the demo where it states nothing.
SEED = "据公报（德州经济技术开发区2017年工作进展情况）"
DERIVED = "据公报推算"
ILLUSTRATIVE = "示例数据"

_steps: dict[str, DemoStep] = {}


def register(name: str, run: Callable[[TextIO], None], *, order: int) -> None:
    _steps[name] = DemoStep(name, run, order)


def steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda s: s.order)
