"""Reads of consultations: the staff inbox (overdue first), one consultation for staff or
for its visitor, the thread, routes, and contact details masked unless the user may see
them (an unmasked view is audited, one row per page or list)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from kaifaqu.core import audit
from kaifaqu.core.models import AuditAction
from kaifaqu.enterprises.contacts import Contact, can_see_contacts, masked
from kaifaqu.orgs.models import Department
from kaifaqu.orgs.selectors import scoped

from .models import Attachment, Consultation, Message, Route, Status, Visitor

#: The department that keeps consultations when no route names one: the 招商局.
KEEPER_CODE = "investment"


def keeping_department() -> Department | None:
    return Department.objects.filter(code=KEEPER_CODE).first()


def consultation_department_ids() -> frozenset[int]:
    """The departments that keep consultations: the 招商局 and any a route names."""
    return frozenset(
        Department.objects.filter(
            Q(code=KEEPER_CODE) | Q(pk__in=Route.objects.values("department_id"))
        ).values_list("pk", flat=True)
    )


CONTACT_FIELDS = ("name", "phone", "email")


def visitor_of(user) -> Visitor | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.visitor
    except Visitor.DoesNotExist:
        return None


def _base() -> QuerySet[Consultation]:
    return Consultation.objects.select_related("officer", "visitor", "lead", "department")


def inbox(
    user,
    *,
    status: str = "",
    category: str = "",
    channel: str = "",
    q: str = "",
    overdue_only: bool = False,
) -> QuerySet[Consultation]:
    """The consultations of the departments the user reads: overdue ones (no first reply, due
    passed) first, then the unanswered by their deadline, then the rest newest first."""
    now = timezone.now()
    waiting = Q(first_replied_at__isnull=True) & ~Q(status=Status.CLOSED)
    qs = scoped(user, _base()).annotate(
        urgency=Case(
            When(waiting & Q(due_at__lt=now), then=Value(0)),
            When(waiting, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    )
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if channel:
        qs = qs.filter(channel=channel)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(name__icontains=q)
            | Q(organisation__icontains=q)
            | Q(question__icontains=q)
        )
    if overdue_only:
        qs = qs.filter(urgency=0)
    waiting_due = Case(When(urgency__lt=2, then=F("due_at")), default=Value(None))
    return qs.order_by("urgency", waiting_due.asc(nulls_last=True), "-received_at", "-pk")


def consultation_for_staff(user, pk) -> Consultation:
    consultation = scoped(user, _base()).filter(pk=pk).first()
    if consultation is None:
        raise Http404
    return consultation


def consultations_of(visitor: Visitor | None) -> QuerySet[Consultation]:
    if visitor is None:
        return Consultation.objects.none()
    return visitor.consultations.select_related("officer").order_by("-received_at", "-pk")


def consultation_for_visitor(user, pk) -> Consultation:
    visitor = visitor_of(user)
    consultation = consultations_of(visitor).filter(pk=pk).first()
    if consultation is None:
        raise Http404
    return consultation


def thread(consultation: Consultation) -> list[Message]:
    """The messages after the question, oldest first, with their authors and files."""
    return list(
        consultation.messages.select_related("author").prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk"))
        )
    )


def question_attachments(consultation: Consultation) -> QuerySet[Attachment]:
    """The files sent with the question itself (not with a later message)."""
    return consultation.attachments.filter(message__isnull=True)


def attachment_for_staff(user, pk) -> Attachment:
    attachment = (
        Attachment.objects.select_related("consultation")
        .filter(pk=pk, consultation__in=scoped(user, Consultation.objects.all()))
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def attachment_for_visitor(user, pk) -> Attachment:
    visitor = visitor_of(user)
    attachment = (
        Attachment.objects.filter(pk=pk, consultation__visitor=visitor).first() if visitor else None
    )
    if attachment is None:
        raise Http404
    return attachment


def routes() -> QuerySet[Route]:
    return Route.objects.select_related("officer", "department").order_by("category")


# --- contact details --------------------------------------------------------------------


def _has_any(consultation: Consultation) -> bool:
    return any(getattr(consultation, f) for f in CONTACT_FIELDS)


def contacts_for(
    user, consultations: Iterable[Consultation], *, purpose: str
) -> dict[int, Contact]:
    """Consultation id → the asker's name, phone and email as this user may see them: masked
    (张*, 138****5678, z***@example.com) unless the user holds ``enterprises.view_contact``;
    an unmasked list is one audit row naming the consultations and the purpose."""
    consultations = [c for c in consultations if c is not None]
    if not can_see_contacts(user):
        return {c.pk: masked(c.name, c.phone, c.email) for c in consultations}
    shown = {c.pk: Contact(c.name, c.phone, c.email, masked=False) for c in consultations}
    disclosed = sorted({c.pk for c in consultations if _has_any(c)})
    if disclosed:
        first = next(c for c in consultations if c.pk == disclosed[0])
        one = len(disclosed) == 1
        audit.record(
            AuditAction.VIEW_SENSITIVE,
            actor=user,
            obj=first if one else None,
            object_type="consultations.consultation",
            object_id=str(disclosed[0]) if one else "",
            object_repr=str(first) if one else f"{len(disclosed)} consultations",
            after={"fields": list(CONTACT_FIELDS), "consultations": disclosed, "purpose": purpose},
        )
    return shown


def contact_for(user, consultation: Consultation, *, purpose: str) -> Contact:
    return contacts_for(user, [consultation], purpose=purpose)[consultation.pk]
