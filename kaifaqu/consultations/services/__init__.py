"""Writes to consultations: atomic, checked, audited. A refusal (ValidationError, with a
message by field where it is about a field; ``RateLimited`` with ``retry_after`` for too many
submissions) changes nothing: no row, no file, no message in the outbox."""

from ..limits import RateLimited
from ._common import ANONYMISED, NOTICE_VERSION
from .conversation import (
    consultation_close,
    consultation_convert,
    consultation_reassign,
    consultation_reply,
    consultation_visitor_reply,
    route_set,
)
from .reminders import FollowUp, remind_overdue
from .submit import Submission, consultation_submit, hotline_call_log
from .visitors import (
    consultations_anonymise,
    sign_in_link_redeem,
    sign_in_link_request,
    visitor_erase,
    visitor_update,
)

__all__ = [
    "ANONYMISED",
    "NOTICE_VERSION",
    "FollowUp",
    "RateLimited",
    "Submission",
    "consultation_close",
    "consultation_convert",
    "consultation_reassign",
    "consultation_reply",
    "consultation_submit",
    "consultation_visitor_reply",
    "consultations_anonymise",
    "hotline_call_log",
    "remind_overdue",
    "route_set",
    "sign_in_link_redeem",
    "sign_in_link_request",
    "visitor_erase",
    "visitor_update",
]
