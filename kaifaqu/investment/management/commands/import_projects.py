from kaifaqu.investment.workbook import import_plan, read_workbook
from kaifaqu.stats.workbook.command import WorkbookImportCommand


class Command(WorkbookImportCommand):
    help = (
        "Import an investment workbook (.xlsx): projects, funds received, key projects' plans "
        "and progress reports. Every cell is checked first; any problem is printed as "
        "sheet!CELL: message and nothing is written."
    )
    name = "import_projects"

    def read(self, file):
        return read_workbook(file)

    def import_plan(self, plan, **kwargs):
        return import_plan(plan, **kwargs)
