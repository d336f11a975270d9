"""The README and docs/ lead a newcomer somewhere real: every link resolves to a file (and a
heading) in the repository, nothing points outside it, and the front page names the two
commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
README = REPO / "README.md"
DOCS = REPO / "docs"

# Code spans and fenced blocks are examples, not links.
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def documents() -> list[Path]:
    return [README, *sorted(DOCS.glob("**/*.md"))]


def prose(path: Path) -> str:
    return _CODE_SPAN.sub("", _FENCE.sub("", path.read_text(encoding="utf-8")))


def links(path: Path) -> list[str]:
    return _LINK.findall(prose(path))


def slug(heading: str) -> str:
    """A heading's anchor as GitHub and most renderers make it."""
    text = re.sub(r"[`*_]|<[^>]+>", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {slug(h) for h in _HEADING.findall(_FENCE.sub("", path.read_text(encoding="utf-8")))}


def _name(path: Path) -> str:
    return str(path.relative_to(REPO))


def test_there_are_docs_to_check():
    assert README.is_file()
    assert {p.name for p in DOCS.glob("*.md")} >= {
        "architecture.md",
        "conventions.md",
        "glossary.md",
        "configuration.md",
        "testing.md",
        "benchmarks.md",
    }


@pytest.mark.parametrize("path", documents(), ids=_name)
def test_every_link_resolves_to_a_file_in_the_repository(path: Path):
    broken = []
    for target in links(path):
        if _EXTERNAL.match(target):
            broken.append(f"{target}: points outside the repository")
            continue
        file_part, _hash, fragment = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.is_relative_to(REPO):
            broken.append(f"{target}: points outside the repository")
        elif not resolved.exists():
            broken.append(f"{target}: no such file")
        elif fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
            broken.append(f"{target}: no heading #{fragment} in {_name(resolved)}")
    assert broken == []


@pytest.mark.parametrize("path", documents(), ids=_name)
def test_nothing_refers_to_files_beside_the_repository(path: Path):
    text = path.read_text(encoding="utf-8")
    assert [word for word in ("../shared", "DESIGN.md", "GLOSSARY.md") if word in text] == []


def test_the_front_page_names_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert "make run" in text
    assert "make test" in text


def test_the_front_page_links_every_doc():
    linked = {(REPO / t.partition("#")[0]).resolve() for t in links(README)}
    assert [_name(p) for p in sorted(DOCS.glob("*.md")) if p.resolve() not in linked] == []
