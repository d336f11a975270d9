from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kaifaqu.core.audit import verify_chain
from kaifaqu.core.models import AuditEntry


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain and name the first row that does not match."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify_chain()
        if broken is not None:
            raise CommandError(f"Audit chain broken at {broken}")
        count = AuditEntry.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit chain verified: {count} rows intact."))
