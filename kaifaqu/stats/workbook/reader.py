"""Reading a workbook into a plan: every cell checked, every problem collected, nothing written.

The file is vetted before openpyxl sees it (size, zip signature, declared expanded size,
content type, macros), because a spreadsheet library parsing hostile input is the risk.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from . import columns as fmt
from .cells import CellError, as_text, read_cell
from .columns import Column, Problem

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")


@dataclass
class WorkbookPlan:
    """A workbook being read: the file's identity, where each column is, every problem.

    The statistics ``Plan`` builds on it; so do other workbooks (the investment ledgers'),
    which share the file checks (``open_workbook``) and the row reading (``sheet_rows``).
    """

    filename: str = ""
    size: int = 0
    sha256: str = ""
    #: sheet → column name → letter, for the columns the sheet has.
    letters: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def has_column(self, sheet: str, name: str) -> bool:
        return name in self.letters.get(sheet, {})

    def letter(self, sheet: str, name: str) -> str:
        return self.letters.get(sheet, {}).get(name, "")

    def add(self, sheet: str, row: int | None, column: str, message: str) -> None:
        """A problem at a column given by name (or "" for the whole row)."""
        self.problems.append(Problem(sheet, row, self.letter(sheet, column), message))

    def refuse(self, message: str) -> None:
        self.problems.append(Problem("", None, "", message))

    def problems_by_sheet(self) -> dict[str, list[Problem]]:
        out: dict[str, list[Problem]] = {}
        for problem in self.problems:
            out.setdefault(problem.sheet, []).append(problem)
        return out


# -- the file --------------------------------------------------------------------------------


def open_workbook(file, plan: WorkbookPlan, *, too_expanded: str | None = None):
    """The workbook in ``file`` (a path, bytes or a file object), opened read-only once the
    file has passed every check made before openpyxl parses it; None if it is refused, with
    the reason in ``plan.problems``. Sets ``plan.size`` and ``plan.sha256``; the caller
    closes the workbook. ``too_expanded`` replaces the zip-bomb refusal's wording (with
    ``%(limit)s``) for a workbook that is not the statistics one."""
    data = _load_bytes(file, plan)
    if data is None:
        return None
    plan.size = len(data)
    plan.sha256 = hashlib.sha256(data).hexdigest()
    if not _vet_container(data, plan, too_expanded):
        return None
    try:
        return openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception:  # openpyxl raises many kinds on a damaged file; each means the same here
        plan.refuse(_("The file could not be opened as an Excel workbook (.xlsx)."))
        return None


def name_of(file) -> str:
    """The file's own name, without any folder (a path, or an upload's name)."""
    if isinstance(file, str | os.PathLike):
        return PurePath(file).name
    return PurePath(str(getattr(file, "name", "") or "")).name


def too_large_message() -> str:
    return _("The file is larger than %(limit)s: split it into smaller workbooks.") % {
        "limit": filesizeformat(fmt.MAX_FILE_BYTES)
    }


def _too_large(plan: WorkbookPlan) -> None:
    plan.refuse(too_large_message())


def _load_bytes(file, plan: WorkbookPlan) -> bytes | None:
    limit = fmt.MAX_FILE_BYTES
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    elif isinstance(file, str | os.PathLike):
        if os.path.getsize(file) > limit:
            _too_large(plan)
            return None
        with open(file, "rb") as handle:
            data = handle.read(limit + 1)
    else:
        size = getattr(file, "size", None)
        if isinstance(size, int) and size > limit:
            _too_large(plan)
            return None
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
    if len(data) > limit:
        _too_large(plan)
        return None
    return data


def _not_xlsx(plan: WorkbookPlan) -> bool:
    plan.refuse(
        _(
            "This file is not an Excel workbook (.xlsx). Save it from the spreadsheet program "
            'as "Excel workbook (.xlsx)" and try again.'
        )
    )
    return False


def _macros(plan: WorkbookPlan) -> bool:
    plan.refuse(
        _(
            "This workbook contains macros (.xlsm), which are not accepted. Save it as an "
            "Excel workbook (.xlsx) without macros and try again."
        )
    )
    return False


def _vet_container(data: bytes, plan: WorkbookPlan, too_expanded: str | None = None) -> bool:
    """The checks made before any XML of the workbook is parsed."""
    if plan.filename.lower().endswith(MACRO_SUFFIXES):
        return _macros(plan)
    if not data.startswith(b"PK\x03\x04"):
        return _not_xlsx(plan)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return _not_xlsx(plan)
    with archive:
        members = archive.infolist()
        # Declared sizes bound what zipfile will ever inflate (it stops at file_size), so
        # checking them refuses a zip bomb without decompressing a byte of it.
        if sum(m.file_size for m in members) > fmt.MAX_EXPANDED_BYTES:
            message = too_expanded or _(
                "The workbook would expand to more than %(limit)s when opened; no "
                "statistics workbook is that large, so it is refused."
            )
            plan.refuse(message % {"limit": filesizeformat(fmt.MAX_EXPANDED_BYTES)})
            return False
        names = {m.filename for m in members}
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            return _macros(plan)
        if "[Content_Types].xml" not in names:
            return _not_xlsx(plan)
        try:
            root = SafeET.fromstring(archive.read("[Content_Types].xml"))
        except (ParseError, DefusedXmlException, zipfile.BadZipFile, ValueError, OSError):
            return _not_xlsx(plan)
    content_types = {el.get("ContentType", "") for el in root.iter() if el.get("ContentType")}
    if any("macroEnabled" in ct for ct in content_types):
        return _macros(plan)
    if XLSX_MAIN not in content_types:
        return _not_xlsx(plan)
    return True


# -- sheets ----------------------------------------------------------------------------------


def sheet_rows(
    plan: WorkbookPlan,
    worksheet,
    sheet: str,
    columns: tuple[Column, ...],
    read: Callable[[Any, Column], Any] = read_cell,
) -> Iterator[tuple[int, dict[str, Any], set[str]]]:
    """The rows of a sheet whose first row names its ``columns``: for each row that is not
    blank, its number, its cells read by ``read`` (a refused cell reads None), and the names
    of the columns refused. A header with an unknown, repeated or missing required column is
    a problem and yields no row; so is every refused cell."""
    worksheet.reset_dimensions()  # read-only mode trusts the stored size, which may lie
    rows = worksheet.iter_rows()
    header = next(rows, ())
    if not _header(plan, sheet, header, columns):
        return
    spec = {c.name: c for c in columns}
    positions = {
        name: i
        for i, cell in enumerate(header)
        if (name := as_text(cell.value).strip().lower()) in spec
    }
    for number, cells in enumerate(rows, start=2):
        if all(c is None or c.value is None or c.value == "" for c in cells):
            continue
        parsed: dict[str, Any] = {}
        refused: set[str] = set()
        for name, position in positions.items():
            cell = cells[position] if position < len(cells) else None
            try:
                parsed[name] = read(cell, spec[name])
            except CellError as error:
                plan.add(sheet, number, name, str(error))
                parsed[name] = None
                refused.add(name)
        yield number, parsed, refused


def _header(plan: WorkbookPlan, sheet: str, header, columns: tuple[Column, ...]) -> bool:
    expected = tuple(c.name for c in columns)
    letters: dict[str, str] = {}
    ok = True
    for i, cell in enumerate(header):
        name = as_text(cell.value).strip().lower() if cell.value is not None else ""
        if not name:
            continue
        letter = get_column_letter(i + 1)
        if name not in expected:
            plan.problems.append(
                Problem(
                    sheet,
                    1,
                    letter,
                    _("Unknown column %(name)s: the columns of this sheet are %(names)s.")
                    % {"name": name, "names": ", ".join(expected)},
                )
            )
            ok = False
        elif name in letters:
            plan.problems.append(
                Problem(
                    sheet,
                    1,
                    letter,
                    _("The column %(name)s appears twice.") % {"name": name},
                )
            )
            ok = False
        else:
            letters[name] = letter
    plan.letters[sheet] = letters
    for column in columns:
        if column.required and column.name not in letters:
            plan.add(
                sheet,
                1,
                "",
                _("The column %(name)s is missing: the first row names the columns.")
                % {"name": column.name},
            )
            ok = False
    return ok
