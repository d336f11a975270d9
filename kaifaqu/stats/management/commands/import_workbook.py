from typing import Any

from kaifaqu.stats.workbook import ImportResult, Plan, import_plan, read_workbook
from kaifaqu.stats.workbook.command import WorkbookImportCommand


class Command(WorkbookImportCommand[Plan]):
    help = (
        "Import a statistics workbook (.xlsx). Every cell is checked first; any problem is "
        "printed as sheet!CELL: message and nothing is written."
    )
    name = "import_workbook"

    def read(self, file: str) -> Plan:
        return read_workbook(file)

    def import_plan(self, plan: Plan, **kwargs: Any) -> ImportResult:
        return import_plan(plan, **kwargs)
