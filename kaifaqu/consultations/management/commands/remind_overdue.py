from typing import Any

from django.core.management.base import BaseCommand

from kaifaqu.consultations.services import remind_overdue


class Command(BaseCommand):
    help = (
        "Remind the officers of consultations past their first-reply deadline and escalate "
        "those still unanswered KAIFAQU_CONSULT_ESCALATION_WORKING_DAYS working days later "
        "(beat runs this every KAIFAQU_CONSULT_REMIND_EVERY seconds; each is sent once)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = remind_overdue()
        self.stdout.write(f"Reminded: {result.reminded}; escalated: {result.escalated}.")
