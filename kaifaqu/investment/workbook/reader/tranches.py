"""The tranches sheet: funds a project received, new or stored (by the tranche's id)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ...models import FundTranche
from ..columns import TRANCHES
from .book import SheetReader
from .rows import TrancheRow


class TranchesReader(SheetReader):
    stored_tranches: dict[int, FundTranche]

    def load(self, rows: list[dict]) -> None:
        super().load(rows)
        ids = {r["id"] for r in rows if r.get("id")}
        self.stored_tranches = {t.pk: t for t in FundTranche.objects.filter(pk__in=ids)}

    def read_row(self, number: int, parsed: dict, errors: bool) -> None:
        sheet = TRANCHES
        ok = self.book.required(sheet, number, parsed, "project", "date", "amount") and not errors
        key = self.book.project_key(sheet, number, parsed.get("project") or "")
        tranche = None
        if tranche_id := parsed.get("id"):
            message = _("The tranche %(id)s is already on row %(row)s.")
            if self.book.duplicate(tranche_id, sheet, number, "id", message, id=tranche_id):
                return
            tranche = self.stored_tranches.get(tranche_id)
            if tranche is None:
                message = _("No funds tranche number %(id)s in the ledger.")
                self.book.add(sheet, number, "id", message % {"id": tranche_id})
                ok = False
            elif key is not None and key != ("n", tranche.project_id):
                message = _(
                    "Tranche %(id)s is funds received by project %(project)s, not this one."
                )
                params = {"id": tranche_id, "project": tranche.project_id}
                self.book.add(sheet, number, "id", message % params)
                ok = False
        amount = parsed.get("amount")
        if amount is not None and amount <= 0:
            self.book.add(sheet, number, "amount", _("The amount must be more than 0."))
            ok = False
        if not ok or key is None:
            return
        has_voucher = self.book.plan.has_column(sheet, "voucher")
        self.book.plan.tranches.append(
            TrancheRow(
                row=number,
                project=key,
                tranche=tranche,
                on=parsed["date"],
                amount=amount,
                capital=parsed.get("capital") or "",
                voucher=parsed.get("voucher") or ("" if has_voucher else None),
            )
        )
