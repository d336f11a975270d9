"""Projects: creation with the duplicate check, changes, stage moves (with their evidence and
the carrier they hold), and merging two records of one project."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaifaqu.carriers import services as carrier_services
from kaifaqu.carriers.models import CarrierStatus, LandParcel
from kaifaqu.core import audit
from kaifaqu.core.access import acting_user, require_change
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.versioning import CURRENT, Version, versioned_update
from kaifaqu.enterprises import services as enterprise_services
from kaifaqu.enterprises.selectors import enterprise_by_credit_code
from kaifaqu.orgs.models import Department

from .. import stages
from ..models import (
    FollowUp,
    FundTranche,
    KeyLevel,
    KeyProjectPlan,
    ProgressReport,
    Project,
    ProjectFile,
    StageMove,
)
from ..selectors import DuplicateMatch, investor_named, project_duplicates
from ..stages import EvidenceKind, Stage
from ..uploads import checked_upload
from ._common import amount, full_clean, not_future, today
from .key_projects import sync_targets_for

#: What ``project_update`` may change; the stage and its dates change only by moves.
EDITABLE = (
    "name",
    "investor",
    "partner",
    "industry",
    "source",
    "officer",
    "org_unit",
    "department",
    "contract_investment",
    "total_investment",
    "capital",
    "light_asset",
    "land_parcel",
    "building_unit",
    "key_level",
    "note",
)
_AMOUNTS = ("contract_investment", "total_investment")


class DuplicateProjectError(ValidationError):
    """The project looks like one in the ledger already; ``matches`` says which and why."""

    def __init__(self, matches: list[DuplicateMatch]):
        self.matches = matches
        shown = "；".join(m.describe() for m in matches[:5])
        super().__init__(
            _(
                "This project may be in the ledger already: %(matches)s. Open it and merge, or "
                "confirm that it is a different project."
            )
            % {"matches": shown},
            code="duplicate",
        )


@dataclass(frozen=True)
class MoveSpec:
    """One move of a project's history, for ``project_create(moves=…)`` (imports, the demo)."""

    to: str
    on: date
    evidence_text: str = ""
    reason: str = ""


# --- carriers ---------------------------------------------------------------------------


def _holder(carrier, exclude: int | None) -> Project | None:
    """The active project holding ``carrier`` (other than ``exclude``), if any."""
    field = "land_parcel" if isinstance(carrier, LandParcel) else "building_unit"
    return (
        Project.objects.filter(**{field: carrier}, merged_into__isnull=True)
        .exclude(stage=Stage.DROPPED)
        .exclude(pk=exclude)
        .first()
    )


def _check_carrier_free(project: Project) -> None:
    carrier = project.carrier
    if carrier is None:
        return
    other = _holder(carrier, project.pk)
    if other is not None:
        raise ValidationError(
            {
                "land_parcel" if project.land_parcel_id else "building_unit": _(
                    "%(carrier)s is held by the project %(project)s."
                )
                % {"carrier": carrier, "project": other.name}
            }
        )


def _hold(actor, project: Project, carrier, on: date, stage: str) -> None:
    """Bring the carrier to the status ``stage`` needs: reserved when negotiating begins,
    taken at signing (land sold, a unit let). A carrier the carriers' ledger shows as let or
    sold already is refused there, with its message."""
    if carrier is None:
        return
    note = _("Project %(project)s") % {"project": project.name}
    # The user moved the project, whose version was checked; the carrier follows it, as
    # stored now (its own rules refuse a move it cannot make).
    if stage == Stage.NEGOTIATING:
        carrier_services.carrier_reserve(
            actor=actor, carrier=carrier, note=note, at=on, version=CURRENT
        )
    elif stage == Stage.SIGNED:
        carrier_services.carrier_take(
            actor=actor, carrier=carrier, note=note, at=on, version=CURRENT
        )


def _let_go(actor, project: Project, carrier, on: date) -> None:
    """Release what the project held, unless it was sold (sold land stays sold)."""
    if carrier is None:
        return
    carrier.refresh_from_db(fields=["status"])
    if carrier.status in (CarrierStatus.RESERVED, CarrierStatus.LET):
        note = _("Project %(project)s") % {"project": project.name}
        # As in _hold: the carrier follows the project, whose version was checked.
        carrier_services.carrier_release(
            actor=actor, carrier=carrier, note=note, at=on, version=CURRENT
        )


