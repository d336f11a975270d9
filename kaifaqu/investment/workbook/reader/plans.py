"""The plans sheet: a key project's annual investment plan, one a project and year."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..columns import PLANS
from .book import SheetReader
from .rows import PlanRow


class PlansReader(SheetReader):
    def read_row(self, number: int, parsed: dict, errors: bool) -> None:
        sheet = PLANS
        ok = (
            self.book.required(sheet, number, parsed, "project", "year", "annual_plan")
            and not errors
        )
        key = self.book.project_key(sheet, number, parsed.get("project") or "")
        plan = parsed.get("annual_plan")
        if plan is not None and plan <= 0:
            self.book.add(sheet, number, "annual_plan", _("The amount must be more than 0."))
            ok = False
        if not ok or key is None:
            return
        message = _("Row %(row)s already has a plan for this project and year.")
        if self.book.duplicate((key, parsed["year"]), sheet, number, "year", message):
            return
        self.book.plan.plans.append(PlanRow(number, key, parsed["year"], plan))
