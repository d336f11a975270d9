"""The inbox in the back office's navigation, for those who read the consultations (the
招商局's members, leaders, zone administrators). Who that is is decided here, and the pages
use the same predicate."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kaifaqu.core import access
from kaifaqu.core.navigation import NavEntry, register

from .selectors import consultation_department_ids

_CACHE = "_kaifaqu_consultation_departments"


def reads_consultations(user) -> bool:
    """Whether the user reads some department's consultations: leaders and zone
    administrators, and members of the 招商局 (or of a department a route names). Other
    departments and the three administrators do not; visitors hold no business role."""
    if not getattr(user, "is_authenticated", False):
        return False
    ids = access.readable_department_ids(user)
    if ids is None:
        return True
    if not ids:
        return False
    if not hasattr(user, _CACHE):
        setattr(user, _CACHE, consultation_department_ids())
    return not ids.isdisjoint(getattr(user, _CACHE))


register(
    NavEntry(
        "consultations",
        _("Consultations"),
        "consultations:inbox",
        "chat-left-text",
        255,
        reads_consultations,
    )
)