# --- the stage machine ------------------------------------------------------------------


def _apply_move(
    actor,
    project: Project,
    *,
    to: str,
    on: date,
    evidence_text: str = "",
    evidence_file=None,
    reason: str = "",
) -> StageMove:
    """Check one move and apply it to ``project`` in memory (carriers are written); the
    caller saves the project and the returned move."""
    refusal = stages.move_refusal(project.stage, to)
    if refusal:
        raise ValidationError({"to": refusal}, code="stage")
    not_future(on)
    if refusal := stages.date_refusal(on, project.stage_since):
        raise ValidationError({"on": refusal})
    target = Stage(to)
    evidence_text = (evidence_text or "").strip()
    reason = (reason or "").strip()
    if evidence_file:
        checked_upload(evidence_file, "evidence_file")
    problems = stages.move_problems(
        target,
        evidence=bool(reason if target == Stage.DROPPED else evidence_text or evidence_file),
        contract_investment=project.contract_investment,
        total_investment=project.total_investment,
    )
    if problems:
        # Refused for its first problem (the evidence before the amounts), on its field.
        field = problems[0].field
        if field == "evidence":
            field = "reason" if target == Stage.DROPPED else "evidence_text"
        raise ValidationError({field: problems[0].message}, code="evidence")
    move = StageMove(
        project=project,
        from_stage=project.stage,
        to_stage=target,
        on=on,
        evidence_kind=stages.EVIDENCE.get(target, EvidenceKind.NOTE),
        evidence_text=reason if target == Stage.DROPPED else evidence_text,
        actor=acting_user(actor),
    )
    if evidence_file:
        move.evidence_file = evidence_file
    project.stage, project.stage_since = target, on
    if target in stages.DATE_FIELDS:
        setattr(project, stages.DATE_FIELDS[target], on)
    if target == Stage.DROPPED:
        project.dropped_reason = reason
        _let_go(actor, project, project.carrier, on)
    else:
        _hold(actor, project, project.carrier, on, target)
    return move


# --- writes -----------------------------------------------------------------------------


def _clean_amounts(values: dict) -> None:
    for field in _AMOUNTS:
        if field in values:
            values[field] = amount(values[field], field)


def _require_stage_fields(project: Project) -> None:
    """What a project must state once it has reached a stage."""
    problems = stages.stage_field_problems(
        signed_on=project.signed_on,
        started_on=project.started_on,
        contract_investment=project.contract_investment,
        total_investment=project.total_investment,
    )
    if problems:
        raise ValidationError({problems[0].field: problems[0].message})


@transaction.atomic
def project_create(
    *,
    actor,
    name: str,
    investor,
    source: str,
    org_unit,
    department: Department,
    officer=None,
    industry=None,
    partner: str = "",
    contract_investment=None,
    total_investment=None,
    capital: str = "domestic",
    light_asset: bool = False,
    land_parcel=None,
    building_unit=None,
    key_level: str = KeyLevel.NONE,
    note: str = "",
    first_contact_on: date | None = None,
    moves: Sequence[MoveSpec] = (),
    illustrative: bool = False,
    allow_duplicate: bool = False,
) -> Project:
    """Enter a project as a lead (first contact), and optionally the moves it has made since
    (an import of a running ledger). A likely duplicate is refused with the matches
    (DuplicateProjectError) unless the user confirmed it is a different project."""
    require_change(actor, department.pk)
    values = {"contract_investment": contract_investment, "total_investment": total_investment}
    _clean_amounts(values)
    first_contact_on = first_contact_on or today()
    project = Project(
        name=(name or "").strip(),
        investor=investor,
        partner=partner,
        source=source,
        org_unit=org_unit,
        department=department,
        officer=officer,
        industry=industry,
        capital=capital,
        light_asset=light_asset,
        land_parcel=land_parcel,
        building_unit=building_unit,
        key_level=key_level,
        note=note,
        stage=Stage.LEAD,
        stage_since=first_contact_on,
        first_contact_on=first_contact_on,
        illustrative=illustrative,
        **values,
    )
    not_future(first_contact_on, "first_contact_on")
    full_clean(project)
    _check_carrier_free(project)
    matches = project_duplicates(investor=investor, name=project.name)
    if matches and not allow_duplicate:
        raise DuplicateProjectError(matches)
    project.save()
    history = [
        StageMove(
            project=project,
            from_stage="",
            to_stage=Stage.LEAD,
            on=first_contact_on,
            evidence_text=_("First contact"),
            actor=acting_user(actor),
        )
    ]
    for spec in moves:
        history.append(
            _apply_move(
                actor,
                project,
                to=spec.to,
                on=spec.on,
                evidence_text=spec.evidence_text,
                reason=spec.reason,
            )
        )
    if moves:
        project.save()
    StageMove.objects.bulk_create(history)
    after = audit.snapshot(project)
    after["moves"] = [{"to": m.to_stage, "on": m.on.isoformat()} for m in history[1:]]
    if matches:
        after["confirmed_not_duplicate_of"] = [m.project.pk for m in matches]
    audit.record(AuditAction.CREATE, actor=actor, obj=project, after=after)
    if project.key_level == KeyLevel.CITY:
        sync_targets_for(actor, project)
    return project


