"""The file layer every workbook shares (statistics, investment): the checks made before
openpyxl parses a byte, opening the workbook read-only, and reading a sheet's rows.

The file is vetted before openpyxl sees it (size, zip signature, declared expanded size,
content type, macros), because a spreadsheet library parsing hostile input is the risk.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.utils import range_boundaries

from . import columns as fmt
from .columns import Problem

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLTX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")


#: The problems of cells and rows a plan keeps. Past them the file is refused all the same,
#: and a list as long as the file (a million rows, each refused) would fill the memory, the
#: kept preview and the page.
MAX_PROBLEMS = 1000


class Problems(list[Problem]):
    """A plan's problems: the first ``MAX_PROBLEMS`` of cells and rows, then only counted
    (``left_out``); those of a whole sheet or file are always kept."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.left_out = 0

    def append(self, problem: Problem) -> None:
        if problem.row is not None and len(self) >= MAX_PROBLEMS:
            self.left_out += 1
            return
        super().append(problem)


@dataclass
class WorkbookPlan:
    """A workbook being read: the file's identity, where each column is, every problem.

    The statistics ``Plan`` builds on it; so do other workbooks (the investment ledgers'),
    which share the file checks (``open_workbook``) and the row reading (``rows.sheet_rows``).
    """

    filename: str = ""
    size: int = 0
    sha256: str = ""
    #: sheet → column name → letter, for the columns the sheet has.
    letters: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=Problems)

    @property
    def ok(self) -> bool:
        return not self.problems

    def has_column(self, sheet: str, name: str) -> bool:
        return name in self.letters.get(sheet, {})

    def rows(self, sheet: str) -> list[Any]:
        """The planned rows of a sheet (each workbook's plan has its own)."""
        raise NotImplementedError

    def letter(self, sheet: str, name: str) -> str:
        return self.letters.get(sheet, {}).get(name, "")

    def add(self, sheet: str, row: int | None, column: str, message: str) -> None:
        """A problem at a column given by name (or "" for the whole row)."""
        self.problems.append(Problem(sheet, row, self.letter(sheet, column), message))

    def refuse(self, message: str) -> None:
        self.problems.append(Problem("", None, "", message))

    def refuse_if_empty(self, sheets: Sequence[str]) -> None:
        """Refuse a workbook without a single data row (its template as downloaded), saying
        which sheets to fill: otherwise it would pass every check and import nothing.

        Only a workbook with no other problem: rows refused for their cells are not kept in
        the plan, and their problems already say what to correct.
        """
        if self.ok and not any(self.rows(sheet) for sheet in sheets):
            separator = pgettext("list separator", ", ")
            self.refuse(
                _(
                    "The workbook has no rows to import, so nothing was imported: fill in "
                    "the sheets %(names)s, a row for each record under the heading row, and "
                    "upload it again."
                )
                % {"names": separator.join(sheets)}
            )

    def problems_by_sheet(self) -> dict[str, list[Problem]]:
        out: dict[str, list[Problem]] = {}
        for problem in self.problems:
            out.setdefault(problem.sheet, []).append(problem)
        return out


# -- the file --------------------------------------------------------------------------------


def open_workbook(
    file: Any, plan: WorkbookPlan, *, too_expanded: str | None = None
) -> Workbook | None:
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
        _unopenable(plan)
        return None


def name_of(file: Any) -> str:
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


def _load_bytes(file: Any, plan: WorkbookPlan) -> bytes | None:
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
    """The checks made before openpyxl parses any XML of the workbook."""
    if plan.filename.lower().endswith(MACRO_SUFFIXES):
        return _macros(plan)
    if not data.startswith(b"PK\x03\x04"):
        return _not_xlsx(plan)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
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
        names = [m.filename for m in members]
        # A name twice is read as one part by one program and as the other by the next.
        if len(set(names)) != len(names) or len(names) > MAX_MEMBERS:
            return _not_xlsx(plan)
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            return _macros(plan)
        if "[Content_Types].xml" not in names:
            return _not_xlsx(plan)
        try:
            root = SafeET.fromstring(archive.read("[Content_Types].xml"))
        except DAMAGED:
            return _not_xlsx(plan)
        content_types = {el.get("ContentType", "") for el in root.iter() if el.get("ContentType")}
        if any("macroEnabled" in ct for ct in content_types):
            return _macros(plan)
        if XLSX_MAIN not in content_types:
            return _not_xlsx(plan)
        # The parts openpyxl will read, found as it finds them: the first override of each
        # content type (a template's workbook before a workbook's).
        overrides = [
            (el.get("ContentType", ""), el.get("PartName", "").lstrip("/"))
            for el in root.iter()
            if _local(el.tag) == "Override"
        ]
        main = next(
            (part for wanted in (XLTX_MAIN, XLSX_MAIN) for ct, part in overrides if ct == wanted),
            "xl/workbook.xml",
        )
        strings = next((part for ct, part in overrides if ct == SHARED_STRINGS), None)
        return _vet_sizes(archive, plan, main, strings)


