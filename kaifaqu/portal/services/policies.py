"""Writes to the policy library: a policy is drafted, published (its text kept as revision 1),
revised while published (each text kept), withdrawn with a reason. Rights: editors of the
policy's department and zone administrators; every write is audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core import access, audit
from kaifaqu.core.models import AuditAction
from kaifaqu.orgs.models import Department
from kaifaqu.orgs.services import ConcurrentEditError

from ..models import Policy, PolicyAttachment, PolicyRevision, PolicyStatus
from ..uploads import checked_attachment

#: What policy_update (drafts) may change; a published policy changes through policy_revise.
POLICY_EDITABLE = (
    "category", "title", "issuer", "document_number", "issued_on", "valid_from",
    "valid_until", "body", "illustrative",
)  # fmt: skip
#: What a revision may change besides the text.
REVISABLE = ("title", "issuer", "document_number", "issued_on", "valid_from", "valid_until")


def _require_change(actor, department_id: int | None) -> None:
    if actor is not None and not access.can_change_department(actor, department_id):
        raise PermissionDenied(_("Only editors of the policy's department may change it."))


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _locked(policy: Policy, version: int | None) -> Policy:
    """The policy as stored now, locked; refused if someone saved it since ``version``."""
    fresh = Policy.objects.select_for_update().get(pk=policy.pk)
    if version is not None and fresh.version != version:
        raise ConcurrentEditError
    return fresh


def _clean_text(value: str) -> str:
    # Paragraphs are what the reader sees: normalise line ends, drop trailing blanks.
    return "\n".join(
        line.rstrip() for line in (value or "").replace("\r\n", "\n").split("\n")
    ).strip()


def _save(policy: Policy, actor, before: dict | None) -> Policy:
    policy.updated_at = timezone.now()
    policy.version += 0 if before is None else 1
    policy.full_clean()
    policy.save()
    audit.record(
        AuditAction.CREATE if before is None else AuditAction.UPDATE,
        actor=actor,
        obj=policy,
        before=before,
        after=audit.snapshot(policy),
    )
    return policy


def _revision(policy: Policy, actor, changes: str) -> PolicyRevision:
    number = (
        policy.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    revision = PolicyRevision(
        policy=policy, number=number, title=policy.title, body=policy.body,
        changes=changes, published_by=_user(actor), published_at=timezone.now(),
    )  # fmt: skip
    revision.full_clean()
    revision.save()
    return revision


@transaction.atomic
def policy_create(
    *,
    actor,
    department: Department,
    category: str,
    title: str,
    issuer: str,
    issued_on: date,
    valid_from: date,
    body: str,
    valid_until: date | None = None,
    document_number: str = "",
    illustrative: bool = False,
) -> Policy:
    """A draft: not public until published."""
    _require_change(actor, department.pk)
    policy = Policy(
        department=department, category=category, title=(title or "").strip(),
        issuer=(issuer or "").strip(), document_number=(document_number or "").strip(),
        issued_on=issued_on, valid_from=valid_from, valid_until=valid_until,
        body=_clean_text(body), illustrative=illustrative,
    )  # fmt: skip
    return _save(policy, actor, None)


@transaction.atomic
def policy_update(*, actor, policy: Policy, version: int | None = None, **changes) -> Policy:
    """Change a draft (or a withdrawn policy before it is published again)."""
    unknown = set(changes) - set(POLICY_EDITABLE) - {"department"}
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    _require_change(actor, policy.department_id)
    policy = _locked(policy, version)
    if policy.status == PolicyStatus.PUBLISHED:
        raise ValidationError(
            _("A published policy changes through a revision, which keeps the text it replaces.")
        )
    if "department" in changes:
        _require_change(actor, changes["department"].pk)
    before = audit.snapshot(policy)
    for field, value in changes.items():
        if field == "body":
            value = _clean_text(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(policy, field, value)
    return _save(policy, actor, before)


@transaction.atomic
def policy_publish(*, actor, policy: Policy, version: int | None = None) -> Policy:
    """Make a draft (or a withdrawn policy) public; its text is kept as a revision."""
    _require_change(actor, policy.department_id)
    policy = _locked(policy, version)
    if policy.status == PolicyStatus.PUBLISHED:
        raise ValidationError(_("This policy is published already."))
    before = audit.snapshot(policy)
    republished = policy.status == PolicyStatus.WITHDRAWN
    policy.status = PolicyStatus.PUBLISHED
    policy.published_at = timezone.now()
    policy.withdrawn_at = None
    policy.withdrawal_reason = ""
    _save(policy, actor, before)
    _revision(policy, actor, _("Published again") if republished else _("First published"))
    return policy


@transaction.atomic
def policy_revise(
    *, actor, policy: Policy, body: str, changes: str, version: int | None = None, **fields
) -> Policy:
    """A published policy's new text (and details): it stays published, the new text is
    kept as a revision saying what changed."""
    unknown = set(fields) - set(REVISABLE)
    if unknown:
        raise ValueError(f"not revisable: {', '.join(sorted(unknown))}")
    _require_change(actor, policy.department_id)
    policy = _locked(policy, version)
    if policy.status != PolicyStatus.PUBLISHED:
        raise ValidationError(_("Only a published policy is revised; edit the draft instead."))
    changes = (changes or "").strip()
    if not changes:
        raise ValidationError({"changes": _("Say what this revision changes.")})
    before = audit.snapshot(policy)
    new_body = _clean_text(body)
    if new_body == policy.body and all(getattr(policy, f) == v for f, v in fields.items()):
        raise ValidationError({"body": _("The revision changes nothing.")})
    policy.body = new_body
    for field, value in fields.items():
        setattr(policy, field, value.strip() if isinstance(value, str) else value)
    _save(policy, actor, before)
    _revision(policy, actor, changes)
    return policy


@transaction.atomic
def policy_withdraw(*, actor, policy: Policy, reason: str, version: int | None = None) -> Policy:
    """Take a published policy off the public lists; its page then says it was withdrawn."""
    _require_change(actor, policy.department_id)
    policy = _locked(policy, version)
    if policy.status != PolicyStatus.PUBLISHED:
        raise ValidationError(_("Only a published policy can be withdrawn."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the withdrawal.")})
    before = audit.snapshot(policy)
    policy.status = PolicyStatus.WITHDRAWN
    policy.withdrawn_at = timezone.now()
    policy.withdrawal_reason = reason
    return _save(policy, actor, before)


@transaction.atomic
def policy_attachment_add(*, actor, policy: Policy, file) -> PolicyAttachment:
    _require_change(actor, policy.department_id)
    name, content_type, size = checked_attachment(file)
    attachment = PolicyAttachment(
        policy=policy, name=name, content_type=content_type, size=size,
        uploaded_by=_user(actor),
    )  # fmt: skip
    attachment.file.save(name, file, save=False)
    attachment.full_clean()
    attachment.save()
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=attachment,
        after=audit.snapshot(attachment, ["policy", "name", "content_type", "size"]),
    )
    return attachment


@transaction.atomic
def policy_attachment_remove(*, actor, attachment: PolicyAttachment) -> None:
    _require_change(actor, attachment.policy.department_id)
    before = audit.snapshot(attachment, ["policy", "name", "content_type", "size"])
    audit.record(AuditAction.DELETE, actor=actor, obj=attachment, before=before)
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(stored))
