"""Importing the values sheet in sets: what a file of a million values needs.

One element at a time: the element's stored values read in one query, each row compared with
what is stored and checked in memory under the rules of ``value_save`` (``stats.value_rules``:
the fields; the actor's right to change the element's department, once; the model's field
rules over the set), the changes written in bulk inside the import's transaction, each
changed value's version bumped, and each change recorded in the import's change log
(``audit.ChangeLog``). Memory holds one element's values, whatever the size of the file.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kaifaqu.core import audit, bulk
from kaifaqu.core.access import require_change
from kaifaqu.core.periods import year_of
from kaifaqu.orgs.models import OrgUnit

from ..models import DataElement, DataValue
from ..value_rules import VALUE_FIELDS, check_values, value_fields
from .columns import VALUES
from .sheets import Plan, ValueRow

if TYPE_CHECKING:
    from .importer import ImportResult

Q6 = Decimal("0.000001")
Q4 = Decimal("0.0001")

#: What the import reads of a stored value, and what it writes when it changes one.
STORED_FIELDS = ("org_unit", "period", "month_from", "month_to", *VALUE_FIELDS, "version")
WRITTEN_FIELDS = [*VALUE_FIELDS, "entered_by", "version"]


class ValuesSheet:
    """The values part of the statistics import (``importer._Importer``)."""

    plan: Plan
    actor: Any
    result: ImportResult
    changes: audit.ChangeLog
    touched: set[tuple[int, int, int]]

    def _tick(self) -> None:
        raise NotImplementedError

    def _count(self, sheet: str, what: str) -> None:
        raise NotImplementedError

    def _fail(self, sheet: str, row: int, error: Exception) -> None:
        raise NotImplementedError

    def _orgs_for(self, codes: set[str]) -> dict[str, OrgUnit]:
        raise NotImplementedError

    def _elements_for(self, codes: set[str]) -> dict[str, DataElement]:
        raise NotImplementedError

    def _values(self) -> None:
        """The values in sets, one element at a time: the element's stored values read in one
        query, every row compared and checked in memory (rights once per element, the model's
        field rules over the set), the changes written in bulk and recorded in the import's
        change log. Memory holds one element's values, whatever the size of the file."""
        rows = self.plan.values
        if not rows:
            return
        elements = self._elements_for({r.element for r in rows})
        orgs = self._orgs_for({r.org for r in rows})
        by_element: dict[str, list[ValueRow]] = {}
        for row in rows:
            by_element.setdefault(row.element, []).append(row)
        has = {
            name: self.plan.has_column(VALUES, name)
            for name in ("status", "reported_growth_pct", "comparable_prior", "note")
        }
        refused: list[tuple[int, Exception]] = []
        for code, group in by_element.items():
            element = elements.get(code)
            if element is None:  # its element row failed, and says why
                for _row in group:
                    self._tick()
                continue
            refused.extend(self._element_values(element, group, orgs, has))
        # In the order of the rows, as a row-by-row import would have found them.
        for number, error in sorted(refused, key=lambda item: item[0]):
            self._fail(VALUES, number, error)

    def _element_values(
        self,
        element: DataElement,
        group: list[ValueRow],
        orgs: dict[str, OrgUnit],
        has: dict[str, bool],
    ) -> list[tuple[int, Exception]]:
        low, high = min(r.month_from for r in group), max(r.month_from for r in group)
        stored = DataValue.objects.filter(
            element=element, month_from__gte=low, month_from__lte=high
        ).only(*STORED_FIELDS)
        existing = {(v.org_unit_id, v.month_from, v.month_to): v for v in stored}
        user_id = self.actor.pk if self.actor is not None and self.actor.is_authenticated else None
        now = timezone.now()
        refused: list[tuple[int, Exception]] = []
        #: (row, the value to write, what it held before: None for a new one)
        changes: list[tuple[ValueRow, DataValue, dict[str, Any] | None]] = []
        for row in group:
            self._tick()
            org = orgs.get(row.org)
            if org is None:
                continue  # its org unit row failed, and says why
            current = existing.get((org.pk, row.month_from, row.month_to))

            def kept(name: str, new: Any, default: Any, current: DataValue | None = current) -> Any:
                return new if has[name] else (getattr(current, name) if current else default)

            desired = {
                "value": row.value,
                "status": kept("status", row.status, "final"),
                "reported_growth_pct": kept("reported_growth_pct", row.reported_growth_pct, None),
                "comparable_prior": kept("comparable_prior", row.comparable_prior, None),
                "source": row.note if has["note"] else (current.source if current else ""),
            }
            if current is not None and _same_value(current, desired):
                self._count(VALUES, "unchanged")
                continue
            try:
                fields = value_fields(**desired)
            except ValidationError as error:
                refused.append((row.row, error))
                continue
            if current is None:
                value = DataValue(
                    element_id=element.pk,
                    org_unit_id=org.pk,
                    period=row.period,
                    month_from=row.month_from,
                    month_to=row.month_to,
                    entered_by_id=user_id,
                    entered_at=now,
                    **fields,
                )
                changes.append((row, value, None))
            else:
                before: dict[str, Any] | None = _stored(current)
                for name, new in fields.items():
                    setattr(current, name, new)
                current.entered_by_id = user_id
                current.version += 1
                changes.append((row, current, before))
        if not changes:
            return refused
        try:
            require_change(self.actor, element.department_id)
        except PermissionDenied as error:
            return refused + [(row.row, error) for row, _value, _before in changes]
        invalid = check_values([value for _row, value, _before in changes])
        refused.extend((changes[i][0].row, error) for i, error in invalid.items())
        changes = [change for i, change in enumerate(changes) if i not in invalid]
        if refused or self.result.problems:
            return refused  # nothing is kept: no need to write what will be rolled back
        try:
            with transaction.atomic():
                created = [value for _row, value, before in changes if before is None]
                bulk.insert_many(DataValue, created)
                bulk.update_many(
                    DataValue,
                    [value for _row, value, before in changes if before is not None],
                    WRITTEN_FIELDS,
                )
        except IntegrityError as error:  # written meanwhile by someone else
            return [(changes[0][0].row, error)]
        if created and self.changes.write:  # the change log names each new value by its id
            ids = {
                (org_id, first, last): pk
                for pk, org_id, first, last in stored.values_list(
                    "pk", "org_unit_id", "month_from", "month_to"
                )
            }
            for value in created:
                value.pk = ids[(value.org_unit_id, value.month_from, value.month_to)]
        for row, value, before in changes:
            self._count(VALUES, "created" if before is None else "updated")
            self.touched.add((element.pk, value.org_unit_id, year_of(row.month_from)))
            self.changes.add(
                object_type="stats.datavalue",
                object_id=value.pk,
                object_repr=f"{element.code} · {row.org} · {row.period}",
                before=before,
                after=_stored(value),
            )
        return refused


def quantized(value: Decimal | None, quantum: Decimal) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(quantum)


def _same_value(current: DataValue, desired: dict[str, Any]) -> bool:
    return (
        quantized(current.value, Q6) == quantized(desired["value"], Q6)
        and current.status == desired["status"]
        and quantized(current.reported_growth_pct, Q4)
        == quantized(desired["reported_growth_pct"], Q4)
        and quantized(current.comparable_prior, Q6) == quantized(desired["comparable_prior"], Q6)
        and current.source == desired["source"]
    )


def _text(value: Decimal | None, quantum: Decimal) -> str | None:
    return None if value is None else str(Decimal(value).quantize(quantum))


def _stored(value: DataValue) -> dict[str, Any]:
    """A value's stated fields and version as the change log keeps them (numbers as text, to
    the places the database keeps)."""
    return {
        "value": _text(value.value, Q6),
        "status": value.status,
        "reported_growth_pct": _text(value.reported_growth_pct, Q4),
        "comparable_prior": _text(value.comparable_prior, Q6),
        "source": value.source,
        "version": value.version,
    }
