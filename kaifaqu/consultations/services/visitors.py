"""Visitors and their personal data: one-time sign-in links, their own changes, erasing
their data on request, and anonymising consultations nobody has touched for long."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core import audit
from kaifaqu.core.models import AuditAction, User
from kaifaqu.investment.services import leads_forget_contacts

from ..limits import RateLimited, check_submission, normalise_email, normalise_phone
from ..models import Attachment, Consultation, OutboxMessage, SignInLink, Visitor
from . import _checks
from ._common import (
    ANONYMISED,
    delete_files_on_commit,
    issue_sign_in_link,
    token_hash,
    visitor_by_contact,
)


@transaction.atomic
def sign_in_link_redeem(token: str) -> User | None:
    """The visitor's account for a one-time, unexpired link, or None. Following the link
    proves the contact it was sent to, which is marked verified; a link sent to a contact the
    visitor no longer has is refused."""
    if not token or len(token) > 200:
        return None
    # Lock the link only: PostgreSQL refuses to lock the nullable side of the outer join
    # to the visitor.
    link = (
        SignInLink.objects.select_for_update(of=("self",))
        .select_related("user__visitor")
        .filter(token_hash=token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if link is None or not link.user.is_active:
        return None
    visitor = getattr(link.user, "visitor", None)
    if visitor is None:
        return None
    now = timezone.now()
    link.used_at = now
    link.save(update_fields=["used_at"])
    if link.sent_to and link.sent_to == visitor.phone:
        visitor.phone_verified_at = visitor.phone_verified_at or now
    elif link.sent_to and link.sent_to.lower() == visitor.email.lower():
        visitor.email_verified_at = visitor.email_verified_at or now
    else:
        return None
    visitor.save(update_fields=["phone_verified_at", "email_verified_at"])
    return link.user


@transaction.atomic
def sign_in_link_request(*, contact: str) -> None:
    """Send a new link to this phone or email if a visitor has it. Silent either way (and when
    rate-limited), so the form tells nobody whether a contact has a personal space."""
    contact = (contact or "").strip()
    phone = normalise_phone(contact) if "@" not in contact else ""
    email = normalise_email(contact) if "@" in contact else ""
    if not (phone or email):
        return
    try:
        check_submission(client_address="", phone=phone, email=email)
    except RateLimited:
        return
    visitor, sent_to = visitor_by_contact(phone=phone, email=email)
    if visitor is not None and visitor.user.is_active:
        issue_sign_in_link(visitor, sent_to=sent_to)


def _own_visitor(actor) -> Visitor:
    visitor = Visitor.objects.select_for_update().filter(user_id=getattr(actor, "pk", None)).first()
    if visitor is None:
        raise PermissionDenied(_("Only a visitor signed in to their personal space may do this."))
    return visitor


@transaction.atomic
def visitor_update(*, actor, name: str, organisation: str, phone: str, email: str) -> Visitor:
    """The visitor changes their contact details; a changed phone or email is unverified
    until a sign-in link sent to it is followed."""
    visitor = _own_visitor(actor)
    errors: dict = {}
    values: dict = {}
    for field, check in (
        ("name", lambda: _checks.plain_text(name, "name", required=True, max_length=50)),
        (
            "organisation",
            lambda: _checks.plain_text(
                organisation, "organisation", required=False, max_length=200
            ),
        ),
        ("phone", lambda: _checks.clean_phone(phone)),
        ("email", lambda: _checks.clean_email(email)),
    ):
        try:
            values[field] = check()
        except ValidationError as error:
            errors.update(error.update_error_dict({}))
    if not errors and not (values["phone"] or values["email"]):
        errors["phone"] = [_("Give a phone number or an email address, so that we can answer.")]
    taken = Visitor.objects.exclude(pk=visitor.pk)
    if values.get("phone") and taken.filter(phone=values["phone"]).exists():
        errors["phone"] = [_("This phone number belongs to another personal space.")]
    if values.get("email") and taken.filter(email__iexact=values["email"]).exists():
        errors["email"] = [_("This email address belongs to another personal space.")]
    if errors:
        raise ValidationError(errors)
    changed = [f for f, v in values.items() if getattr(visitor, f) != v]
    if not changed:
        return visitor
    if "phone" in changed:
        visitor.phone_verified_at = None
    if "email" in changed:
        visitor.email_verified_at = None
    for field, value in values.items():
        setattr(visitor, field, value)
    visitor.full_clean(exclude=["user"])
    visitor.save()
    visitor.user.full_name = visitor.name[:100]
    visitor.user.save(update_fields=["full_name"])
    # Which fields changed, never their values: the log cannot be anonymised later.
    audit.record(AuditAction.UPDATE, actor=actor, obj=visitor, after={"changed": changed})
    return visitor


def _anonymise(consultations: list[Consultation], now: datetime) -> list[str]:
    """Blank the personal data of these consultations; their attachments' rows go now, their
    files when the transaction commits. Returns the names of the files."""
    ids = [c.pk for c in consultations]
    Consultation.objects.filter(pk__in=ids).update(
        name=ANONYMISED, organisation="", phone="", email="", client_hash="", anonymised_at=now
    )
    attachments = Attachment.objects.filter(consultation_id__in=ids)
    names = [n for n in attachments.values_list("file", flat=True) if n]
    attachments.delete()
    # What was sent (or waits) to their phone or email names them too.
    OutboxMessage.objects.filter(consultation_id__in=ids).delete()
    delete_files_on_commit(names)
    # A lead whose every enquiry is now anonymised keeps no contact of the person either.
    lead_ids = {c.lead_id for c in consultations if c.lead_id}
    still_named = Consultation.objects.filter(
        lead_id__in=lead_ids, anonymised_at__isnull=True
    ).values_list("lead_id", flat=True)
    leads_forget_contacts(actor=None, lead_ids=lead_ids - set(still_named), marker=ANONYMISED)
    return names


@transaction.atomic
def visitor_erase(*, actor) -> None:
    """The visitor deletes their data: their consultations stay for the bureau, anonymised
    (the questions and messages remain, without name, organisation, phone, email or files);
    their account, sign-in links and saved items go."""
    visitor = _own_visitor(actor)
    consultations = list(Consultation.objects.select_for_update().filter(visitor=visitor))
    now = timezone.now()
    names = _anonymise(consultations, now)
    contacts = [c for c in (visitor.phone, visitor.email) if c]
    OutboxMessage.objects.filter(recipient__in=contacts).delete()
    audit.record(
        AuditAction.DELETE,
        actor=actor,
        obj=visitor,
        before={"visitor": visitor.pk, "user": visitor.user_id},
        after={"consultations_anonymised": [c.pk for c in consultations], "files": len(names)},
    )
    user = visitor.user
    user.delete()  # the visitor, links and saved items go with the account (cascade)


@transaction.atomic
def consultations_anonymise(*, actor=None, inactive_before: datetime) -> int:
    """Anonymise consultations with no activity since ``inactive_before``; delete visitors
    left with no consultation that still names them and no activity of their own since. Running
    it again changes nothing. Returns the number of consultations anonymised."""
    consultations = list(
        Consultation.objects.select_for_update().filter(
            last_activity_at__lt=inactive_before, anonymised_at__isnull=True
        )
    )
    now = timezone.now()
    names = _anonymise(consultations, now) if consultations else []
    still_named = Consultation.objects.filter(
        anonymised_at__isnull=True, visitor__isnull=False
    ).values("visitor_id")
    idle = (
        Visitor.objects.filter(created_at__lt=inactive_before)
        .filter(Q(user__last_login__isnull=True) | Q(user__last_login__lt=inactive_before))
        .exclude(pk__in=still_named)
        .select_related("user")
    )
    deleted = []
    for visitor in idle:
        deleted.append(visitor.pk)
        contacts = [c for c in (visitor.phone, visitor.email) if c]
        OutboxMessage.objects.filter(recipient__in=contacts).delete()
        visitor.user.delete()
    if consultations or deleted:
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type="consultations.consultation",
            object_repr=_("%(n)s consultations anonymised") % {"n": len(consultations)},
            after={
                "anonymised": [c.pk for c in consultations],
                "inactive_before": inactive_before.isoformat(),
                "files_deleted": len(names),
                "visitors_deleted": deleted,
            },
        )
    return len(consultations)
