"""Key projects: annual investment plans, monthly progress reports (调度) and the problems
they need help with; the plans are the target of the completed-investment figure."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaifaqu.core import access, audit
from kaifaqu.core.access import acting_user, require_change
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.periods import PeriodError, parse
from kaifaqu.core.versioning import CURRENT, Version, check_version, versioned_update
from kaifaqu.orgs.tree import org_tree
from kaifaqu.stats import services as stats_services
from kaifaqu.stats.models import Target

from ..models import KeyLevel, KeyProjectPlan, ProgressIssue, ProgressReport, Project
from ._common import amount, full_clean, not_future

#: The figure whose target the plans are (see metrics.py).
COMPLETED_METRIC = "key_projects_completed_investment"
TARGET_SOURCE = "sum of the annual investment plans of the city-level key projects"
TEN_THOUSAND = Decimal(10000)


def _require(actor, project: Project) -> None:
    require_change(actor, project.department_id)
    if project.merged_into_id:
        raise ValidationError(_("This record was merged into another; add to that one."))
    if project.key_level == KeyLevel.NONE:
        raise ValidationError(_("Plans and progress reports are kept for key projects only."))


# --- targets ----------------------------------------------------------------------------


def key_project_targets_sync(*, actor, year: int, department_id: int) -> dict[int, Decimal]:
    """Write the annual target of the completed-investment figure for every unit of the zone
    from the plans of its city-level key projects (亿元); returns unit id → target.

    A unit whose plans are all gone gets a target of 0, which the figure engine ignores.
    ``department_id`` is the department keeping the key projects (the metric's owner).
    """
    tree = org_tree()
    sums: dict[int, Decimal] = defaultdict(Decimal)
    plans = KeyProjectPlan.objects.filter(
        year=year, project__key_level=KeyLevel.CITY, project__merged_into__isnull=True
    ).values_list("annual_plan", "project__org_unit_id")
    for plan, org in plans:
        for unit in tree.up_to_home(org):
            sums[unit] += plan
    existing = {
        t.org_unit_id: t for t in Target.objects.filter(metric_code=COMPLETED_METRIC, year=year)
    }
    wanted = {unit: total / TEN_THOUSAND for unit, total in sums.items()}
    for unit in existing.keys() - wanted.keys():
        wanted[unit] = Decimal(0)
    for unit, value in wanted.items():
        current = existing.get(unit)
        if current is not None and current.value == value:
            continue
        # Derived from the plans, not typed: the sum overwrites whatever target is stored.
        stats_services.target_save(
            actor=actor,
            metric_code=COMPLETED_METRIC,
            org_unit=_unit(unit),
            year=year,
            value=value,
            department_id=department_id,
            source=TARGET_SOURCE,
            version=CURRENT,
        )
    return wanted


def _unit(pk: int):
    from kaifaqu.orgs.models import OrgUnit

    return OrgUnit.objects.get(pk=pk)


def sync_targets_for(actor, project: Project) -> None:
    """After a change that may move a project's plans between units or in or out of the
    city-level list: resync the years it has plans for."""
    for year in sorted(set(project.plans.values_list("year", flat=True))):
        key_project_targets_sync(actor=actor, year=year, department_id=project.department_id)


# --- plans ------------------------------------------------------------------------------


@transaction.atomic
def key_project_plan_save(
    *,
    actor: User | None,
    project: Project,
    year: int,
    annual_plan,
    version: Version,
    sync: bool = True,
) -> KeyProjectPlan:
    """Set a key project's annual investment plan for a year (10,000 yuan); ``version`` is
    that of the plan the editor read (0: there was none)."""
    _require(actor, project)
    value = amount(annual_plan, "annual_plan", required=True)
    plan = KeyProjectPlan.objects.select_for_update().filter(project=project, year=year).first()
    if plan is None:
        check_version(0, version)
        plan = KeyProjectPlan(project=project, year=year, annual_plan=value)
        full_clean(plan)
        plan.save()
        audit.record(AuditAction.CREATE, actor=actor, obj=plan, after=audit.snapshot(plan))
    else:
        stored = plan.version
        plan = versioned_update(
            plan,
            actor=actor,
            version=version,
            locked=True,
            changes={"annual_plan": value},
            require=lambda row: None,  # the project's rights, checked above
            clean=full_clean,
        )
        if plan.version == stored:
            return plan
    if sync:
        key_project_targets_sync(actor=actor, year=year, department_id=project.department_id)
    return plan


@transaction.atomic
def key_project_plan_delete(*, actor, plan: KeyProjectPlan) -> None:
    require_change(actor, plan.project.department_id)
    before = audit.snapshot(plan)
    year = plan.year
    audit.record(AuditAction.DELETE, actor=actor, obj=plan, before=before)
    department_id = plan.project.department_id
    plan.delete()
    key_project_targets_sync(actor=actor, year=year, department_id=department_id)


# --- progress reports -------------------------------------------------------------------


def _month(text: str) -> tuple[str, int]:
    try:
        period = parse(text or "")
    except PeriodError as error:
        raise ValidationError({"month": str(error)}) from None
    if period.month_count != 1:
        raise ValidationError({"month": _("A progress report is for one month, as 2017-08.")})
    return str(period), period.first_key


def _issue(report: ProgressReport, data: dict) -> ProgressIssue:
    issue = ProgressIssue(
        report=report,
        kind=data.get("kind", ""),
        description=(data.get("description") or "").strip(),
        responsible_department=data.get("responsible_department"),
        due_on=data.get("due_on"),
    )
    issue.full_clean()
    return issue


@transaction.atomic
def progress_report_save(
    *,
    actor: User | None,
    project: Project,
    month: str,
    completed_investment,
    version: Version,
    image_progress: str = "",
    issues: list[dict] | None = None,
) -> ProgressReport:
    """Enter or correct a key project's report for a month: the investment completed in the
    month (10,000 yuan), the image progress, and new problems needing help (each a dict of
    kind, description, responsible_department, due_on). ``version`` is that of the report
    the editor read (0: there was none)."""
    _require(actor, project)
    written, key = _month(month)
    value = amount(completed_investment, "completed_investment", required=True)
    report = (
        ProgressReport.objects.select_for_update().filter(project=project, month_key=key).first()
    )
    new_issues: list[ProgressIssue] = []

    def add_issues(row: ProgressReport) -> None:
        new_issues.extend(_issue(row, data) for data in issues or [])
        ProgressIssue.objects.bulk_create(new_issues)

    def issues_note(row: ProgressReport) -> dict:
        return {"issues": [audit.snapshot(i) for i in new_issues]} if new_issues else {}

    if report is not None:
        return versioned_update(
            report,
            actor=actor,
            version=version,
            locked=True,
            changes={
                "completed_investment": value,
                "image_progress": image_progress,
                "reported_by": acting_user(actor),
            },
            require=lambda row: None,  # the project's rights, checked above
            clean=full_clean,
            before_save=add_issues,
            note=issues_note,
            always=bool(issues),
        )
    check_version(0, version)
    report = ProgressReport(
        project=project,
        month=written,
        month_key=key,
        completed_investment=value,
        image_progress=image_progress,
        reported_by=acting_user(actor),
    )
    full_clean(report)
    report.save()
    add_issues(report)
    after = {**audit.snapshot(report), **issues_note(report)}
    audit.record(AuditAction.CREATE, actor=actor, obj=report, after=after)
    return report


@transaction.atomic
def progress_issue_add(
    *,
    actor,
    report: ProgressReport,
    kind: str,
    description: str,
    responsible_department,
    due_on: date,
) -> ProgressIssue:
    _require(actor, report.project)
    issue = _issue(
        report,
        {
            "kind": kind,
            "description": description,
            "due_on": due_on,
            "responsible_department": responsible_department,
        },
    )
    issue.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=issue, after=audit.snapshot(issue))
    return issue


@transaction.atomic
def progress_issue_resolve(*, actor, issue: ProgressIssue, resolved_on: date) -> ProgressIssue:
    """Mark a problem solved; the department that must solve it may do so too."""
    issue = (
        ProgressIssue.objects.select_for_update().select_related("report__project").get(pk=issue.pk)
    )
    if actor is not None and not (
        access.can_change_department(actor, issue.report.project.department_id)
        or access.can_change_department(actor, issue.responsible_department_id)
    ):
        require_change(actor, issue.report.project.department_id)
    if issue.resolved:
        raise ValidationError(_("This problem is marked solved already."))
    not_future(resolved_on, "resolved_on")
    if resolved_on < issue.report.project.first_contact_on:
        raise ValidationError({"resolved_on": _("The date is before the project began.")})
    before = audit.snapshot(issue)
    issue.resolved, issue.resolved_on = True, resolved_on
    issue.full_clean()
    issue.save()
    audit.record(
        AuditAction.UPDATE, actor=actor, obj=issue, before=before, after=audit.snapshot(issue)
    )
    return issue
