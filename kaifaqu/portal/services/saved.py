"""What a visitor keeps in their personal space: policies and carriers on offer."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kaifaqu.carriers import selectors as carriers
from kaifaqu.core import audit
from kaifaqu.core.models import AuditAction

from ..models import Policy, PolicyStatus, SavedItem, SavedKind
from ..selectors import is_visitor


def _require_visitor(actor) -> None:
    if not is_visitor(actor):
        raise PermissionDenied(_("Only a visitor with a personal space saves items."))


def _target(kind: str, pk: int) -> dict:
    """The field and object a saved item points to; only what the public sees is saved."""
    if kind == SavedKind.POLICY:
        found = Policy.objects.filter(pk=pk, status=PolicyStatus.PUBLISHED).first()
        return {"policy": found} if found else {}
    if kind == SavedKind.LAND:
        found = carriers.land_on_offer().filter(pk=pk).first()
        return {"land_parcel": found} if found else {}
    if kind == SavedKind.UNIT:
        found = carriers.units_on_offer().filter(pk=pk).first()
        return {"building_unit": found} if found else {}
    return {}


@transaction.atomic
def saved_item_add(*, actor, kind: str, pk: int) -> SavedItem:
    """Save a published policy or a carrier on offer; saving it again returns the same item."""
    _require_visitor(actor)
    target = _target(kind, pk)
    if not target:
        raise ValidationError(_("This item is not available to save."))
    existing = SavedItem.objects.filter(user=actor, **target).first()
    if existing is not None:
        return existing
    item = SavedItem(user=actor, **target)
    item.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        # Two clicks at once: the other request saved it.
        return SavedItem.objects.get(user=actor, **target)
    audit.record(AuditAction.CREATE, actor=actor, obj=item, after=audit.snapshot(item))
    return item


@transaction.atomic
def saved_item_remove(*, actor, item: SavedItem) -> None:
    """Only the visitor who saved it removes it."""
    _require_visitor(actor)
    if item.user_id != actor.pk:
        raise PermissionDenied(_("This is not one of your saved items."))
    audit.record(AuditAction.DELETE, actor=actor, obj=item, before=audit.snapshot(item))
    item.delete()
