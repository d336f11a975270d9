"""After the question: replies (staff and visitor), closing, reassigning, turning the
consultation into a project, and who answers which category (routes)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core import access, audit
from kaifaqu.core.models import AuditAction
from kaifaqu.core.roles import Role
from kaifaqu.investment.models import Project
from kaifaqu.investment.services import lead_convert
from kaifaqu.portal.categories import Category

from ..models import Consultation, Message, Route, Status
from ..selectors import keeping_department
from . import _checks
from ._common import StoredFiles, notify_reply

REPLY_MAX_CHARS = 10000
#: The three separated administrators hold no business role, so none answers investors.
_NON_BUSINESS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


def _check_version(consultation: Consultation, version: int | None) -> None:
    from kaifaqu.orgs.services import ConcurrentEditError

    if version is not None and consultation.version != version:
        raise ConcurrentEditError


def _locked(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


def _message(consultation, *, actor, body: str, files, from_staff: bool,
             stored: StoredFiles) -> Message:  # fmt: skip
    max_chars = REPLY_MAX_CHARS if from_staff else settings.KAIFAQU_CONSULT_MAX_CHARS
    body = _checks.plain_text(body, "body", required=True, max_length=max_chars)
    checked = _checks.checked_files(files)
    message = Message(consultation=consultation, from_staff=from_staff, author=actor, body=body)
    message.full_clean(exclude=["consultation", "author"])
    message.save()
    for item in checked:
        stored.add(consultation, item, by=actor, message=message)
    return message


def _removing_files_on_failure(write):
    """Run ``write(stored)``; if it fails, remove the files it had stored already."""
    stored = StoredFiles()
    try:
        return write(stored)
    except BaseException:
        stored.discard()
        raise


def consultation_reply(
    *, actor, consultation: Consultation, body: str, files=(), version: int | None = None
) -> Message:
    """A reply from the bureau: shown in the visitor's personal space and announced to them
    through the outbox; the first one meets the deadline."""
    return _removing_files_on_failure(
        lambda stored: _reply(actor, consultation, body, files, version, stored)
    )


@transaction.atomic
def _reply(actor, consultation, body, files, version, stored) -> Message:
    consultation = _locked(consultation)
    _checks.require_change(actor, consultation.department_id)
    _check_version(consultation, version)
    if consultation.status == Status.CLOSED:
        raise ValidationError(_("This consultation is closed; it takes no more replies."))
    before = audit.snapshot(consultation)
    message = _message(consultation, actor=actor, body=body, files=files, from_staff=True,
                       stored=stored)  # fmt: skip
    now = message.created_at
    if consultation.first_replied_at is None:
        consultation.first_replied_at = now
    consultation.status = Status.REPLIED
    consultation.last_activity_at = now
    consultation.version += 1
    consultation.save()
    notify_reply(consultation)
    audit.record(AuditAction.UPDATE, actor=actor, obj=consultation, before=before,
                 after={**audit.snapshot(consultation), "message": message.pk})  # fmt: skip
    return message


def consultation_visitor_reply(
    *, actor, consultation: Consultation, body: str, files=()
) -> Message:
    """The visitor writes again from their personal space."""
    return _removing_files_on_failure(
        lambda stored: _visitor_reply(actor, consultation, body, files, stored)
    )


@transaction.atomic
def _visitor_reply(actor, consultation, body, files, stored) -> Message:
    consultation = _locked(consultation)
    visitor = consultation.visitor
    if visitor is None or actor is None or visitor.user_id != actor.pk:
        raise PermissionDenied(_("This is not your consultation."))
    if consultation.status == Status.CLOSED:
        raise ValidationError(
            _("This consultation is closed; please send a new consultation instead.")
        )
    before = audit.snapshot(consultation)
    message = _message(consultation, actor=actor, body=body, files=files, from_staff=False,
                       stored=stored)  # fmt: skip
    consultation.status = Status.VISITOR_REPLIED
    consultation.last_activity_at = message.created_at
    consultation.version += 1
    consultation.save()
    audit.record(AuditAction.UPDATE, actor=actor, obj=consultation, before=before,
                 after={**audit.snapshot(consultation), "message": message.pk})  # fmt: skip
    return message


@transaction.atomic
def consultation_close(*, actor, consultation: Consultation, version: int | None = None):
    consultation = _locked(consultation)
    _checks.require_change(actor, consultation.department_id)
    _check_version(consultation, version)
    if consultation.status == Status.CLOSED:
        raise ValidationError(_("This consultation is closed already."))
    before = audit.snapshot(consultation)
    consultation.status = Status.CLOSED
    consultation.last_activity_at = timezone.now()
    consultation.version += 1
    consultation.save()
    audit.record(AuditAction.UPDATE, actor=actor, obj=consultation, before=before,
                 after=audit.snapshot(consultation))  # fmt: skip
    return consultation


def _require_officer(officer, department_id: int) -> None:
    if (
        officer is None
        or not officer.is_active
        or not access.can_change_department(officer, department_id)
        or access.has_role(officer, *_NON_BUSINESS)
    ):
        raise ValidationError(
            {"officer": _("The officer must be an editor of the department that answers.")}
        )


@transaction.atomic
def consultation_reassign(*, actor, consultation: Consultation, officer) -> Consultation:
    consultation = _locked(consultation)
    _checks.require_change(actor, consultation.department_id)
    _require_officer(officer, consultation.department_id)
    if consultation.officer_id == officer.pk:
        return consultation
    before = audit.snapshot(consultation)
    consultation.officer = officer
    consultation.version += 1
    consultation.save()
    audit.record(AuditAction.UPDATE, actor=actor, obj=consultation, before=before,
                 after=audit.snapshot(consultation))  # fmt: skip
    return consultation


@transaction.atomic
def consultation_convert(
    *,
    actor,
    consultation: Consultation,
    project_name: str,
    org_unit,
    industry=None,
    allow_duplicate: bool = False,
) -> Project:
    """Turn the consultation's lead into a project on the kanban (stage lead).
    DuplicateProjectError (with ``.matches``) when it looks like a project in the ledger."""
    consultation = _locked(consultation)
    _checks.require_change(actor, consultation.department_id)
    if consultation.lead_id is None:
        raise ValidationError(_("This consultation has no lead to turn into a project."))
    project = lead_convert(
        actor=actor,
        lead=consultation.lead,
        project_name=project_name,
        org_unit=org_unit,
        industry=industry,
        allow_duplicate=allow_duplicate,
    )
    consultation.last_activity_at = timezone.now()
    consultation.version += 1
    consultation.save(update_fields=["last_activity_at", "version"])
    return project


@transaction.atomic
def route_set(*, actor, category: str, officer) -> Route:
    """Who answers a category: an editor of 招商局; set by a zone administrator or one of
    招商局's editors."""
    department = keeping_department()
    if department is None:
        raise ValidationError(_("The investment promotion bureau is not set up."))
    _checks.require_change(actor, department.pk)
    if category not in Category.values:
        raise ValidationError({"category": _("Choose one of the four kinds of consultation.")})
    _require_officer(officer, department.pk)
    route = Route.objects.select_for_update().filter(category=category).first()
    before = audit.snapshot(route) if route else None
    if route is None:
        route = Route(category=category, officer=officer, department=department)
    else:
        route.officer, route.department = officer, department
    route.full_clean(exclude=["officer", "department"])
    route.save()
    audit.record(AuditAction.UPDATE if before else AuditAction.CREATE, actor=actor, obj=route,
                 before=before, after=audit.snapshot(route))  # fmt: skip
    return route
