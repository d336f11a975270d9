"""The stages of an investment project and the moves between them.

    lead → negotiating → signed → started → under_construction → operating
    any stage before operating → dropped (with a reason)

A move goes one stage forward, never skips one and never goes back; operating and dropped
are final. Three moves need evidence: signing needs the agreement, starting the start
confirmation, operating the date operation began (the move's date, which must not come
before the start); dropping needs a reason. Signing needs the contracted investment stated,
starting the total investment. A move is never dated before the project's last move.

The rules live here and only here, as pure functions that say what is wrong (in the user's
language) and write nothing: the services apply them to one move and refuse it, the
investment workbook's reader applies them to the moves a row makes and lists what is wrong.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext
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
#: The kind of evidence a move to each stage records.
EVIDENCE = {
    Stage.SIGNED: EvidenceKind.AGREEMENT,
    Stage.STARTED: EvidenceKind.START_CONFIRMATION,
    Stage.OPERATING: EvidenceKind.OPERATION_DATE,
    Stage.DROPPED: EvidenceKind.DROP_REASON,
}
#: The moves that need their evidence given (a text or a file; for dropping, the reason),
#: and what is said when it is not.
EVIDENCE_MISSING = {
    Stage.SIGNED: _(
        "Signing needs its evidence: the agreement (its title or number, or the signed file)."
    ),
    Stage.STARTED: _(
        "Starting needs its evidence: the start confirmation (its number, or the file)."
    ),
    Stage.DROPPED: _("Say why the project is dropped."),
}
#: The amount a move needs the project to state, and what is said when it does not.
AMOUNT_NEEDED = {
    Stage.SIGNED: ("contract_investment", _("Enter the contracted investment before signing.")),
    Stage.STARTED: ("total_investment", _("Enter the total investment before the start.")),
}
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


def label(stage: str) -> str:
    """The stage's name inside a sentence: "signed", "under construction"."""
    return str(Stage(stage).label).lower()


def move_refusal(current: str, to: str, *, several: bool = False) -> str | None:
    """Why a project at ``current`` cannot move to ``to``, or None. ``several``: the move may
    pass through the stages between (an import states where a project is now, and makes each
    move on the way, each checked here with its evidence and date)."""
    if to not in Stage.values:
        return gettext("Unknown stage.")
    here, target = Stage(current), Stage(to)
    if here in FINAL:
        return gettext("The project is %(stage)s; it moves no further.") % {"stage": label(here)}
    if target in allowed_moves(here):
        return None
    if PIPELINE.index(target) <= PIPELINE.index(here):
        return gettext("A project does not move back: it is %(stage)s already.") % {
            "stage": label(here)
        }
    if several:
        return None
    return gettext(
        "A project moves one stage at a time: from %(current)s it goes to %(next)s, not %(target)s."
    ) % {"current": label(here), "next": label(next_stage(here)), "target": label(target)}


def path(current: str, to: str, dated: Collection[str] = ()) -> list[Stage]:
    """The moves that take a project from ``current`` to ``to``, one stage at a time (a move
    ``move_refusal(..., several=True)`` accepts). Dropped is reached through the stages of
    ``dated`` (those the caller has a date for) up to the furthest, then dropped."""
    here, target = Stage(current), Stage(to)
    if target == here:
        return []
    start = PIPELINE.index(here)
    if target == Stage.DROPPED:
        ahead = PIPELINE[start + 1 :]
        furthest = max((i + 1 for i, s in enumerate(ahead) if s in dated), default=0)
        return [*ahead[:furthest], Stage.DROPPED]
    return list(PIPELINE[start + 1 : PIPELINE.index(target) + 1])


def date_refusal(on: date, since: date) -> str | None:
    """Why a move dated ``on`` cannot follow the last move, dated ``since``, or None."""
    if on < since:
        return gettext(
            "The project's last move is dated %(date)s; a move cannot be dated earlier."
        ) % {"date": since.isoformat()}
    return None


@dataclass(frozen=True)
class Problem:
    """What a move lacks. ``field`` is ``"evidence"`` (the agreement, the start confirmation
    or the reason for dropping: what ``EVIDENCE`` names), ``"contract_investment"`` or
    ``"total_investment"``; each caller puts the message on its own field or column."""

    field: str
    message: str


def move_problems(
    to: str,
    *,
    evidence: bool,
    contract_investment: Decimal | None,
    total_investment: Decimal | None,
) -> list[Problem]:
    """What a move to ``to`` lacks, the evidence first. ``evidence``: whether the move comes
    with its evidence (a text or a file; for dropping, the reason); the amounts are the ones
    the project states."""
    target = Stage(to)
    amounts = {"contract_investment": contract_investment, "total_investment": total_investment}
    problems: list[Problem] = []
    if target in EVIDENCE_MISSING and not evidence:
        problems.append(Problem("evidence", str(EVIDENCE_MISSING[target])))
    if target in AMOUNT_NEEDED:
        field, message = AMOUNT_NEEDED[target]
        if amounts[field] is None:
            problems.append(Problem(field, str(message)))
    return problems


def stage_field_problems(
    *,
    signed_on: date | None,
    started_on: date | None,
    contract_investment: Decimal | None,
    total_investment: Decimal | None,
) -> list[Problem]:
    """What a project must go on stating once it has reached a stage: a change may not blank
    the amount its signing or its start needed."""
    problems: list[Problem] = []
    if signed_on and contract_investment is None:
        message = gettext("A signed project states its contracted investment.")
        problems.append(Problem("contract_investment", message))
    if started_on and total_investment is None:
        message = gettext("A started project states its total investment.")
        problems.append(Problem("total_investment", message))
    return problems
