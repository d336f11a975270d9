from kaifaqu.stats.workbook import import_plan, read_workbook
from kaifaqu.stats.workbook.command import WorkbookImportCommand


class Command(WorkbookImportCommand):
    help = (
        "Import a statistics workbook (.xlsx). Every cell is checked first; any problem is "
        "printed as sheet!CELL: message and nothing is written."
    )
    name = "import_workbook"

    def read(self, file):
        return read_workbook(file)

    def import_plan(self, plan, **kwargs):
        return import_plan(plan, **kwargs)
