from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaifaqu.core.context import acting
from kaifaqu.investment.workbook import import_plan, read_workbook
from kaifaqu.stats.management.commands.import_workbook import ProgressBar


class Command(BaseCommand):
    help = (
        "Import an investment workbook (.xlsx): projects, funds received, key projects' plans "
        "and progress reports. Every cell is checked first; any problem is printed as "
        "sheet!CELL: message and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count everything, write nothing"
        )
        parser.add_argument(
            "--user",
            help="import as this user, with their rights (default: the system, with all rights)",
        )

    def handle(self, *args, file, dry_run, user, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(_("There is no active user %(name)s.") % {"name": user})
        try:
            plan = read_workbook(file)
        except OSError as error:
            raise CommandError(str(error)) from None
        label = _("Checking") if dry_run else _("Importing")
        with acting(label="system:import_projects"):
            result = import_plan(
                plan, actor=actor, dry_run=dry_run, progress=ProgressBar(self.stderr, label)
            )
        for problem in result.problems:
            self.stderr.write(str(problem))
        if result.problems:
            count = len(result.problems)
            raise CommandError(
                ngettext(
                    "%(count)d problem: nothing was imported.",
                    "%(count)d problems: nothing was imported.",
                    count,
                )
                % {"count": count}
            )
        self.stdout.write(result.summary())
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported %(file)s.") % {"file": plan.filename}))
