from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kaifaqu.core.context import acting
from kaifaqu.orgs.models import Department
from kaifaqu.stats import services


class Command(BaseCommand):
    help = "Check the validation rules over every stored value and list what they find."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--department", metavar="CODE", help="only this department's rules")

    def handle(self, *args: Any, department: str | None, **options: Any) -> None:
        dept = None
        if department:
            dept = Department.objects.filter(code=department).first()
            if dept is None:
                raise CommandError(_("Unknown department %(code)s.") % {"code": department})
        with acting(label="system:check_rules"):
            violations = services.rules_run(actor=None, department=dept)
        for v in violations:
            self.stdout.write(
                f"{v.rule.get_importance_display()}\t{v.rule.name}\t{v.org_unit}\t{v.period}\t"
                f"{v.left_value.normalize():f} {v.rule.get_operator_display()} "
                f"{v.right_value.normalize():f}"
            )
        self.stdout.write(_("%(count)s rule violations.") % {"count": len(violations)})
