"""Talent (招才引智): programmes, the people selected or shortlisted, subsidies paid."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaifaqu.core import access, audit
from kaifaqu.core.access import acting_user, require_change
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.roles import Role
from kaifaqu.core.versioning import Version, versioned_update

from ..models import AwardStatus, TalentAward, TalentProgramme, TalentSubsidy
from ._common import amount as to_amount
from ._common import not_future

AWARD_EDITABLE = ("person_name", "status", "enterprise", "org_unit", "note", "announced_on")


@transaction.atomic
def talent_programme_create(
    *, actor, code: str, name: str, level: str, note: str = "", order: int = 0
) -> TalentProgramme:
    """Add a programme to the catalogue (a zone administrator, or the system)."""
    if actor is not None and not access.has_role(actor, Role.ZONE_ADMIN):
        raise PermissionDenied(_("Only a zone administrator may change the programmes."))
    programme = TalentProgramme(code=code, name=name, level=level, note=note, order=order)
    programme.full_clean()
    programme.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=programme, after=audit.snapshot(programme))
    return programme


@transaction.atomic
def talent_award_create(
    *,
    actor,
    department,
    person_name: str,
    programme: TalentProgramme,
    year: int,
    announced_on: date,
    status: str,
    enterprise=None,
    org_unit=None,
    note: str = "",
    illustrative: bool = False,
) -> TalentAward:
    """Record that a person was selected (入选) or shortlisted (进入考察范围) in a year; the
    unit defaults to that of the person's enterprise."""
    require_change(actor, department.pk)
    not_future(announced_on, "announced_on")
    org_unit = org_unit or (enterprise.org_unit if enterprise is not None else None)
    if org_unit is None:
        raise ValidationError({"org_unit": _("Say where the person works in the zone.")})
    award = TalentAward(
        department=department,
        person_name=(person_name or "").strip(),
        programme=programme,
        year=year,
        announced_on=announced_on,
        status=status,
        enterprise=enterprise,
        org_unit=org_unit,
        note=note,
        illustrative=illustrative,
    )
    award.full_clean()
    award.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=award, after=audit.snapshot(award))
    return award


def _check_award(award: TalentAward) -> None:
    if award.status != AwardStatus.SELECTED and award.subsidies.exists():
        raise ValidationError(
            {"status": _("Subsidies were paid to this person; the award stays selected.")}
        )


@transaction.atomic
def talent_award_update(
    *, actor: User | None, award: TalentAward, version: Version, **changes
) -> TalentAward:
    return versioned_update(
        award,
        actor=actor,
        version=version,
        changes=changes,
        editable=AWARD_EDITABLE,
        require=lambda row: require_change(actor, row.department_id),
        before_save=_check_award,
    )


@transaction.atomic
def talent_subsidy_create(
    *, actor, award: TalentAward, paid_on: date, amount, note: str = ""
) -> TalentSubsidy:
    """Record a subsidy paid to a selected person (10,000 yuan)."""
    require_change(actor, award.department_id)
    value = to_amount(amount, "amount", required=True)
    not_future(paid_on, "paid_on")
    if award.status != AwardStatus.SELECTED:
        raise ValidationError(_("Subsidies are paid to selected people only."))
    if paid_on < award.announced_on:
        raise ValidationError(
            {
                "paid_on": _("A subsidy is paid after the selection (%(date)s).")
                % {"date": award.announced_on.isoformat()}
            }
        )
    subsidy = TalentSubsidy(
        award=award, paid_on=paid_on, amount=value, note=note, entered_by=acting_user(actor)
    )
    subsidy.full_clean()
    subsidy.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=subsidy, after=audit.snapshot(subsidy))
    return subsidy
