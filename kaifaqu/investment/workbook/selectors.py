"""Reads for the workbook export: the projects a user may read, with what is kept with them,
in the workbook's order, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from kaifaqu.orgs.models import Department

from ..models import FundTranche, KeyProjectPlan, ProgressIssue, ProgressReport, Project, StageMove
from ..selectors import project_filter, project_list


def projects_for_export(user, **filters) -> QuerySet[Project]:
    """The projects ``user`` may read (``None``, a system command: all of them), narrowed by
    the project list's filters (see ``selectors.project_filter``), by number."""
    qs = Project.objects.filter(merged_into__isnull=True) if user is None else project_list(user)
    return (
        project_filter(qs, **filters)
        .select_related(
            "investor",
            "industry",
            "department",
            "officer",
            "org_unit",
            "land_parcel",
            "building_unit__building",
        )
        .order_by("pk")
    )


def own_moves(projects: Iterable[Project]) -> dict[int, dict[str, StageMove]]:
    """Project id → stage → the move that brought the project there (its own history, not
    what came with a merged record)."""
    out: dict[int, dict[str, StageMove]] = {}
    moves = StageMove.objects.filter(project__in=list(projects), merged_from__isnull=True)
    for move in moves.order_by("on", "pk"):
        out.setdefault(move.project_id, {})[move.to_stage] = move
    return out


def tranches_for(projects: Iterable[Project]) -> QuerySet[FundTranche]:
    return FundTranche.objects.filter(project__in=list(projects)).order_by("project_id", "on", "pk")


def plans_for(projects: Iterable[Project]) -> QuerySet[KeyProjectPlan]:
    return KeyProjectPlan.objects.filter(project__in=list(projects)).order_by("project_id", "year")


def reports_for(projects: Iterable[Project]) -> QuerySet[ProgressReport]:
    issues = ProgressIssue.objects.select_related("responsible_department").order_by("pk")
    return (
        ProgressReport.objects.filter(project__in=list(projects))
        .prefetch_related(Prefetch("issues", queryset=issues))
        .order_by("project_id", "month_key")
    )


#: The department that keeps the investment projects (招商局), by its code as the demo and
#: the carriers' forms name it: its editors may import before the ledger holds a project.
KEEPER = "investment"


def keeping_departments() -> frozenset[int]:
    """The departments that keep investment projects: those with projects, and 招商局."""
    ids = set(Project.objects.order_by().values_list("department_id", flat=True).distinct())
    ids.update(Department.objects.filter(code=KEEPER).values_list("pk", flat=True))
    return frozenset(ids)
