"""Writes of the portal: the policy library and visitors' saved items."""

from .policies import (
    policy_attachment_add,
    policy_attachment_remove,
    policy_create,
    policy_publish,
    policy_revise,
    policy_update,
    policy_withdraw,
)
from .saved import saved_item_add, saved_item_remove

__all__ = [
    "policy_attachment_add",
    "policy_attachment_remove",
    "policy_create",
    "policy_publish",
    "policy_revise",
    "policy_update",
    "policy_withdraw",
    "saved_item_add",
    "saved_item_remove",
]