# -- the sizes the parts declare -------------------------------------------------------------

#: What reading a damaged zip member or its XML raises: a bad CRC, a broken deflate stream,
#: an encrypted member, an unknown compression method, XML that does not parse or declares
#: entities, a missing part.
DAMAGED = (
    ParseError,
    DefusedXmlException,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
    KeyError,
    ValueError,
)
#: A workbook has a part or two per sheet; a zip of more members is not one.
MAX_MEMBERS = 5000
#: The start tags of the elements of styles.xml that openpyxl turns into an object each, and
#: of the shared strings, with any namespace prefix.
STYLE_TAGS = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(?:xf|font|fill|border|numFmt|dxf|cellStyle|tableStyle|rgbColor)"
    rb"[\s/>]"
)
STRING_TAGS = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


_in_a_request: ContextVar[bool] = ContextVar("workbook_in_a_request", default=False)


@contextmanager
def in_a_request() -> Iterator[None]:
    """The pages' limits for the workbooks read inside: where a page's check or import runs
    within the web request (no broker; a preview read in another language), it takes fewer
    rows and distinct texts (KAIFAQU_WORKBOOK_PAGE_MAX_ROWS) than the worker and the import
    commands."""
    token = _in_a_request.set(True)
    try:
        yield
    finally:
        _in_a_request.reset(token)


def _limits() -> dict[str, int]:
    rows = settings.KAIFAQU_WORKBOOK_MAX_ROWS
    strings = settings.KAIFAQU_WORKBOOK_MAX_STRINGS
    if _in_a_request.get():
        rows = min(rows, settings.KAIFAQU_WORKBOOK_PAGE_MAX_ROWS)
        strings = min(strings, settings.KAIFAQU_WORKBOOK_PAGE_MAX_ROWS)
    return {
        "rows": rows,
        "columns": settings.KAIFAQU_WORKBOOK_MAX_COLUMNS,
        "styles": settings.KAIFAQU_WORKBOOK_MAX_STYLES,
        "strings": strings,
    }


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _elements(archive: zipfile.ZipFile, name: str) -> Iterator[tuple[str, str, Any]]:
    """(event, local tag, element) of a part as it streams, "start" and "end"; whatever
    has ended is dropped, so memory stays flat however long the part is."""
    with archive.open(name) as stream:
        root = None
        for event, element in SafeET.iterparse(stream, events=("start", "end")):
            if root is None:
                root = element
            yield event, _local(element.tag), element
            if event == "end" and element is not root:
                root.clear()


def _sheet_parts(archive: zipfile.ZipFile, main: str) -> dict[str, str]:
    """Part name → the sheet's name, from the workbook part and its relationships."""
    folder, _slash, base = main.rpartition("/")
    targets: dict[str, str] = {}
    rels = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    for event, tag, el in _elements(archive, rels):
        if event == "start" and tag == "Relationship":
            target = el.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
            targets[el.get("Id", "")] = posixpath.normpath(path).lstrip("/")
    sheets: dict[str, str] = {}
    for event, tag, el in _elements(archive, main):
        if event == "start" and tag == "sheet":
            rel = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
            if rel in targets:
                sheets[targets[rel]] = el.get("name", "")
        elif event == "end" and tag == "sheets":
            break
    return sheets


def _vet_sizes(
    archive: zipfile.ZipFile, plan: WorkbookPlan, main: str, strings: str | None
) -> bool:
    """Each sheet's stated dimension, and the styles and shared strings counted, against the
    limits, before openpyxl builds an object for each of them. Only as much of a part is
    read as the limits need: a sheet up to its dimension, the others up to the limit."""
    limits = _limits()
    try:
        sheets = _sheet_parts(archive, main)
    except DAMAGED:
        return _unopenable(plan)
    for path, sheet in sheets.items():
        try:
            for event, tag, el in _elements(archive, path):
                if event != "start":
                    continue
                if tag == "dimension":
                    if not _dimension_fits(plan, sheet, el.get("ref", ""), limits):
                        return False
                    break
                if tag == "sheetData":
                    break
        except DAMAGED:
            return _unreadable(plan, sheet)
    names = set(archive.namelist())
    counted: list[tuple[str | None, re.Pattern[bytes], int, Callable[[WorkbookPlan, int], bool]]]
    counted = [
        ("xl/styles.xml", STYLE_TAGS, limits["styles"], _too_many_styles),  # openpyxl's path
        (strings, STRING_TAGS, limits["strings"], _too_many_strings),
    ]
    for part, tags, limit, message in counted:
        if part is None or part not in names:
            continue
        try:
            if _count_tags(archive, part, tags, limit) > limit:
                return message(plan, limit)
        except DAMAGED:
            return _unopenable(plan)
    return True


