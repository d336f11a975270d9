from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kaifaqu.consultations.services import consultations_anonymise
from kaifaqu.core.context import acting


class Command(BaseCommand):
    help = (
        "Anonymise consultations with no activity for --days days (default "
        "KAIFAQU_ANONYMISE_AFTER_DAYS): name, organisation, phone and email are replaced, files "
        "deleted, the question and messages kept; visitors left with nothing are deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days, **options):
        days = settings.KAIFAQU_ANONYMISE_AFTER_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1.")
        cutoff = timezone.now() - timedelta(days=days)
        with acting(label="system:anonymise_consultations"):
            count = consultations_anonymise(actor=None, inactive_before=cutoff)
        self.stdout.write(
            f"Consultations anonymised: {count} (no activity since {cutoff:%Y-%m-%d %H:%M})."
        )
