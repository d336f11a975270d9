"""Writes of the reports package: types, template uploads, narrative blocks, drafts.

Rights: the editors of the type's department (经济发展局 for the work report) and zone
administrators draft and write; ``actor=None`` is the system (the demo loader, a command).
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kaifaqu.core import access, audit
from kaifaqu.core.access import acting_user
from kaifaqu.core.jobs import job_start
from kaifaqu.core.models import AuditAction, Job, User
from kaifaqu.core.periods import Period, PeriodError, parse
from kaifaqu.core.roles import Role
from kaifaqu.core.versioning import Version, check_version

from .checker import check_docx
from .drafting import compute_values, missing_of, with_blocks
from .models import Draft, NarrativeBlock, PeriodKind, ReportTemplate, ReportType
from .selectors import (
    current_blocks,
    current_template,
    draft_block_keys,
    earlier_block_period,
    latest_draft,
)

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024
MAX_BLOCK_CHARS = 20_000


def may_write(actor, report_type: ReportType) -> bool:
    return actor is None or access.can_change_department(actor, report_type.department_id)


def _require_write(actor, report_type: ReportType) -> None:
    if not may_write(actor, report_type):
        raise PermissionDenied(
            _("Only editors of %(department)s and zone administrators may do this.")
            % {"department": report_type.department.name}
        )


def period_of(report_type: ReportType, text: str) -> Period:
    """The period, checked against the type's kind (a quarterly report ends at a quarter)."""
    try:
        period = parse((text or "").strip())
    except PeriodError as e:
        raise ValidationError({"period": str(e)}) from None
    last = period.last_month
    fits = {
        PeriodKind.QUARTERLY: last % 3 == 0,
        PeriodKind.HALF_YEARLY: last % 6 == 0,
        PeriodKind.ANNUAL: last == 12,
    }.get(report_type.period_kind, True)
    if not fits:
        raise ValidationError(
            {
                "period": _("A %(kind)s report needs a period that ends at its end.")
                % {"kind": report_type.get_period_kind_display()}
            }
        )
    return period


@transaction.atomic
def report_type_save(
    *,
    actor,
    code: str,
    name: str,
    department,
    period_kind: str = PeriodKind.QUARTERLY,
    description: str = "",
) -> ReportType:
    if actor is not None and not access.has_role(actor, Role.ZONE_ADMIN):
        raise PermissionDenied(_("Only zone administrators define report types."))
    report_type = ReportType.objects.filter(code=code).first() or ReportType(code=code)
    created = report_type.pk is None
    wanted = (name, department.pk, period_kind, description)
    if not created and wanted == (
        report_type.name,
        report_type.department_id,
        report_type.period_kind,
        report_type.description,
    ):
        return report_type  # nothing to change: no save, no audit row
    report_type.name, report_type.department = name, department
    report_type.period_kind, report_type.description = period_kind, description
    report_type.full_clean()
    report_type.save()
    audit.record(
        AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=actor,
        obj=report_type,
        after={"code": code, "name": name},
    )
    return report_type


@transaction.atomic
def template_upload(
    *, actor, report_type: ReportType, content: bytes, filename: str, note: str = ""
) -> ReportTemplate:
    """A new version of the type's template, if the check finds no problem
    (``checker.TemplateRefused`` names each placeholder it refuses)."""
    _require_write(actor, report_type)
    if len(content) > MAX_TEMPLATE_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))
    if not filename.lower().endswith(".docx"):
        raise ValidationError(_("Upload a Word file (.docx)."))
    check_docx(content)
    ReportType.objects.select_for_update().filter(pk=report_type.pk).first()
    last = report_type.templates.aggregate(v=Max("version"))["v"] or 0
    template = ReportTemplate(
        report_type=report_type,
        version=last + 1,
        filename=filename[-200:],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        note=note,
        uploaded_by=acting_user(actor),
    )
    template.full_clean()
    template.save()
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=template,
        after={"version": template.version, "sha256": template.sha256},
    )
    return template


@transaction.atomic
def block_save(
    *,
    actor: User | None,
    report_type: ReportType,
    org_unit,
    period: str,
    key: str,
    text: str,
    version: Version,
) -> NarrativeBlock:
    """A new version of a block; ``version`` is the one the editor started from (0: none),
    and a save over someone else's newer version is refused.

    A block is not changed in place but kept as one row per version (a draft shows the text
    it was made from), so this checks the version as ``versioned_update`` does and adds a
    row rather than updating one."""
    _require_write(actor, report_type)
    period = str(period_of(report_type, period))
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_BLOCK_CHARS:
        raise ValidationError({"text": _("A block holds at most 20,000 characters.")})
    ReportType.objects.select_for_update().filter(pk=report_type.pk).first()
    current = (
        NarrativeBlock.objects.filter(
            report_type=report_type, org_unit=org_unit, period=period, key=key
        )
        .order_by("-version")
        .first()
    )
    current_version = current.version if current else 0
    check_version(current_version, version)
    if current is not None and current.text == text:
        return current
    block = NarrativeBlock(
        report_type=report_type,
        org_unit=org_unit,
        period=period,
        key=key,
        version=current_version + 1,
        text=text,
        saved_by=acting_user(actor),
    )
    block.full_clean()
    block.save()
    audit.record(
        AuditAction.CREATE if current is None else AuditAction.UPDATE,
        actor=actor,
        obj=block,
        before={"text": current.text} if current else None,
        after={"text": text, "version": block.version},
    )
    return block


