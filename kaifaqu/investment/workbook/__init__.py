"""The investment workbook (.xlsx): import and export of projects, funds received, key
projects' plans and progress reports.

The format is documented in docs/investment-workbook.md. The file checks, the
reading of cells, the problems and the safe writing of cells are the statistics workbook's.
"""

from .columns import SHEET_NAMES, SHEETS
from .importer import ImportResult, import_plan
from .reader import Plan, read_workbook
from .writer import CONTENT_TYPE, export_workbook, template_workbook, workbook_export

__all__ = [
    "CONTENT_TYPE",
    "SHEETS",
    "SHEET_NAMES",
    "ImportResult",
    "Plan",
    "export_workbook",
    "import_plan",
    "read_workbook",
    "template_workbook",
    "workbook_export",
]
