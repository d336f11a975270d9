"""No product module uses another package's private names: what a package offers the others
is what it names without a leading underscore, so it can change the rest freely."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

PACKAGE = Path(settings.PACKAGE_DIR)


def _module(path: Path, root: Path) -> list[str]:
    parts = ["kaifaqu", *path.relative_to(root).with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def _private(dotted: str) -> bool:
    return any(p.startswith("_") and not p.startswith("__") for p in dotted.split("."))


def _package(dotted: str) -> str:
    """kaifaqu.metrics.text -> metrics: the domain package a module belongs to."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _product_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).parts
        if "tests" in relative or "migrations" in relative:
            continue
        yield path


def _private_uses(path: Path, root: Path = PACKAGE) -> list[str]:
    """Where the module at ``path`` (inside the package at ``root``) imports or uses a
    private name of another package."""
    here = _module(path, root)
    shown = path.relative_to(root)
    package = here[:-1] if path.name != "__init__.py" else here
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported: dict[str, str] = {}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = (
                ".".join(
                    [
                        *package[: len(package) - node.level + 1],
                        *([node.module] if node.module else []),
                    ]
                )
                if node.level
                else node.module or ""
            )
            for alias in node.names:
                dotted = f"{base}.{alias.name}"
                imported[alias.asname or alias.name] = dotted
                if _private(dotted) and _package(dotted) != here[1]:
                    found.append(f"{shown}:{node.lineno} imports {dotted}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imported[alias.asname or alias.name.split(".")[0]] = alias.name
                if _private(alias.name) and _package(alias.name) != here[1]:
                    found.append(f"{shown}:{node.lineno} imports {alias.name}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and imported.get(node.value.id, "").startswith("kaifaqu.")
            and _package(imported[node.value.id]) != here[1]
            and node.attr != "_meta"  # Django's public model API, despite its name
        ):
            used = f"{imported[node.value.id]}.{node.attr}"
            found.append(f"{shown}:{node.lineno} uses {used}")
    return found


#: Private names of libraries the product uses on purpose, each with its reason. A library's
#: private name may change in any release: its version is pinned below the next major one in
#: pyproject.toml, and the tests that exercise the use break first.
LIBRARY_PRIVATE_NAMES = {
    # The workbook file layer reads rows with their own numbers from openpyxl's sheet parser
    # (iter_rows invents an empty row for every skipped number, which a sheet with one cell at
    # row 99,999,999 turns into minutes) and catches what the parser raises.
    "stats/workbook/rows.py": {
        "openpyxl.worksheet._read_only.ReadOnlyWorksheet",
        "openpyxl.worksheet._reader.WorkSheetParser",
    },
}


def test_no_module_uses_a_private_name_of_another_package():
    found = [use for path in _product_modules() for use in _private_uses(path)]
    allowed = {
        f"{module}:{name}" for module, names in LIBRARY_PRIVATE_NAMES.items() for name in names
    }
    found = [use for use in found if f"{use.split(':')[0]}:{use.split()[-1]}" not in allowed]
    assert found == []


def test_the_check_sees_a_private_import(tmp_path):
    """The check itself: a module importing another package's private name is named."""
    fake = tmp_path / "kaifaqu"
    (fake / "portal").mkdir(parents=True)
    module = fake / "portal" / "figures.py"
    module.write_text(
        "from kaifaqu.metrics.text import _against\n"
        "from kaifaqu.metrics import text\n"
        "from . import _local\n"
        "text._words('zh')\n",
        encoding="utf-8",
    )
    assert _private_uses(module, fake) == [
        "portal/figures.py:1 imports kaifaqu.metrics.text._against",
        "portal/figures.py:4 uses kaifaqu.metrics.text._words",
    ]