@transaction.atomic
def project_create_with_investor(
    *,
    actor,
    investor_name: str,
    investor_code: str = "",
    contacts: dict | None = None,
    **fields,
) -> Project:
    """Enter a project and its investor together: the enterprise with this credit code (or,
    without one, of exactly this name), or a new one with the contact details given. A refused
    project (a duplicate, bad input) leaves no new enterprise behind."""
    name = (investor_name or "").strip()
    investor = enterprise_by_credit_code(investor_code) if investor_code else investor_named(name)
    if investor is None:
        investor = enterprise_services.enterprise_create(
            actor=actor, name=name, credit_code=investor_code or None, **(contacts or {})
        )
    return project_create(actor=actor, investor=investor, **fields)


def _require_open(actor: User | None, project: Project, action: str) -> None:
    require_change(actor, project.department_id)
    if project.merged_into_id:
        raise ValidationError(
            _("This record was merged into another; change that one.")
            if action == "change"
            else _("This record was merged into another; move that one.")
        )


@transaction.atomic
def project_update(*, actor: User | None, project: Project, version: Version, **changes) -> Project:
    """Change what a project states. A change of carrier moves the hold: the old carrier is
    released (unless sold), the new one reserved or taken as the stage needs."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "department" in changes:
        require_change(actor, changes["department"].pk)
    _clean_amounts(changes)
    old: dict = {}

    def require(row: Project) -> None:
        _require_open(actor, row, "change")
        old.update(carrier=row.carrier, key=(row.key_level, row.org_unit_id))

    def before_save(row: Project) -> None:
        _require_stage_fields(row)
        new_carrier = row.carrier
        if new_carrier != old["carrier"]:
            _check_carrier_free(row)
            if row.stage in stages.HOLDS_CARRIER:
                _let_go(actor, row, old["carrier"], today())
                _hold(
                    actor,
                    row,
                    new_carrier,
                    today(),
                    Stage.NEGOTIATING if row.stage == Stage.NEGOTIATING else Stage.SIGNED,
                )

    project = versioned_update(
        project,
        actor=actor,
        version=version,
        changes=changes,
        require=require,
        clean=full_clean,
        before_save=before_save,
    )
    if old["key"] != (project.key_level, project.org_unit_id):
        sync_targets_for(actor, project)
    return project


@transaction.atomic
def project_move(
    *,
    actor: User | None,
    project: Project,
    to: str,
    on: date,
    version: Version,
    evidence_text: str = "",
    evidence_file=None,
    reason: str = "",
) -> Project:
    """Move a project to its next stage, or drop it, with the evidence the move needs.

    A move that skips a stage, goes back, lacks its evidence or is dated before the last
    move is refused with a message saying why, and changes nothing.
    """
    moves: list[StageMove] = []

    def apply(row: Project) -> None:
        move = _apply_move(
            actor,
            row,
            to=to,
            on=on,
            evidence_text=evidence_text,
            evidence_file=evidence_file,
            reason=reason,
        )
        moves.append(move)

    def note(row: Project) -> dict:
        move = moves[0]
        return {
            "move": {
                "from": move.from_stage,
                "to": move.to_stage,
                "on": on.isoformat(),
                "evidence": move.evidence_kind,
                "text": move.evidence_text,
            }
        }

    return versioned_update(
        project,
        actor=actor,
        version=version,
        require=lambda row: _require_open(actor, row, "move"),
        apply=apply,
        clean=None,
        before_save=lambda row: moves[0].save(),
        note=note,
    )


def _stage_rank(project: Project) -> int:
    return -1 if project.stage == Stage.DROPPED else stages.PIPELINE.index(Stage(project.stage))


@transaction.atomic
def project_merge(*, actor, keep: Project, merge: Project) -> Project:
    """Fold ``merge`` into ``keep``: both histories, follow-ups, files and tranches stay,
    shown on ``keep`` and marked as coming from the merged record, which is kept (read-only)
    with a pointer to ``keep``. Keep the record that is further along."""
    if keep.pk == merge.pk:
        raise ValidationError(_("A project cannot be merged into itself."))
    locked = {
        p.pk: p for p in Project.objects.select_for_update().filter(pk__in=[keep.pk, merge.pk])
    }
    keep, merge = locked[keep.pk], locked[merge.pk]
    require_change(actor, keep.department_id)
    require_change(actor, merge.department_id)
    if keep.merged_into_id or merge.merged_into_id:
        raise ValidationError(_("One of the two records was merged already."))
    if _stage_rank(merge) > _stage_rank(keep):
        raise ValidationError(
            _(
                "Keep the record that is further along: %(merge)s is %(m_stage)s, %(keep)s is "
                "%(k_stage)s."
            )
            % {
                "merge": merge.name,
                "m_stage": merge.get_stage_display(),
                "keep": keep.name,
                "k_stage": keep.get_stage_display(),
            }
        )
    if keep.carrier is not None and merge.carrier is not None and keep.carrier != merge.carrier:
        raise ValidationError(_("Both records hold a carrier; release one of them before merging."))
    years = set(merge.plans.values_list("year", flat=True)) & set(
        keep.plans.values_list("year", flat=True)
    )
    months = set(merge.reports.values_list("month", flat=True)) & set(
        keep.reports.values_list("month", flat=True)
    )
    if years or months:
        raise ValidationError(
            _(
                "Both records have key-project plans or reports for %(when)s; keep one of each "
                "before merging."
            )
            % {"when": "、".join(sorted(map(str, years | months)))}
        )
    before_keep, before_merge = audit.snapshot(keep), audit.snapshot(merge)
    moved = {}
    for model in (StageMove, FollowUp, ProjectFile, FundTranche):
        moved[model._meta.model_name] = model.objects.filter(project=merge).update(
            project=keep, merged_from=merge
        )
    moved["plans"] = KeyProjectPlan.objects.filter(project=merge).update(project=keep)
    moved["reports"] = ProgressReport.objects.filter(project=merge).update(project=keep)
    for field in (
        "industry",
        "officer",
        "contract_investment",
        "total_investment",
        "land_parcel",
        "building_unit",
    ):
        if getattr(keep, field) is None and getattr(merge, field) is not None:
            setattr(keep, field, getattr(merge, field))
            if field in ("land_parcel", "building_unit"):
                setattr(merge, field, None)
    if not keep.partner and merge.partner:
        keep.partner = merge.partner
    if merge.note:
        keep.note = "\n".join(filter(None, [keep.note, merge.note]))
    keep.version += 1
    full_clean(keep)
    keep.save()
    merge.merged_into = keep
    merge.version += 1
    merge.save()
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=keep,
        before=before_keep,
        after={**audit.snapshot(keep), "merged": merge.pk, "moved": moved},
    )
    audit.record(
        AuditAction.UPDATE, actor=actor, obj=merge, before=before_merge, after=audit.snapshot(merge)
    )
    sync_targets_for(actor, keep)
    return keep


__all__ = [
    "DuplicateProjectError",
    "MoveSpec",
    "project_create",
    "project_merge",
    "project_move",
    "project_update",
]
