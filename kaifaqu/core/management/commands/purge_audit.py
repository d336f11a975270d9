from datetime import date, datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kaifaqu.core import audit


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--before {text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Delete the audit rows older than KAIFAQU_AUDIT_RETENTION_DAYS (180 at least), or "
        "than --before if that is earlier; the purge writes its own audit row and anchors "
        "the head. Run it as the database role that owns the tables (docs/deploy.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--before",
            type=_day,
            help="delete rows older than the start of this day (YYYY-MM-DD, local time); "
            "no later than today minus the retention",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day: date | None = options["before"]
        before = None if day is None else timezone.make_aware(datetime.combine(day, time.min))
        try:
            result = audit.purge(before=before)
        except audit.PurgeRefused as refused:
            raise CommandError(f"Refused: {refused}.") from None
        cutoff = f"{timezone.localtime(result.cutoff):%Y-%m-%d %H:%M:%S %z}"
        if result.entry is None:
            self.stdout.write(f"No audit row older than {cutoff}: nothing deleted.")
            return
        audit.anchor_head()
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {result.entries} audit rows (up to #{result.through_seq}) and "
                f"{result.changes} change rows older than {cutoff}; recorded as row "
                f"#{result.entry.seq}."
            )
        )
