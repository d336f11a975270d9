"""Writes to the policy library: a policy is drafted, published (its text kept as revision 1),
revised while published (each text kept), withdrawn with a reason. Rights: editors of the
policy's department and zone administrators; every write is audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core import audit
from kaifaqu.core.access import acting_user, require_change
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.versioning import Version, versioned_update
from kaifaqu.orgs.models import Department

from ..models import Policy, PolicyAttachment, PolicyRevision, PolicyStatus
from ..uploads import checked_attachment

#: What policy_update (drafts) may change; a published policy changes through policy_revise.
POLICY_EDITABLE = (
    "category",
    "title",
    "issuer",
    "document_number",
    "issued_on",
    "valid_from",
    "valid_until",
    "body",
    "illustrative",
)
#: What a revision may change besides the text.
REVISABLE = ("title", "issuer", "document_number", "issued_on", "valid_from", "valid_until")


def _clean_text(value: str) -> str:
    # Paragraphs are what the reader sees: normalise line ends, drop trailing blanks.
    return "\n".join(
        line.rstrip() for line in (value or "").replace("\r\n", "\n").split("\n")
    ).strip()


def _touched(policy: Policy) -> None:
    policy.updated_at = timezone.now()


def _change(
    actor: User | None,
    policy: Policy,
    version: Version,
    *,
    require: Callable[[Policy], None],
    changes: dict | None = None,
    apply: Callable[[Policy], None] | None = None,
) -> Policy:
    """A change of a stored policy, by one of its department's editors."""

    def may_change(row: Policy) -> None:
        require_change(actor, row.department_id)
        require(row)

    return versioned_update(
        policy,
        actor=actor,
        version=version,
        require=may_change,
        changes=changes,
        apply=apply,
        before_save=_touched,
    )


def _revision(policy: Policy, actor, changes: str) -> PolicyRevision:
    number = (
        policy.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    revision = PolicyRevision(
        policy=policy,
        number=number,
        title=policy.title,
        body=policy.body,
        changes=changes,
        published_by=acting_user(actor),
        published_at=timezone.now(),
    )
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
    require_change(actor, department.pk)
    policy = Policy(
        department=department,
        category=category,
        title=(title or "").strip(),
        issuer=(issuer or "").strip(),
        document_number=(document_number or "").strip(),
        issued_on=issued_on,
        valid_from=valid_from,
        valid_until=valid_until,
        body=_clean_text(body),
        illustrative=illustrative,
    )
    _touched(policy)
    policy.full_clean()
    policy.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=policy, after=audit.snapshot(policy))
    return policy


def _not_published(row: Policy) -> None:
    if row.status == PolicyStatus.PUBLISHED:
        raise ValidationError(
            _("A published policy changes through a revision, which keeps the text it replaces.")
        )


@transaction.atomic
def policy_update(*, actor: User | None, policy: Policy, version: Version, **changes) -> Policy:
    """Change a draft (or a withdrawn policy before it is published again)."""
    unknown = set(changes) - set(POLICY_EDITABLE) - {"department"}
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    if "department" in changes:
        require_change(actor, changes["department"].pk)
    cleaned = {
        field: _clean_text(value)
        if field == "body"
        else value.strip()
        if isinstance(value, str)
        else value
        for field, value in changes.items()
    }
    return _change(actor, policy, version, require=_not_published, changes=cleaned)


def _publishable(row: Policy) -> None:
    if row.status == PolicyStatus.PUBLISHED:
        raise ValidationError(_("This policy is published already."))


@transaction.atomic
def policy_publish(*, actor: User | None, policy: Policy, version: Version) -> Policy:
    """Make a draft (or a withdrawn policy) public; its text is kept as a revision."""
    republished: list[bool] = []

    def publish(row: Policy) -> None:
        republished.append(row.status == PolicyStatus.WITHDRAWN)
        row.status = PolicyStatus.PUBLISHED
        row.published_at = timezone.now()
        row.withdrawn_at = None
        row.withdrawal_reason = ""

    policy = _change(actor, policy, version, require=_publishable, apply=publish)
    _revision(policy, actor, _("Published again") if republished[0] else _("First published"))
    return policy


def _published(row: Policy) -> None:
    if row.status != PolicyStatus.PUBLISHED:
        raise ValidationError(_("Only a published policy is revised; edit the draft instead."))


@transaction.atomic
def policy_revise(
    *, actor: User | None, policy: Policy, body: str, changes: str, version: Version, **fields
) -> Policy:
    """A published policy's new text (and details): it stays published, the new text is
    kept as a revision saying what changed."""
    unknown = set(fields) - set(REVISABLE)
    if unknown:
        raise ValueError(f"not revisable: {', '.join(sorted(unknown))}")
    changes = (changes or "").strip()

    def revise(row: Policy) -> None:
        if not changes:
            raise ValidationError({"changes": _("Say what this revision changes.")})
        new_body = _clean_text(body)
        if new_body == row.body and all(getattr(row, f) == v for f, v in fields.items()):
            raise ValidationError({"body": _("The revision changes nothing.")})
        row.body = new_body
        for field, value in fields.items():
            setattr(row, field, value.strip() if isinstance(value, str) else value)

    policy = _change(actor, policy, version, require=_published, apply=revise)
    _revision(policy, actor, changes)
    return policy


def _withdrawable(row: Policy) -> None:
    if row.status != PolicyStatus.PUBLISHED:
        raise ValidationError(_("Only a published policy can be withdrawn."))


@transaction.atomic
def policy_withdraw(*, actor: User | None, policy: Policy, reason: str, version: Version) -> Policy:
    """Take a published policy off the public lists; its page then says it was withdrawn."""
    reason = (reason or "").strip()

    def withdraw(row: Policy) -> None:
        if not reason:
            raise ValidationError({"reason": _("Give the reason for the withdrawal.")})
        row.status = PolicyStatus.WITHDRAWN
        row.withdrawn_at = timezone.now()
        row.withdrawal_reason = reason

    return _change(actor, policy, version, require=_withdrawable, apply=withdraw)


@transaction.atomic
def policy_attachment_add(*, actor, policy: Policy, file) -> PolicyAttachment:
    require_change(actor, policy.department_id)
    name, content_type, size = checked_attachment(file)
    attachment = PolicyAttachment(
        policy=policy,
        name=name,
        content_type=content_type,
        size=size,
        uploaded_by=acting_user(actor),
    )
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
    require_change(actor, attachment.policy.department_id)
    before = audit.snapshot(attachment, ["policy", "name", "content_type", "size"])
    audit.record(AuditAction.DELETE, actor=actor, obj=attachment, before=before)
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(stored))
