"""A question arrives: from the portal's form or the mini-program (``consultation_submit``),
or by the hotline, logged by staff (``hotline_call_log``)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core import audit
from kaifaqu.core.access import acting_user, require_change
from kaifaqu.core.models import AuditAction
from kaifaqu.investment.models import Source
from kaifaqu.investment.services import lead_record
from kaifaqu.portal.categories import Category

from ..limits import reserve_submission
from ..models import Channel, Consultation, Route, Visitor
from ..selectors import keeping_department
from ..workdays import add_working_days
from . import _checks
from ._common import (
    NOTICE_VERSION,
    StoredFiles,
    client_hash,
    issue_sign_in_link,
    new_visitor,
    not_future,
    save_numbered,
    serialise_writers,
    visitor_by_contact,
)


@dataclass(frozen=True)
class Submission:
    consultation: Consultation
    visitor: Visitor
    account_created: bool  # a new personal space
    sign_in_token: str | None  # raw one-time token (the URL is consultations:sign_in)
    signed_in_already: bool  # the submitting user is that visitor already


@dataclass(frozen=True)
class _Fields:
    category: str
    question: str
    name: str
    organisation: str
    phone: str
    email: str


def _clean_fields(
    *, category: str, question: str, name: str, organisation: str, phone: str, email: str
) -> _Fields:
    """Every field checked, every problem reported at once (a dict by field)."""
    errors: dict = {}
    values: dict = {}

    def run(field, check):
        try:
            values[field] = check()
        except ValidationError as error:
            errors.update(error.update_error_dict({}))

    if category not in Category.values:
        errors["category"] = [_("Choose one of the four kinds of consultation.")]
    values["category"] = category
    max_chars = settings.KAIFAQU_CONSULT_MAX_CHARS
    run(
        "question",
        lambda: _checks.plain_text(question, "question", required=True, max_length=max_chars),
    )
    run("name", lambda: _checks.plain_text(name, "name", required=True, max_length=50))
    run(
        "organisation",
        lambda: _checks.plain_text(organisation, "organisation", required=False, max_length=200),
    )
    run("phone", lambda: _checks.clean_phone(phone))
    run("email", lambda: _checks.clean_email(email))
    if (
        "phone" not in errors
        and "email" not in errors
        and not (values.get("phone") or values.get("email"))
    ):
        errors["phone"] = [_("Give a phone number or an email address, so that we can answer.")]
    if errors:
        raise ValidationError(errors)
    return _Fields(**values)


def _route(category: str):
    """The department and officer for a category: its route, else 招商局 without an officer."""
    route = Route.objects.select_related("officer", "department").filter(category=category).first()
    if route is not None:
        return route.department, route.officer if route.officer.is_active else None
    department = keeping_department()
    if department is None:
        raise ValidationError(
            _("Consultations cannot be received now; please call the hotline %(hotline)s.")
            % {"hotline": settings.KAIFAQU_HOTLINE}
        )
    return department, None


def _new_consultation(fields: _Fields, *, channel: str, received_at: datetime, **extra):
    department, officer = _route(fields.category)
    consultation = Consultation(
        department=department,
        officer=officer,
        channel=channel,
        category=fields.category,
        question=fields.question,
        name=fields.name,
        organisation=fields.organisation,
        phone=fields.phone,
        email=fields.email,
        received_at=received_at,
        last_activity_at=received_at,
        due_at=add_working_days(received_at, settings.KAIFAQU_FIRST_REPLY_WORKING_DAYS),
        **extra,
    )
    consultation.number = "ZX"  # set by save_numbered; here only to pass full_clean
    consultation.full_clean(exclude=["visitor", "lead", "officer", "logged_by", "department"])
    return consultation


def _record_lead(actor, consultation: Consultation, source: str) -> None:
    consultation.lead = lead_record(
        actor=actor,
        source=source,
        organisation=consultation.organisation,
        contact_name=consultation.name,
        phone=consultation.phone,
        email=consultation.email,
        summary=f"{consultation.number}: {consultation.question}",
        officer=consultation.officer,
        department=consultation.department,
        at=consultation.received_at,
    )
    consultation.save(update_fields=["lead"])


def consultation_submit(
    *,
    category: str,
    question: str,
    name: str,
    organisation: str = "",
    phone: str = "",
    email: str = "",
    consent: bool,
    files: Sequence[UploadedFile] = (),
    channel: str = Channel.WEB,
    client_address: str = "",
    user=None,
    honeypot: str = "",
    received_at: datetime | None = None,
    illustrative: bool = False,
) -> Submission:
    """Receive a question from the portal or the mini-program: checked (honeypot, rate
    limits, fields, consent, files) before anything is written; then the visitor (found or
    created), the numbered consultation routed to its officer with its deadline, its files,
    the lead, a sign-in link in the outbox, audit rows. A refusal stores nothing.

    ``received_at`` and ``illustrative`` are for the demo (pages and the API never pass
    them)."""
    if honeypot:
        # Said like any refusal, naming no field: a robot learns nothing to adjust.
        raise ValidationError(_("Your consultation could not be sent."), code="refused")
    # Every request has an address; the system (the demo) passes none and is not limited.
    allowance = (
        reserve_submission(client_address=client_address, phone=phone, email=email)
        if client_address
        else contextlib.nullcontext()
    )
    with allowance:
        try:
            fields = _clean_fields(
                category=category,
                question=question,
                name=name,
                organisation=organisation,
                phone=phone,
                email=email,
            )
        except ValidationError as error:
            errors = error.update_error_dict({})
        else:
            errors = {}
        if consent is not True:
            errors["consent"] = [
                _("Please agree to the handling of your personal data, or we cannot answer you.")
            ]
        try:
            checked = _checks.checked_files(files)
        except ValidationError as error:
            errors.update(error.update_error_dict({}))
        if channel not in (Channel.WEB, Channel.API):
            errors["channel"] = [_("Unknown channel.")]
        if errors:
            raise ValidationError(errors)
        stored = StoredFiles()
        try:
            return _submit(
                fields,
                checked,
                stored,
                channel=channel,
                user=user,
                client_address=client_address,
                received_at=received_at,
                illustrative=illustrative,
            )
        except BaseException:
            stored.discard()
            raise


@transaction.atomic
def _submit(
    fields,
    checked,
    stored: StoredFiles,
    *,
    channel,
    user,
    client_address,
    received_at,
    illustrative,
) -> Submission:
    serialise_writers()
    now = received_at or timezone.now()
    consultation = _new_consultation(
        fields,
        channel=channel,
        received_at=now,
        consent_at=now,
        notice_version=NOTICE_VERSION,
        client_hash=client_hash(client_address),
        illustrative=illustrative,
    )
    signed_in = (
        getattr(user, "is_authenticated", False)
        and Visitor.objects.filter(user_id=user.pk).exists()
    )
    account_created, sent_to = False, ""
    if signed_in:
        visitor = Visitor.objects.get(user_id=user.pk)
    else:
        visitor, sent_to = visitor_by_contact(phone=fields.phone, email=fields.email)
        if visitor is None:
            visitor = new_visitor(
                name=fields.name,
                organisation=fields.organisation,
                phone=fields.phone,
                email=fields.email,
            )
            account_created = True
            # Email first: it can be sent today; SMS waits for a gateway.
            sent_to = fields.email or fields.phone
    consultation.visitor = visitor
    save_numbered(consultation)
    for item in checked:
        stored.add(consultation, item, by=visitor.user, message=None)
    _record_lead(visitor.user, consultation, Source.PORTAL)
    token = (
        None
        if signed_in
        else issue_sign_in_link(visitor, sent_to=sent_to, consultation=consultation)
    )
    after = audit.snapshot(consultation)
    after.update(attachments=len(checked), account_created=account_created)
    audit.record(AuditAction.CREATE, actor=visitor.user, obj=consultation, after=after)
    if account_created:
        audit.record(
            AuditAction.CREATE, actor=visitor.user, obj=visitor, after=audit.snapshot(visitor)
        )
    return Submission(
        consultation=consultation,
        visitor=visitor,
        account_created=account_created,
        sign_in_token=token,
        signed_in_already=bool(signed_in),
    )


@transaction.atomic
def hotline_call_log(
    *,
    actor,
    category: str,
    question: str,
    name: str,
    organisation: str = "",
    phone: str = "",
    email: str = "",
    received_at: datetime | None = None,
    illustrative: bool = False,
) -> Consultation:
    """Log a call to the investment hotline into the inbox (and the lead), by staff of the
    department that answers the category. The caller gets no personal space: nobody
    consented to one on the telephone."""
    fields = _clean_fields(
        category=category,
        question=question,
        name=name,
        organisation=organisation,
        phone=phone,
        email=email,
    )
    received_at = received_at or timezone.now()
    not_future(received_at, "received_at")
    department, _officer = _route(fields.category)
    require_change(actor, department.pk)
    serialise_writers()
    consultation = _new_consultation(
        fields,
        channel=Channel.HOTLINE,
        received_at=received_at,
        logged_by=acting_user(actor),
        illustrative=illustrative,
    )
    save_numbered(consultation)
    _record_lead(actor, consultation, Source.HOTLINE)
    audit.record(
        AuditAction.CREATE, actor=actor, obj=consultation, after=audit.snapshot(consultation)
    )
    return consultation
