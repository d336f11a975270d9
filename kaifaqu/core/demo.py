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


_steps: dict[str, DemoStep] = {}


def register(name: str, run: Callable[[TextIO], None], *, order: int) -> None:
    _steps[name] = DemoStep(name, run, order)


def steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda s: s.order)
