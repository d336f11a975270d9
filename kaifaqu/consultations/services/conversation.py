"""After the question: replies (staff and visitor), closing, reassigning, turning the
consultation into a project, and who answers which category (routes)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core import access, audit
from kaifaqu.core.access import require_change
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.roles import Role
from kaifaqu.core.versioning import CURRENT, Version, versioned_update
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


def _change(
    actor: User | None,
    consultation: Consultation,
    version: Version,
    *,
    require: Callable[[Consultation], None],
    apply: Callable[[Consultation], None],
    **options,
) -> Consultation:
    """A change of a stored consultation; its fields are set by the service, not typed, so
    they are not validated again."""
    return versioned_update(
        consultation,
        actor=actor,
        version=version,
        require=require,
        apply=apply,
        clean=None,
        **options,
    )


def _not_closed(message: str) -> Callable[[Consultation], None]:
    def check(row: Consultation) -> None:
        if row.status == Status.CLOSED:
            raise ValidationError(message)

    return check


def _message(
    consultation, *, actor, body: str, files, from_staff: bool, stored: StoredFiles
) -> Message:
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
    *, actor: User | None, consultation: Consultation, body: str, version: Version, files=()
) -> Message:
    """A reply from the bureau: shown in the visitor's personal space and announced to them
    through the outbox; the first one meets the deadline."""
    return _removing_files_on_failure(
        lambda stored: _reply(actor, consultation, body, files, version, stored)
    )


def _save_and_notify(consultation: Consultation) -> None:
    consultation.save()
    notify_reply(consultation)


@transaction.atomic
def _reply(actor, consultation, body, files, version, stored) -> Message:
    written: list[Message] = []
    open_ = _not_closed(_("This consultation is closed; it takes no more replies."))

    def require(row: Consultation) -> None:
        require_change(actor, row.department_id)
        open_(row)

    def reply(row: Consultation) -> None:
        message = _message(row, actor=actor, body=body, files=files, from_staff=True, stored=stored)
        written.append(message)
        if row.first_replied_at is None:
            row.first_replied_at = message.created_at
        row.status = Status.REPLIED
        row.last_activity_at = message.created_at

    consultation = _change(
        actor,
        consultation,
        version,
        require=require,
        apply=reply,
        save=_save_and_notify,
        note=lambda row: {"message": written[0].pk},
    )
    return written[0]


def consultation_visitor_reply(
    *, actor: User | None, consultation: Consultation, body: str, files=()
) -> Message:
    """The visitor writes again from their personal space."""
    return _removing_files_on_failure(
        lambda stored: _visitor_reply(actor, consultation, body, files, stored)
    )


@transaction.atomic
def _visitor_reply(actor, consultation, body, files, stored) -> Message:
    written: list[Message] = []

    def require(row: Consultation) -> None:
        visitor = row.visitor
        if visitor is None or actor is None or visitor.user_id != actor.pk:
            raise PermissionDenied(_("This is not your consultation."))
        _not_closed(_("This consultation is closed; please send a new consultation instead."))(row)

    def reply(row: Consultation) -> None:
        message = _message(
            row, actor=actor, body=body, files=files, from_staff=False, stored=stored
        )
        written.append(message)
        row.status = Status.VISITOR_REPLIED
        row.last_activity_at = message.created_at

    # The visitor's space shows no version: a reply adds to the conversation as stored (and
    # makes a stale staff edit of it refused).
    _change(
        actor,
        consultation,
        CURRENT,
        require=require,
        apply=reply,
        note=lambda row: {"message": written[0].pk},
    )
    return written[0]


@transaction.atomic
def consultation_close(
    *, actor: User | None, consultation: Consultation, version: Version
) -> Consultation:
    def require(row: Consultation) -> None:
        require_change(actor, row.department_id)
        _not_closed(_("This consultation is closed already."))(row)

    def close(row: Consultation) -> None:
        row.status = Status.CLOSED
        row.last_activity_at = timezone.now()

    return _change(actor, consultation, version, require=require, apply=close)


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
def consultation_reassign(
    *, actor: User | None, consultation: Consultation, officer, version: Version
) -> Consultation:
    def require(row: Consultation) -> None:
        require_change(actor, row.department_id)
        _require_officer(officer, row.department_id)

    def reassign(row: Consultation) -> None:
        row.officer = officer

    return _change(actor, consultation, version, require=require, apply=reassign)


@transaction.atomic
def consultation_convert(
    *,
    actor: User | None,
    consultation: Consultation,
    version: Version,
    project_name: str,
    org_unit,
    industry=None,
    allow_duplicate: bool = False,
) -> Project:
    """Turn the consultation's lead into a project on the kanban (stage lead).
    DuplicateProjectError (with ``.matches``) when it looks like a project in the ledger."""
    made: list[Project] = []

    def require(row: Consultation) -> None:
        require_change(actor, row.department_id)
        if row.lead_id is None:
            raise ValidationError(_("This consultation has no lead to turn into a project."))

    def convert(row: Consultation) -> None:
        made.append(
            lead_convert(
                actor=actor,
                lead=row.lead,
                # The user read the consultation, whose version is checked; its lead follows.
                version=CURRENT,
                project_name=project_name,
                org_unit=org_unit,
                industry=industry,
                allow_duplicate=allow_duplicate,
            )
        )
        row.last_activity_at = timezone.now()

    _change(
        actor,
        consultation,
        version,
        require=require,
        apply=convert,
        update_fields=["last_activity_at"],
    )
    return made[0]


@transaction.atomic
def route_set(*, actor, category: str, officer) -> Route:
    """Who answers a category: an editor of 招商局; set by a zone administrator or one of
    招商局's editors."""
    department = keeping_department()
    if department is None:
        raise ValidationError(_("The investment promotion bureau is not set up."))
    require_change(actor, department.pk)
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
    audit.record(
        AuditAction.UPDATE if before else AuditAction.CREATE,
        actor=actor,
        obj=route,
        before=before,
        after=audit.snapshot(route),
    )
    return route
