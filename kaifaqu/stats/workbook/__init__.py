"""The statistics workbook (.xlsx): import and export of elements, org units, values, targets.

The format is documented in docs/statistics-workbook.md.
"""

from .columns import MAX_EXPANDED_BYTES, MAX_FILE_BYTES, SHEETS, Problem
from .importer import ImportResult, import_plan
from .sheets import Plan, read_workbook
from .writer import CONTENT_TYPE, export_workbook, template_workbook, workbook_export

__all__ = [
    "CONTENT_TYPE",
    "MAX_EXPANDED_BYTES",
    "MAX_FILE_BYTES",
    "SHEETS",
    "ImportResult",
    "Plan",
    "Problem",
    "export_workbook",
    "import_plan",
    "read_workbook",
    "template_workbook",
    "workbook_export",
]
