"""The test suite's requirements: a missing one skips its tests with a one-line reason, and
fails them under KAIFAQU_REQUIRE_ALL=1 (CI), so that CI never passes by skipping."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaifaqu.core import testing


@pytest.fixture
def shared(tmp_path, monkeypatch) -> Path:
    """A shared folder elsewhere than beside the repository, with no seed in it yet."""
    monkeypatch.setenv("KAIFAQU_SHARED_DIR", str(tmp_path))
    monkeypatch.delenv("KAIFAQU_REQUIRE_ALL", raising=False)
    return tmp_path


def test_the_seed_is_beside_the_repository_by_default(monkeypatch):
    monkeypatch.delenv("KAIFAQU_SHARED_DIR", raising=False)
    assert testing.seed_dir() == testing.REPOSITORY.parent / "shared" / "seed"
    assert (testing.REPOSITORY / "pyproject.toml").is_file()


def test_a_missing_seed_skips_with_its_reason(shared):
    with pytest.raises(pytest.skip.Exception) as skipped:
        testing.require_seed()
    assert str(skipped.value) == (
        f"the seed document is not at {shared / 'seed'} (set KAIFAQU_SHARED_DIR)"
    )


def test_a_missing_seed_fails_when_every_requirement_is_required(shared, monkeypatch):
    monkeypatch.setenv("KAIFAQU_REQUIRE_ALL", "1")
    with pytest.raises(pytest.fail.Exception) as failed:
        testing.require_seed()
    assert str(failed.value) == (
        f"the seed document is not at {shared / 'seed'} (set KAIFAQU_SHARED_DIR)"
        " (KAIFAQU_REQUIRE_ALL=1 forbids skipping)"
    )


def test_a_present_seed_is_its_folder(shared):
    (shared / "seed").mkdir()
    assert testing.require_seed() == shared / "seed"
