"""The type checker's baseline tolerates old errors only outside the strictly typed packages:
core, orgs, stats and metrics have none listed (their tests are checked less strictly and may)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

BASELINE = Path(settings.BASE_DIR) / "mypy-baseline.txt"
STRICT = re.compile(r"^kaifaqu/(core|orgs|stats|metrics)/(?!(.*/)?tests/)")


def strict_entries(lines: list[str]) -> list[str]:
    return [line for line in lines if STRICT.match(line)]


def test_the_baseline_lists_nothing_of_the_strict_packages():
    assert strict_entries(BASELINE.read_text(encoding="utf-8").splitlines()) == []


def test_the_check_sees_a_strict_module_and_passes_tests_and_other_packages():
    lines = [
        "kaifaqu/stats/workbook/sheets.py:0: error: Missing type arguments  [type-arg]",
        "kaifaqu/stats/tests/test_entry.py:0: error: Name undefined  [name-defined]",
        "kaifaqu/investment/views/projects.py:0: error: Function is missing  [no-untyped-def]",
    ]
    assert strict_entries(lines) == [lines[0]]
