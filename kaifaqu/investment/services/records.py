"""What is kept with a project: follow-ups, files, and the funds received (到位资金)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaifaqu.core import audit
from kaifaqu.core.access import acting_user, require_change
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.versioning import Version, versioned_update

from ..models import FollowUp, FundTranche, Project, ProjectFile
from ..uploads import checked_upload
from ._common import amount as to_amount
from ._common import full_clean, not_future

FOLLOW_UP_EDITABLE = ("kind", "on", "note", "next_action", "next_action_on", "by")
TRANCHE_EDITABLE = ("on", "amount", "capital", "voucher_note")


def _require(actor, project: Project) -> None:
    require_change(actor, project.department_id)
    if project.merged_into_id:
        raise ValidationError(_("This record was merged into another; add to that one."))


# --- follow-ups -------------------------------------------------------------------------


@transaction.atomic
def followup_create(
    *,
    actor,
    project: Project,
    kind: str,
    on: date,
    note: str,
    next_action: str = "",
    next_action_on: date | None = None,
    by=None,
) -> FollowUp:
    """Record a visit, call, meeting or site visit and the next action with its date."""
    _require(actor, project)
    not_future(on)
    follow_up = FollowUp(
        project=project,
        kind=kind,
        on=on,
        note=(note or "").strip(),
        next_action=(next_action or "").strip(),
        next_action_on=next_action_on,
        by=by or acting_user(actor),
    )
    full_clean(follow_up)
    follow_up.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=follow_up, after=audit.snapshot(follow_up))
    return follow_up


@transaction.atomic
def followup_update(
    *, actor: User | None, follow_up: FollowUp, version: Version, **changes
) -> FollowUp:
    return versioned_update(
        follow_up,
        actor=actor,
        version=version,
        changes=changes,
        editable=FOLLOW_UP_EDITABLE,
        queryset=FollowUp.objects.select_related("project"),
        require=lambda row: _require(actor, row.project),
        clean=full_clean,
        before_save=lambda row: not_future(row.on),
    )


# --- files ------------------------------------------------------------------------------


@transaction.atomic
def project_file_add(*, actor, project: Project, file, description: str = "") -> ProjectFile:
    """Keep a file with the project: PDF, Word, Excel, PNG or JPEG, at most 20 MB, whose
    content is what its name says."""
    _require(actor, project)
    name, content_type, size = checked_upload(file)
    kept = ProjectFile(
        project=project,
        name=name,
        content_type=content_type,
        size=size,
        description=description,
        uploaded_by=acting_user(actor),
    )
    kept.file = file
    full_clean(kept)
    kept.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=kept, after=_file_snapshot(kept))
    return kept


def _file_snapshot(kept: ProjectFile) -> dict:
    fields = [f.name for f in ProjectFile._meta.concrete_fields if f.name != "file"]
    return {**audit.snapshot(kept, fields), "file": kept.file.name}


@transaction.atomic
def project_file_remove(*, actor, project_file: ProjectFile) -> None:
    _require(actor, project_file.project)
    before = _file_snapshot(project_file)
    audit.record(AuditAction.DELETE, actor=actor, obj=project_file, before=before)
    stored = project_file.file
    project_file.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


# --- funds received ---------------------------------------------------------------------


def _check_tranche(tranche: FundTranche) -> None:
    project = tranche.project
    not_future(tranche.on)
    if project.signed_on is None:
        raise ValidationError(_("Funds are recorded for signed projects only."))
    if tranche.on < project.signed_on:
        raise ValidationError(
            {
                "on": _("Funds are received after signing (%(date)s).")
                % {"date": project.signed_on.isoformat()}
            }
        )


@transaction.atomic
def tranche_create(
    *, actor, project: Project, on: date, amount, capital: str | None = None, voucher_note: str = ""
) -> FundTranche:
    """Record funds received by a project on a date (10,000 yuan)."""
    _require(actor, project)
    value = to_amount(amount, "amount", required=True)
    tranche = FundTranche(
        project=project,
        on=on,
        amount=value,
        capital=capital or project.capital,
        voucher_note=voucher_note,
        entered_by=acting_user(actor),
    )
    _check_tranche(tranche)
    full_clean(tranche)
    tranche.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=tranche, after=audit.snapshot(tranche))
    return tranche


@transaction.atomic
def tranche_update(
    *, actor: User | None, tranche: FundTranche, version: Version, **changes
) -> FundTranche:
    unknown = set(changes) - set(TRANCHE_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "amount" in changes:
        changes["amount"] = to_amount(changes["amount"], "amount", required=True)

    def before_save(row: FundTranche) -> None:
        _check_tranche(row)
        row.entered_by = acting_user(actor)

    return versioned_update(
        tranche,
        actor=actor,
        version=version,
        changes=changes,
        queryset=FundTranche.objects.select_related("project"),
        require=lambda row: _require(actor, row.project),
        clean=full_clean,
        before_save=before_save,
    )


@transaction.atomic
def tranche_delete(*, actor, tranche: FundTranche) -> None:
    _require(actor, tranche.project)
    audit.record(AuditAction.DELETE, actor=actor, obj=tranche, before=audit.snapshot(tranche))
    tranche.delete()
