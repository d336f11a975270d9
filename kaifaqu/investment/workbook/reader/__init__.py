"""Reading an investment workbook into a plan: every cell and every row checked against the
ledger, every problem collected, nothing written.

The file checks (size, zip, macros, expansion) and the reading of rows and cells are the
statistics workbook's; what is checked here is what the investment ledgers need: known codes,
credit codes with their check characters, duplicates of the ledger's projects and within the
file, and the moves a row's stage and dates make, each with its evidence. A reader per sheet
(``projects``, ``tranches``, ``plans``, ``progress``) shares one ``Book``: the plan, the
ledger's rows looked up and the projects the projects sheet names.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kaifaqu.core.numbers import active_lang, join_list
from kaifaqu.stats.workbook.files import name_of, open_workbook
from kaifaqu.stats.workbook.rows import sheet_rows

from ..cells import read_cell
from ..columns import PLANS, PROGRESS, PROJECTS, SHEET_NAMES, SHEETS, TRANCHES
from .book import Book, SheetReader
from .plans import PlansReader
from .progress import ProgressReader
from .projects import ProjectsReader
from .rows import Plan, PlanRow, ProgressRow, ProjectKey, ProjectRow, TrancheRow
from .tranches import TranchesReader

READERS: dict[str, type[SheetReader]] = {
    PROJECTS: ProjectsReader,
    TRANCHES: TranchesReader,
    PLANS: PlansReader,
    PROGRESS: ProgressReader,
}


def read_workbook(file, *, name: str | None = None) -> Plan:
    """Check an investment workbook (a path, bytes or a file object) and plan its import.

    Nothing is written; every problem found is in ``plan.problems``.
    """
    plan = Plan(filename=name or name_of(file))
    workbook = open_workbook(
        file,
        plan,
        too_expanded=_(
            "The workbook would expand to more than %(limit)s when opened; no investment "
            "workbook is that large, so it is refused."
        ),
    )
    if workbook is None:
        return plan
    try:
        _read_sheets(Book(plan), workbook)
    finally:
        workbook.close()
    plan.refuse_if_empty(SHEET_NAMES)
    return plan


def _read_sheets(book: Book, workbook) -> None:
    plan = book.plan
    present = [n for n in workbook.sheetnames if n in SHEETS]
    for name in workbook.sheetnames:
        if name not in SHEETS:
            plan.add(
                name,
                None,
                "",
                _("Unknown sheet %(name)s: the sheets of a workbook are %(names)s.")
                % {"name": name, "names": join_list(SHEET_NAMES, lang=active_lang())},
            )
    if not present:
        plan.refuse(
            _("The workbook has none of the sheets %(names)s.")
            % {"names": join_list(SHEET_NAMES, lang=active_lang())}
        )
        return
    # Projects first, whatever the order of the tabs: the other sheets name them.
    for sheet in SHEET_NAMES:
        if sheet not in present:
            continue
        rows = list(sheet_rows(plan, workbook[sheet], sheet, SHEETS[sheet], read_cell))
        reader = READERS[sheet](book)
        reader.load([parsed for _n, parsed, _r in rows])
        for number, parsed, refused in rows:
            book.refused = refused
            reader.read_row(number, parsed, bool(refused))


__all__ = [
    "READERS",
    "Book",
    "Plan",
    "PlanRow",
    "ProgressRow",
    "ProjectKey",
    "ProjectRow",
    "SheetReader",
    "TrancheRow",
    "read_workbook",
]
