"""Helpers for the test suite (imported by tests only)."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("KAIFAQU_CHROMIUM", "/usr/bin/chromium")


def require_all() -> bool:
    """KAIFAQU_REQUIRE_ALL=1 turns a skip for a missing tool into a failure (CI sets it)."""
    return os.environ.get("KAIFAQU_REQUIRE_ALL", "") not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> None:
    if require_all():
        pytest.fail(f"{reason} (KAIFAQU_REQUIRE_ALL=1 forbids skipping)", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


def require_program(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        skip_or_fail(f"{name} not found (apt-get install {package})")
    return path
