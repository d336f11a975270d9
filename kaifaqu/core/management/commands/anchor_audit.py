from typing import Any

from django.core.management.base import BaseCommand

from kaifaqu.core.audit import anchor_head


class Command(BaseCommand):
    help = (
        "Append the audit chain's head (time, last row, its hash, row count) to the "
        "append-only anchor file (KAIFAQU_AUDIT_ANCHOR_FILE) and to syslog if configured."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = anchor_head()
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit head anchored: row #{anchor['seq']}, {anchor['rows']} rows, "
                f"{anchor['hash']}."
            )
        )