def _count_tags(archive: zipfile.ZipFile, name: str, tags: re.Pattern[bytes], limit: int) -> int:
    """How many start tags ``tags`` matches in a part, counted on its bytes as they inflate
    and stopping past ``limit``. An XML parser costs some 10 µs an element here, a million
    of them ten seconds before openpyxl starts; a tag in a comment counts too, which only a
    crafted file has."""
    count = 0
    tail = b""
    with archive.open(name) as stream:
        while chunk := stream.read(1 << 20):
            text = tail + chunk
            cut = text.rfind(b"<")  # a tag may go on in the next chunk
            cut = len(text) if cut == -1 else cut
            count += len(tags.findall(text, 0, cut))
            if count > limit:
                break
            tail = text[cut:]
    return count + len(tags.findall(tail))


def _dimension_fits(plan: WorkbookPlan, sheet: str, ref: str, limits: dict[str, int]) -> bool:
    try:
        _c1, _r1, columns, rows = range_boundaries(ref.upper().split(":")[-1])
    except (ValueError, TypeError):
        return True  # openpyxl refuses it when it opens the workbook
    if rows is not None and rows > limits["rows"]:
        return _too_many_rows(plan, sheet, limits["rows"])
    if columns is not None and columns > limits["columns"]:
        return _too_many_columns(plan, sheet, limits["columns"])
    return True


def _unopenable(plan: WorkbookPlan) -> bool:
    plan.refuse(_("The file could not be opened as an Excel workbook (.xlsx)."))
    return False


def _unreadable(plan: WorkbookPlan, sheet: str) -> bool:
    plan.problems.append(
        Problem(
            sheet,
            None,
            "",
            _(
                "The sheet %(name)s could not be read: the file is damaged. Open it in the "
                "spreadsheet program, save it again as an Excel workbook (.xlsx) and upload "
                "it again."
            )
            % {"name": sheet},
        )
    )
    return False


def _too_many_rows(plan: WorkbookPlan, sheet: str, limit: int) -> bool:
    plan.problems.append(
        Problem(
            sheet,
            None,
            "",
            _(
                "The sheet %(name)s has more than %(limit)s rows, more than a workbook may "
                "hold: split it into smaller workbooks."
            )
            % {"name": sheet, "limit": f"{limit:,}"},
        )
    )
    return False


def _too_many_columns(plan: WorkbookPlan, sheet: str, limit: int) -> bool:
    plan.problems.append(
        Problem(
            sheet,
            None,
            "",
            _(
                "The sheet %(name)s has a cell beyond its column %(limit)s, more columns than "
                "a workbook may hold: delete the columns after the last one in use and save "
                "it again."
            )
            % {"name": sheet, "limit": f"{limit:,}"},
        )
    )
    return False


def _too_many_styles(plan: WorkbookPlan, limit: int) -> bool:
    plan.refuse(
        _(
            "The workbook defines more than %(limit)s cell styles, more than a workbook may "
            "hold: copy its sheets into a new workbook, as values, and upload that one."
        )
        % {"limit": f"{limit:,}"}
    )
    return False


def _too_many_strings(plan: WorkbookPlan, limit: int) -> bool:
    plan.refuse(
        _(
            "The workbook holds more than %(limit)s different texts, more than a workbook "
            "may hold: split it into smaller workbooks."
        )
        % {"limit": f"{limit:,}"}
    )
    return False


# -- the format in words (the workbook pages) ---------------------------------------------


@dataclass(frozen=True)
class ColumnHelp:
    code: str
    label: str
    note: str
    required: bool


@dataclass(frozen=True)
class SheetHelp:
    code: str
    label: str
    columns: tuple[ColumnHelp, ...]


def sheets_in_words(
    sheets: dict[str, tuple[Any, ...]], sheet_labels: dict[str, Any], column_labels: dict[str, Any]
) -> list[SheetHelp]:
    """A workbook's sheets and columns as its page explains them: each by its name in the
    reader's language and what it holds, with the code the file uses beside it."""
    return [
        SheetHelp(
            code=sheet,
            label=str(sheet_labels.get(sheet, sheet)),
            columns=tuple(
                ColumnHelp(
                    code=c.name,
                    label=str(column_labels.get(c.name, c.name)),
                    note=str(c.note),
                    required=c.required,
                )
                for c in columns
            ),
        )
        for sheet, columns in sheets.items()
    ]
