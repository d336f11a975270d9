from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kaifaqu.core.audit import verify_anchors, verify_chain
from kaifaqu.core.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Recompute the audit log's hash chain, name the first row that does not match, and "
        "compare the log's end with the last anchored head."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify_chain()
        if broken is not None:
            raise CommandError(f"Audit chain broken at {broken}")
        shortened = verify_anchors()
        if shortened is not None:
            raise CommandError(f"Audit log shortened at {shortened}")
        count = AuditEntry.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit chain verified: {count} rows intact."))
