"""Investors' contact details, masked for whoever may not see them; every unmasked view audited.

Pages, exports and the API call ``contacts_for`` (or ``contact_for`` for one enterprise) and
show what it returns; nothing else reads the contact fields for display. A user holding
``enterprises.view_contact`` gets the details as stored and one audit row (action
``view_sensitive``) names the enterprises shown and why; everyone else gets them masked
(张*, 138****5678, z***@example.com) and no audit row, since nothing was disclosed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kaifaqu.core import audit
from kaifaqu.core.models import AuditAction

CONTACT_FIELDS = ("contact_person", "phone", "email")
CONTACT_PERMISSION = "enterprises.view_contact"
MASK = "*"


def can_see_contacts(user) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_perm(CONTACT_PERMISSION)
    )


def mask_person(name: str) -> str:
    """张三丰 → 张**: the family name stays, so a caller can still say 张先生."""
    name = (name or "").strip()
    return name[:1] + MASK * (len(name) - 1) if len(name) > 1 else (MASK if name else "")


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; a short number keeps its last two digits only."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) >= 11:
        return phone[:3] + MASK * (len(phone) - 7) + phone[-4:]
    return MASK * max(len(phone) - 2, 1) + phone[-2:]


def mask_email(email: str) -> str:
    """zhang@example.com → z***@example.com."""
    email = (email or "").strip()
    if not email:
        return ""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}{MASK * 3}@{domain}" if domain else MASK * 3


@dataclass(frozen=True)
class Contact:
    contact_person: str
    phone: str
    email: str
    masked: bool


def masked(person: str, phone: str, email: str) -> Contact:
    """A person's contact details as shown to whoever may not see them (nothing audited)."""
    return Contact(mask_person(person), mask_phone(phone), mask_email(email), masked=True)


def _masked(enterprise) -> Contact:
    return masked(enterprise.contact_person, enterprise.phone, enterprise.email)


def _plain(enterprise) -> Contact:
    return Contact(enterprise.contact_person, enterprise.phone, enterprise.email, masked=False)


def _has_any(enterprise) -> bool:
    return any(getattr(enterprise, f) for f in CONTACT_FIELDS)


def contacts_for(user, enterprises: Iterable, *, purpose: str) -> dict[int, Contact]:
    """Enterprise id → its contact details as this user may see them.

    ``purpose`` says where they are shown ("project page", "export of projects", …) and goes
    into the audit row of an unmasked view. One row covers the whole batch.
    """
    enterprises = [e for e in enterprises if e is not None]
    if not can_see_contacts(user):
        return {e.pk: _masked(e) for e in enterprises}
    shown = {e.pk: _plain(e) for e in enterprises}
    disclosed = sorted({e.pk for e in enterprises if _has_any(e)})
    if disclosed:
        first = next(e for e in enterprises if e.pk == disclosed[0])
        audit.record(
            AuditAction.VIEW_SENSITIVE,
            actor=user,
            obj=first if len(disclosed) == 1 else None,
            object_type="enterprises.enterprise",
            object_id=str(disclosed[0]) if len(disclosed) == 1 else "",
            object_repr=str(first) if len(disclosed) == 1 else f"{len(disclosed)} enterprises",
            after={"fields": list(CONTACT_FIELDS), "enterprises": disclosed, "purpose": purpose},
        )
    return shown


def contact_for(user, enterprise, *, purpose: str) -> Contact:
    return contacts_for(user, [enterprise], purpose=purpose)[enterprise.pk]
