"""The first-reply deadline's follow-up, run by beat (``consultations.remind_overdue``).

A consultation still without a first reply when its deadline passes gets one reminder to
its officer (or, with none assigned, to its department's editors); one still unanswered
``KAIFAQU_CONSULT_ESCALATION_WORKING_DAYS`` working days after the deadline is escalated
once to the zone administrators and the department's editors. Each is written to the outbox
in the transaction that records it on the consultation (``reminded_at``, ``escalated_at``)
and in the audit log, so a run repeated, or two workers at once, send nothing twice; a
recipient without an e-mail address is skipped (the dashboard lists the overdue anyway).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kaifaqu.core import audit
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.roles import Role
from kaifaqu.core.selectors import role_holders
from kaifaqu.orgs.selectors import department_editors

from ..models import Consultation, OutboxChannel, Status
from ..outbox import outbox_enqueue
from ..workdays import add_working_days
from ._common import site_url


@dataclass(frozen=True)
class FollowUp:
    reminded: int
    escalated: int


def _inbox_url(consultation: Consultation) -> str:
    return site_url(f"/backoffice/consultations/{consultation.pk}/")


def _send(recipients: list[User], subject: str, body: str, consultation: Consultation) -> int:
    sent = 0
    for address in sorted({u.email for u in recipients if u.email}):
        outbox_enqueue(
            channel=OutboxChannel.EMAIL,
            recipient=address,
            subject=subject,
            body=body,
            consultation=consultation,
        )
        sent += 1
    return sent


def _waiting() -> QuerySet[Consultation]:
    return Consultation.objects.filter(first_replied_at__isnull=True).exclude(status=Status.CLOSED)


def _reminder(consultation: Consultation) -> tuple[list[User], str, str]:
    """To the officer (or, with none, the department's editors): who, subject, text."""
    recipients = (
        [consultation.officer]
        if consultation.officer is not None and consultation.officer.is_active
        else list(department_editors([consultation.department_id]))
    )
    values = {"number": consultation.number, "url": _inbox_url(consultation)}
    subject = _("Consultation %(number)s is past its first-reply deadline") % values
    body = (
        _("Consultation %(number)s has had no first reply by its deadline. Answer it here: %(url)s")
        % values
    )
    return recipients, subject, body


def _escalation(consultation: Consultation) -> tuple[list[User], str, str]:
    """To the zone administrators and the department's editors: who, subject, text."""
    recipients = [
        *role_holders(Role.ZONE_ADMIN),
        *department_editors([consultation.department_id]),
    ]
    values = {
        "number": consultation.number,
        "days": settings.KAIFAQU_CONSULT_ESCALATION_WORKING_DAYS,
        "url": _inbox_url(consultation),
    }
    subject = _("Escalated: consultation %(number)s still has no reply") % values
    body = (
        _(
            "Consultation %(number)s is still without a first reply %(days)d working "
            "days after its deadline. See it here: %(url)s"
        )
        % values
    )
    return recipients, subject, body


Message = Callable[[Consultation], tuple[list[User], str, str]]


def _follow_up(pk: int, now: datetime, mark: str, message: Message) -> bool:
    """Send one follow-up of a consultation still unanswered and not yet followed up this
    way (``mark``: the field that records it), and record it; False when there is none."""
    consultation = (
        Consultation.objects.select_for_update()
        .filter(pk=pk, first_replied_at__isnull=True, **{f"{mark}__isnull": True})
        .first()
    )
    if consultation is None:
        return False
    with override(settings.LANGUAGE_CODE):
        recipients, subject, body = message(consultation)
        sent = _send(recipients, subject, body, consultation)
    setattr(consultation, mark, now)
    consultation.save(update_fields=[mark])
    audit.record(
        AuditAction.UPDATE,
        actor=None,
        obj=consultation,
        after={mark: now.isoformat(), "messages": sent},
    )
    return True


def remind_overdue(*, now: datetime | None = None) -> FollowUp:
    """Remind and escalate what is due now; each consultation in its own transaction."""
    now = now or timezone.now()
    reminded = escalated = 0
    due = _waiting().filter(reminded_at__isnull=True, due_at__lt=now)
    for pk in list(due.order_by("due_at", "pk").values_list("pk", flat=True)):
        with transaction.atomic():
            reminded += _follow_up(pk, now, "reminded_at", _reminder)
    days = settings.KAIFAQU_CONSULT_ESCALATION_WORKING_DAYS
    late = _waiting().filter(escalated_at__isnull=True, due_at__lt=now)
    for pk, due_at in list(late.order_by("due_at", "pk").values_list("pk", "due_at")):
        if add_working_days(due_at, days) <= now:
            with transaction.atomic():
                escalated += _follow_up(pk, now, "escalated_at", _escalation)
    return FollowUp(reminded=reminded, escalated=escalated)
