import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifaqu.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup (a .tar archive or a directory written by `kaifaqu backup`) into an "
        "empty database and verify it against its manifest; exits non-zero on any mismatch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the backup to restore")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            verdict = backup.restore(options["archive"], log=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(f"Restore refused: {exc}") from exc
        for check in verdict.checks:
            line = str(check)
            self.stdout.write(self.style.SUCCESS(line) if check.ok else self.style.ERROR(line))
        elapsed = time.monotonic() - started
        if not verdict.ok:
            failed = ", ".join(check.name for check in verdict.checks if not check.ok)
            raise CommandError(
                f"Restore FAILED verification ({failed}) after {elapsed:.1f} s: the database "
                "does not match the backup. Do not start the site on it; empty it before "
                "another restore."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Restore verified in {elapsed:.1f} s: the copy is whole.")
        )
