from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from kaifaqu.core.context import acting
from kaifaqu.core.files import disk_problem, write_file_atomically
from kaifaqu.stats.workbook import workbook_export
from kaifaqu.stats.workbook.selectors import orgunits_by_code


class Command(BaseCommand):
    help = (
        "Export the statistics catalogue, org units, values and targets as a workbook (.xlsx) "
        "that import_workbook reads back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
        parser.add_argument(
            "--org",
            action="append",
            default=[],
            metavar="CODE",
            help="only this org unit and the units under it (repeat for several)",
        )
        parser.add_argument("--user", help="export what this user may read (default: everything)")

    def handle(
        self, *args: Any, output: str, org: list[str], user: str | None, **options: Any
    ) -> None:
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(_("There is no active user %(name)s.") % {"name": user})
        orgs = orgunits_by_code(org)
        unknown = sorted(set(org) - set(orgs))
        if unknown:
            raise CommandError(_("Unknown org unit %(code)s.") % {"code": ", ".join(unknown)})
        # The file written, then committed with its audit row: a failed write (a full disk)
        # leaves neither the file nor a row claiming the export.
        try:
            with transaction.atomic(), acting(label="system:export_workbook"):
                data, counts = workbook_export(actor=actor, orgs=list(orgs.values()) or None)
                write_file_atomically(output, data)
        except OSError as error:
            raise CommandError(disk_problem(error, output)) from error
        self.stdout.write(
            _("Wrote %(file)s: %(counts)s.")
            % {"file": output, "counts": ", ".join(f"{k} {v}" for k, v in counts.items())}
        )
