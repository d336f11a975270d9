"""The import commands of the workbooks (statistics, investment): a progress bar on stderr,
every problem printed as sheet!CELL: message, nothing written if there is one."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaifaqu.core.context import acting

from .files import WorkbookPlan

if TYPE_CHECKING:
    from .importer import ImportResult

#: The plan a workbook's reader makes and its importer takes.
PlanT = TypeVar("PlanT", bound=WorkbookPlan)


class ProgressBar:
    """A one-line bar on stderr, redrawn when the percentage moves."""

    def __init__(self, stream: OutputWrapper, label: str, width: int = 30) -> None:
        self.stream = stream
        self.label = label
        self.width = width
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if percent == self.shown and done < total:
            return
        self.shown = percent
        filled = self.width * done // total if total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        line = f"\r{self.label} [{bar}] {percent:3d}% {done}/{total}"
        self.stream.write(line + ("\n" if done >= total else ""), style_func=str, ending="")
        self.stream.flush()


class WorkbookImportCommand(BaseCommand, Generic[PlanT]):
    """A workbook's import command; a subclass names its reader, importer and command name."""

    name = ""

    def read(self, file: str) -> PlanT:
        raise NotImplementedError

    def import_plan(self, plan: PlanT, **kwargs: Any) -> ImportResult:
        raise NotImplementedError

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count everything, write nothing"
        )
        parser.add_argument(
            "--user",
            help="import as this user, with their rights (default: the system, with all rights)",
        )

    def handle(
        self, *args: Any, file: str, dry_run: bool, user: str | None, **options: Any
    ) -> None:
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(_("There is no active user %(name)s.") % {"name": user})
        try:
            plan = self.read(file)
        except OSError as error:
            raise CommandError(str(error)) from None
        label = _("Checking") if dry_run else _("Importing")
        with acting(label=f"system:{self.name}"):
            result = self.import_plan(
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
