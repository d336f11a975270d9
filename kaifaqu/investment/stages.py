"""The stages of an investment project and the moves between them.

    lead → negotiating → signed → started → under_construction → operating
    any stage before operating → dropped (with a reason)

A move goes one stage forward, never skips one and never goes back; operating and dropped
are final. Three moves need evidence: signing needs the agreement, starting the start
confirmation, operating the date operation began (the move's date, which must not come
before the start). Pure rules here; the service applies them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    LEAD = "lead", _("Lead")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    STARTED = "started", _("Started")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    OPERATING = "operating", _("Operating")
    DROPPED = "dropped", _("Dropped")


class EvidenceKind(models.TextChoices):
    NOTE = "note", _("Note")
    AGREEMENT = "agreement", _("Signed agreement")
    START_CONFIRMATION = "start_confirmation", _("Start confirmation")
    OPERATION_DATE = "operation_date", _("Operation date")
    DROP_REASON = "drop_reason", _("Reason for dropping")


#: The pipeline in order (dropped is off it).
PIPELINE = (
    Stage.LEAD,
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.STARTED,
    Stage.UNDER_CONSTRUCTION,
    Stage.OPERATING,
)
FINAL = frozenset({Stage.OPERATING, Stage.DROPPED})
#: Evidence each target stage needs, and whether a text (or file) must come with it.
EVIDENCE = {
    Stage.SIGNED: EvidenceKind.AGREEMENT,
    Stage.STARTED: EvidenceKind.START_CONFIRMATION,
    Stage.OPERATING: EvidenceKind.OPERATION_DATE,
    Stage.DROPPED: EvidenceKind.DROP_REASON,
}
NEEDS_TEXT_OR_FILE = frozenset({Stage.SIGNED, Stage.STARTED})
#: Stages whose date the project keeps in a field of its own, for queries.
DATE_FIELDS = {
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "started_on",
    Stage.OPERATING: "operating_on",
    Stage.DROPPED: "dropped_on",
}
#: Stages at which the project holds its carrier: reserved from negotiating, taken at signing.
HOLDS_CARRIER = frozenset(PIPELINE[1:])


def next_stage(stage: str) -> Stage | None:
    if stage in FINAL:
        return None
    return PIPELINE[PIPELINE.index(Stage(stage)) + 1]


def allowed_moves(stage: str) -> list[Stage]:
    """Where a project at ``stage`` may go: the next stage, or dropped."""
    following = next_stage(stage)
    return [] if following is None else [following, Stage.DROPPED]


def reached(stage: str, target: str) -> bool:
    """Whether a project at ``stage`` has passed through ``target`` (dropped: only itself)."""
    if stage == Stage.DROPPED or target == Stage.DROPPED:
        return stage == target
    return PIPELINE.index(Stage(stage)) >= PIPELINE.index(Stage(target))