@transaction.atomic
def blocks_carry_over(*, actor, report_type: ReportType, org_unit, period: str) -> list[str]:
    """Start a period's narrative blocks from the latest earlier period's: each block still
    empty here gets that text as its first version, for staff to rewrite. Blocks already
    written are left alone. Returns the keys filled; refused when no earlier period has any."""
    _require_write(actor, report_type)
    target = period_of(report_type, period)
    source = earlier_block_period(report_type, org_unit, target)
    if source is None:
        raise ValidationError(_("No earlier period has narrative blocks to start from."))
    here = current_blocks(report_type, org_unit, str(target))
    filled = []
    for key, block in sorted(current_blocks(report_type, org_unit, source).items()):
        if not block["text"] or here.get(key, {}).get("text"):
            continue
        version = here.get(key, {}).get("version", 0)
        block_save(
            actor=actor,
            report_type=report_type,
            org_unit=org_unit,
            period=str(target),
            key=key,
            text=block["text"],
            version=version,
        )
        filled.append(key)
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=report_type,
        after={"blocks_from": source, "to": str(target), "org": org_unit.code, "keys": filled},
    )
    return filled


@transaction.atomic
def draft_create(*, actor, report_type: ReportType, org_unit, period: str) -> Draft:
    """A draft from the current template: figures in one batch from the engine, the
    current blocks; the placeholders whose text changed since the previous draft marked."""
    _require_write(actor, report_type)
    parsed = period_of(report_type, period)
    template = current_template(report_type)
    if template is None:
        raise ValidationError(_("This report type has no template yet: upload one first."))
    scan = check_docx(bytes(template.content))
    blocks = current_blocks(report_type, org_unit, str(parsed))
    values, missing = compute_values(scan.calls, org_unit, parsed, blocks)
    previous = latest_draft(report_type, org_unit, str(parsed))
    changed = []
    if previous is not None:
        changed = [
            key
            for key, entry in values.items()
            if entry["call"] == "f"
            and key in previous.values
            and previous.values[key]["text"] != entry["text"]
        ]
    draft = Draft(
        report_type=report_type,
        template=template,
        org_unit=org_unit,
        period=str(parsed),
        number=(previous.number + 1) if previous else 1,
        values=values,
        missing=missing,
        blocks=blocks,
        changed=changed,
        created_by=acting_user(actor),
    )
    draft.full_clean()
    draft.save()
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=draft,
        after={"number": draft.number, "missing": len(missing), "changed": len(changed)},
    )
    return draft


@transaction.atomic
def draft_blocks_apply(*, actor, draft: Draft, keys: set[str] | None = None) -> Draft:
    """The draft's blocks (those of ``keys``, else every block it prints) set to their
    current texts, its figures left as printed: the page, the Word and the PDF of the draft
    then carry the texts. No change, no save and no audit row."""
    _require_write(actor, draft.report_type)
    locked = Draft.objects.select_for_update().only("values", "blocks").get(pk=draft.pk)
    draft.values, draft.blocks = locked.values, locked.blocks
    printed = draft_block_keys(draft)
    keys = printed if keys is None else keys & printed
    blocks = current_blocks(draft.report_type, draft.org_unit, draft.period)
    values = with_blocks(draft.values, blocks, keys)
    used = dict(draft.blocks)
    for key in keys:
        if key in blocks:
            used[key] = blocks[key]
        else:
            used.pop(key, None)
    if values == draft.values and used == draft.blocks:
        return draft
    before = {k: draft.blocks.get(k, {}).get("version", 0) for k in sorted(keys)}
    draft.values, draft.blocks, draft.missing = values, used, missing_of(values)
    draft.save(update_fields=["values", "blocks", "missing"])
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=draft,
        before={"blocks": before},
        after={"blocks": {k: used.get(k, {}).get("version", 0) for k in sorted(keys)}},
    )
    return draft


@transaction.atomic
def draft_block_save(
    *, actor: User | None, draft: Draft, key: str, text: str, version: Version
) -> NarrativeBlock:
    """A block edited on a draft's page: a new version of the block (``block_save``),
    written into that draft too, so what its page shows is what its Word and PDF hold."""
    block = block_save(
        actor=actor,
        report_type=draft.report_type,
        org_unit=draft.org_unit,
        period=draft.period,
        key=key,
        text=text,
        version=version,
    )
    draft_blocks_apply(actor=actor, draft=draft, keys={key})
    return block


def draft_start(*, actor, report_type: ReportType, org_unit, period: str) -> Job:
    """The job that drafts (``draft_create`` on the queue): rights and the period are checked
    here, so a refusal is at once; asking again before the draft exists is the same job."""
    from .tasks import draft_job

    _require_write(actor, report_type)
    parsed = str(period_of(report_type, period))
    previous = latest_draft(report_type, org_unit, parsed)
    return job_start(
        draft_job,
        kind="reports.draft",
        owner=acting_user(actor),
        key=f"{report_type.pk}:{org_unit.pk}:{parsed}:{previous.number if previous else 0}",
        message=_("Drafting the report."),
        report_type=report_type.pk,
        org_unit=org_unit.pk,
        period=parsed,
    )


def pdf_start(*, actor, draft: Draft) -> Job:
    """The job that converts a draft to PDF; its owner's done job is reused while the draft
    prints the same (a block edit changes ``content_key``, so the next PDF carries it)."""
    from .tasks import pdf_job

    return job_start(
        pdf_job,
        kind="reports.pdf",
        owner=acting_user(actor),
        key=f"{draft.pk}:{draft.content_key}",
        message=_("Waiting to convert to PDF."),
        draft=draft.pk,
    )
