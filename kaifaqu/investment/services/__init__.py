"""Writes to the investment ledgers: atomic, permission-checked (招商局's editors change its
records, zone administrators all), validated, audited. One module per kind of record;
everything is importable from here."""

from .key_projects import (
    COMPLETED_METRIC,
    key_project_plan_delete,
    key_project_plan_save,
    key_project_targets_sync,
    progress_issue_add,
    progress_issue_resolve,
    progress_report_save,
)
from .leads import lead_close, lead_convert, lead_record, leads_forget_contacts
from .projects import (
    DuplicateProjectError,
    MoveSpec,
    project_create,
    project_create_with_investor,
    project_merge,
    project_move,
    project_update,
)
from .records import (
    followup_create,
    followup_update,
    project_file_add,
    project_file_remove,
    tranche_create,
    tranche_delete,
    tranche_update,
)
from .talent import (
    talent_award_create,
    talent_award_update,
    talent_programme_create,
    talent_subsidy_create,
)

__all__ = [
    "COMPLETED_METRIC",
    "DuplicateProjectError",
    "MoveSpec",
    "followup_create",
    "followup_update",
    "key_project_plan_delete",
    "key_project_plan_save",
    "key_project_targets_sync",
    "lead_close",
    "lead_convert",
    "lead_record",
    "leads_forget_contacts",
    "progress_issue_add",
    "progress_issue_resolve",
    "progress_report_save",
    "project_create",
    "project_create_with_investor",
    "project_file_add",
    "project_file_remove",
    "project_merge",
    "project_move",
    "project_update",
    "talent_award_create",
    "talent_award_update",
    "talent_programme_create",
    "talent_subsidy_create",
    "tranche_create",
    "tranche_delete",
    "tranche_update",
]
