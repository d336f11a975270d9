"""The progress sheet: a key project's monthly progress report (调度), with the problem it
raises, if any."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..columns import PROGRESS
from .book import SheetReader
from .rows import ProgressRow


class ProgressReader(SheetReader):
    def read_row(self, number: int, parsed: dict, errors: bool) -> None:
        sheet = PROGRESS
        ok = self.book.required(sheet, number, parsed, "project", "month", "completed_investment")
        ok = ok and not errors
        key = self.book.project_key(sheet, number, parsed.get("project") or "")
        month = parsed.get("month")
        if month is not None and month[1] != month[2]:
            self.book.add(
                sheet, number, "month", _("A progress report is for one month, as 2017-08.")
            )
            ok = False
        completed = parsed.get("completed_investment")
        if completed is not None and completed < 0:
            self.book.add(sheet, number, "completed_investment", _("An amount cannot be negative."))
            ok = False
        issue = None
        problem_columns = ("problem_kind", "problem", "solver_department", "due_on")
        if any(parsed.get(c) not in (None, "") or c in self.book.refused for c in problem_columns):
            if not self.book.required(sheet, number, parsed, *problem_columns):
                ok = False
            solver = None
            if code := parsed.get("solver_department"):
                solver = self.book.department(sheet, number, "solver_department", code)
                ok = ok and solver is not None
            if ok:
                issue = (parsed["problem_kind"], parsed["problem"], solver, parsed["due_on"])
        if not ok or key is None:
            return
        written, month_key = month[0], month[1]
        image = parsed.get("image_progress") or ""
        first = self.book.seen[sheet].setdefault((key, month_key), (number, completed, image))
        if first[0] != number:
            if first[1] != completed:
                self.book.add(
                    sheet,
                    number,
                    "completed_investment",
                    _("Row %(row)s gives another completed investment for this project and month.")
                    % {"row": first[0]},
                )
                return
            if image and first[2] and image != first[2]:
                self.book.add(
                    sheet,
                    number,
                    "image_progress",
                    _("Row %(row)s gives another image progress for this project and month.")
                    % {"row": first[0]},
                )
                return
            image = image or first[2]
        issue_key = (key, month_key, (*issue[:2], issue[2].pk, issue[3]) if issue else None)
        message = _("Row %(row)s already has this project, month and problem.")
        if self.book.duplicate(issue_key, sheet, number, "problem" if issue else "month", message):
            return
        self.book.plan.progress.append(
            ProgressRow(number, key, written, month_key, completed, image, issue)
        )
