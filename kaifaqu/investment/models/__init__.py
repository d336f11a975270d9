"""The investment promotion ledgers (双招双引): projects and their stage history, follow-ups,
files, funds received, key projects' plans and progress reports, talent and its subsidies.

Amounts are kept in 万元 as the bureau records them; figures convert to the unit a report
prints (亿元 for investment, 万元 for subsidies). One module per kind of record, as the
services are; everything is importable from here.
"""

from .key_projects import IssueKind, KeyProjectPlan, ProgressIssue, ProgressReport
from .leads import Lead, LeadStatus
from .projects import Capital, KeyLevel, Project, Source, StageMove
from .records import FollowUp, FollowUpKind, FundTranche, ProjectFile
from .talent import AwardStatus, TalentAward, TalentLevel, TalentProgramme, TalentSubsidy

__all__ = [
    "AwardStatus",
    "Capital",
    "FollowUp",
    "FollowUpKind",
    "FundTranche",
    "IssueKind",
    "KeyLevel",
    "KeyProjectPlan",
    "Lead",
    "LeadStatus",
    "ProgressIssue",
    "ProgressReport",
    "Project",
    "ProjectFile",
    "Source",
    "StageMove",
    "TalentAward",
    "TalentLevel",
    "TalentProgramme",
    "TalentSubsidy",
]
