"""Helpers for the test suite (imported by tests only)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KAIFAQU_CHROMIUM", "/usr/bin/chromium")
#: The repository: the seed lies beside it, in ../shared/seed, as CI lays it.
REPOSITORY = Path(__file__).resolve().parents[2]


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


def seed_dir() -> Path:
    """Where the seed document is: ``$KAIFAQU_SHARED_DIR/seed``, by default ``../shared/seed``
    beside the repository. Read on every call, so that a test can point it elsewhere."""
    shared = os.environ.get("KAIFAQU_SHARED_DIR") or REPOSITORY.parent / "shared"
    return Path(shared) / "seed"


def require_seed() -> Path:
    """The seed's folder; a fresh clone has none beside it, so its tests skip (CI has it)."""
    path = seed_dir()
    if not path.is_dir():
        skip_or_fail(f"the seed document is not at {path} (set KAIFAQU_SHARED_DIR)")
    return path
