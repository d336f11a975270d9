"""Consultations on the dashboard (registered with core.dashboard): those whose first reply
is overdue, in the departments the user reads, linked to the inbox showing only them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from kaifaqu.core import dashboard

from . import selectors
from .navigation import reads_consultations


def waiting(user: Any) -> list[dashboard.WaitingItem]:
    overdue = selectors.inbox(user, overdue_only=True).count()
    return [
        dashboard.WaitingItem(
            "consultations_overdue",
            ngettext(
                "%(n)d consultation is waiting past its reply date",
                "%(n)d consultations are waiting past their reply date",
                overdue,
            )
            % {"n": overdue},
            overdue,
            f"{reverse('consultations:inbox')}?overdue=on",
            "danger",
        )
    ]


dashboard.register_waiting("consultations", waiting, allowed=reads_consultations, order=10)
