"""What the consultation pages share: who may open the inbox, finding a consultation the user
may read or change, and putting a service's refusal back on a form."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from kaifaqu.core import access
from kaifaqu.core.forms import mark_invalid, put_errors

from ..navigation import reads_consultations
from ..selectors import consultation_department_ids

__all__ = [
    "ConsultationsReadMixin",
    "consultation_department_ids",
    "mark_invalid",
    "put_errors",
    "reads_consultations",
]


def changes_consultations(user) -> bool:
    ids = access.editable_department_ids(user)
    if ids is None:
        return True
    return bool(ids) and not ids.isdisjoint(consultation_department_ids())


class ConsultationsReadMixin(LoginRequiredMixin):
    """Back-office pages of the consultations: for those who read them; others get 403,
    anonymous people the login page."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not reads_consultations(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ConsultationsChangeMixin(ConsultationsReadMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not changes_consultations(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
