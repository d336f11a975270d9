import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifaqu.core import backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database and the uploaded files, with a manifest, "
        "while the site runs: one .tar archive (or a directory) named with the time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="the folder the backup is written into (default: var/backups)",
        )
        parser.add_argument(
            "--format",
            choices=["tar", "dir"],
            default="tar",
            help="one .tar archive (default) or a directory",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"] or Path(settings.VAR_DIR) / "backups"
        started = time.monotonic()
        try:
            path = backup.backup(
                output_dir=output, as_tar=options["format"] == "tar", log=self.stdout.write
            )
        except backup.BackupError as exc:
            raise CommandError(f"Backup refused: {exc}") from exc
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Backup written in {elapsed:.1f} s: {path}"))
