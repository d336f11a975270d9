"""Imports point down the spine, and between packages on the same level only where the
architecture says so (docs/architecture.md, "Ledger packages among themselves" and "The portal,
consultations and the pipeline").

Every import of every product module is read from its source (ast), including the imports
inside functions, so a lazy import cannot hide an upward one. Tests are not product modules:
they may import whatever they check.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import kaifaqu

ROOT = Path(kaifaqu.__file__).parent

#: Each package's level on the spine, lowest first: a package imports the packages below it,
#: and one on its own level only through SIDEWAYS. A new package must be placed here (the test
#: fails until it is). The ledgers and the apps on top (reports, portal, consultations) share a
#: level: each reads the numbers of the others only through ``metrics``.
LEVELS: dict[str, int] = {
    "core": 0,
    "orgs": 1,
    "stats": 2,
    "metrics": 3,
    # the ledgers
    "carriers": 4,
    "enterprises": 4,
    "investment": 4,
    # the apps on top
    "reports": 4,
    "portal": 4,
    "consultations": 4,
    # assemble everything
    "api": 5,
    "config": 5,
}

#: The imports allowed between packages on the same level, and why.
SIDEWAYS: dict[tuple[str, str], str] = {
    ("investment", "carriers"): "a project reserves and takes its carrier through the carriers' "
    "services",
    ("investment", "enterprises"): "a project's investor",
    ("portal", "carriers"): "the carriers on offer, and the carriers a visitor saved (records, "
    "not numbers)",
    ("consultations", "portal"): "categories, and the saved items shown in the personal space",
    ("consultations", "investment"): "a consultation records or updates a lead, and a lead "
    "becomes a project through the investment services",
    ("consultations", "enterprises"): "masking, and the industries an investor picks",
}


@dataclass(frozen=True)
class Edge:
    """An import of ``target`` (a dotted module name) by ``module``, at ``line``."""

    module: str
    target: str
    line: int

    @property
    def source_package(self) -> str:
        return _package_of(self.module)

    @property
    def target_package(self) -> str:
        return _package_of(self.target)

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}"


#: The modules at the top of kaifaqu: they start the project, as ``config`` does.
ENTRY_MODULES = {"kaifaqu", "kaifaqu.__main__"}


def _package_of(module: str) -> str:
    """The package directly under kaifaqu: ``kaifaqu.stats.workbook.reader`` → ``stats``."""
    return "config" if module in ENTRY_MODULES else module.split(".")[1]


def edges_of(source: str, module: str, *, is_package: bool = False) -> Iterator[Edge]:
    """The imports of kaifaqu modules in a module's source, relative ones resolved."""
    parts = module.split(".")
    package = parts if is_package else parts[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            # ``from kaifaqu import stats`` imports the packages it names.
            targets = [f"{name}.{a.name}" for a in node.names] if name == "kaifaqu" else [name]
        else:
            continue
        for target in targets:
            if target == "kaifaqu" or not target.startswith("kaifaqu."):
                continue
            yield Edge(module, target, node.lineno)


def product_modules(root: Path = ROOT) -> Iterator[tuple[Path, str, bool]]:
    """Every module of the project but the tests: its path, dotted name, and whether it is a
    package's ``__init__``."""
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if "tests" in parts:
            continue
        is_package = parts[-1] == "__init__"
        yield path, ".".join(parts[:-1] if is_package else parts), is_package


def project_edges(root: Path = ROOT) -> list[Edge]:
    return [
        edge
        for path, module, is_package in product_modules(root)
        for edge in edges_of(path.read_text(encoding="utf-8"), module, is_package=is_package)
        if edge.source_package != edge.target_package
    ]


def violations(edges: Iterable[Edge]) -> list[str]:
    """What is wrong with these imports: a package not placed on the spine, an import up the
    spine, or one sideways that SIDEWAYS does not list."""
    out: list[str] = []
    for edge in edges:
        source, target = edge.source_package, edge.target_package
        if source == target:
            continue
        unplaced = [p for p in (source, target) if p not in LEVELS]
        if unplaced:
            out.append(f"{edge}: place {', '.join(unplaced)} in LEVELS")
        elif LEVELS[target] > LEVELS[source]:
            out.append(f"{edge}: up the spine ({source} is below {target})")
        elif LEVELS[target] == LEVELS[source] and (source, target) not in SIDEWAYS:
            out.append(f"{edge}: sideways from {source} to {target}, not in SIDEWAYS")
    return out


@pytest.fixture(scope="module")
def edges() -> list[Edge]:
    return project_edges()


def test_no_import_runs_up_the_spine_or_sideways_unlisted(edges):
    assert violations(edges) == []


def test_every_package_is_placed_on_the_spine():
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert packages - set(LEVELS) == set()


def test_every_listed_sideways_import_is_still_made(edges):
    """An edge no longer used comes out of the table, so the table says what the code does."""
    made = {(e.source_package, e.target_package) for e in edges}
    assert set(SIDEWAYS) - made == set()


def test_core_imports_nothing_above_it(edges):
    assert [str(e) for e in edges if e.source_package == "core"] == []


# -- the checker itself ---------------------------------------------------------------------------


def _edges(source: str, module: str, *, is_package: bool = False) -> list[tuple[str, int]]:
    found = [(e.target, e.line) for e in edges_of(source, module, is_package=is_package)]
    return sorted(found, key=lambda edge: edge[1])  # ast.walk goes breadth first


def test_the_parser_reads_absolute_relative_and_lazy_imports():
    source = "\n".join(
        [
            "import os",
            "import kaifaqu.orgs.models",
            "from kaifaqu import stats, metrics",
            "from kaifaqu.core.periods import Period",
            "from . import selectors",
            "from ..models import DataValue",
            "def later():",
            "    from ...metrics import engine",
            "    if True:",
            "        import kaifaqu.reports.word as word",
        ]
    )
    assert _edges(source, "kaifaqu.stats.workbook.writer") == [
        ("kaifaqu.orgs.models", 2),
        ("kaifaqu.stats", 3),
        ("kaifaqu.metrics", 3),
        ("kaifaqu.core.periods", 4),
        ("kaifaqu.stats.workbook", 5),
        ("kaifaqu.stats.models", 6),
        ("kaifaqu.metrics", 8),
        ("kaifaqu.reports.word", 10),
    ]


def test_relative_imports_of_a_package_init_start_from_the_package():
    assert _edges("from .models import OrgUnit", "kaifaqu.orgs", is_package=True) == [
        ("kaifaqu.orgs.models", 1)
    ]
    assert _edges("from ..services import x", "kaifaqu.orgs.api", is_package=True) == [
        ("kaifaqu.orgs.services", 1)
    ]
    assert _edges("from ...core import access", "kaifaqu.orgs.api", is_package=True) == [
        ("kaifaqu.core", 1)
    ]


@pytest.mark.parametrize(
    ("module", "target", "wrong"),
    [
        ("kaifaqu.stats.views", "kaifaqu.metrics.engine", "up the spine (stats is below metrics)"),
        ("kaifaqu.core.access", "kaifaqu.orgs.models", "up the spine (core is below orgs)"),
        ("kaifaqu.metrics.engine", "kaifaqu.investment.metrics", "up the spine"),
        ("kaifaqu.carriers.services", "kaifaqu.investment.models", "sideways from carriers"),
        ("kaifaqu.portal.figures", "kaifaqu.investment.selectors", "sideways from portal"),
        ("kaifaqu.reports.drafting", "kaifaqu.portal.figures", "sideways from reports"),
        ("kaifaqu.warehouse.models", "kaifaqu.core.models", "place warehouse in LEVELS"),
    ],
)
def test_the_checker_refuses_a_wrong_edge(module, target, wrong):
    (found,) = violations([Edge(module, target, 7)])
    assert found.startswith(f"{module}:7 imports {target}: ")
    assert wrong in found


@pytest.mark.parametrize(
    ("module", "target"),
    [
        ("kaifaqu.metrics.engine", "kaifaqu.stats.models"),
        ("kaifaqu.investment.metrics", "kaifaqu.metrics.registry"),
        ("kaifaqu.investment.forms", "kaifaqu.carriers.models"),
        ("kaifaqu.consultations.services", "kaifaqu.investment.services"),
        ("kaifaqu.api.urls", "kaifaqu.consultations.api"),
        ("kaifaqu.stats.views", "kaifaqu.stats.models"),
        ("kaifaqu.__main__", "kaifaqu.config.settings"),
    ],
)
def test_the_checker_lets_an_allowed_edge_pass(module, target):
    assert violations([Edge(module, target, 1)]) == []


def test_a_wrong_lazy_import_in_a_module_on_disk_is_found(tmp_path):
    package = tmp_path / "kaifaqu" / "orgs"
    package.mkdir(parents=True)
    (tmp_path / "kaifaqu" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "selectors.py").write_text(
        "from kaifaqu.core import access\n\n\ndef late():\n    from ..stats import models\n"
    )
    (package / "tests").mkdir()
    (package / "tests" / "test_x.py").write_text("from kaifaqu.metrics import engine\n")
    edges = project_edges(tmp_path / "kaifaqu")
    assert [str(e) for e in edges] == [
        "kaifaqu.orgs.selectors:1 imports kaifaqu.core",
        "kaifaqu.orgs.selectors:5 imports kaifaqu.stats",
    ]
    assert violations(edges) == [
        "kaifaqu.orgs.selectors:5 imports kaifaqu.stats: up the spine (orgs is below stats)"
    ]
