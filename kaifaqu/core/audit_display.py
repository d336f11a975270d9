"""The audit log in words: who acted (a person's account, or the system and what it ran),
what kind of record it was about (the model's name in the user's language), and what changed
(each field by its label: old → new), never the stored JSON or a model's code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEntry, actor_words, model_words

#: What the services write into a row beside a model's fields, by the key they write it under.
KEYS: dict[str, Any] = {
    "account_created": gettext_lazy("personal space created"),
    "api_token": gettext_lazy("API token"),
    "attachments": gettext_lazy("attachments"),
    "blocks": gettext_lazy("narrative blocks"),
    "blocks_from": gettext_lazy("blocks taken from"),
    "changed": gettext_lazy("changed"),
    "changes": gettext_lazy("changes"),
    "code": gettext_lazy("code"),
    "consultations": gettext_lazy("consultations"),
    "consultations_anonymised": gettext_lazy("consultations anonymised"),
    "counts": gettext_lazy("counts"),
    "department": gettext_lazy("department"),
    "enterprises": gettext_lazy("enterprises"),
    "escalated_at": gettext_lazy("escalated at"),
    "fields": gettext_lazy("fields"),
    "files": gettext_lazy("files"),
    "granted": gettext_lazy("role granted"),
    "head": gettext_lazy("chain head"),
    "key_metrics": gettext_lazy("key metrics"),
    "keys": gettext_lazy("keys"),
    "leads": gettext_lazy("leads"),
    "merged": gettext_lazy("merged"),
    "message": gettext_lazy("message"),
    "messages": gettext_lazy("messages sent"),
    "missing": gettext_lazy("missing"),
    "moved": gettext_lazy("moved"),
    "n": gettext_lazy("number"),
    "name": gettext_lazy("name"),
    "number": gettext_lazy("number"),
    "org": gettext_lazy("org unit"),
    "orgs": gettext_lazy("org units"),
    "password": gettext_lazy("password"),
    "purpose": gettext_lazy("purpose"),
    "recovery_code": gettext_lazy("recovery code"),
    "recovery_codes": gettext_lazy("recovery codes"),
    "recovery_codes_left": gettext_lazy("recovery codes left"),
    "reminded_at": gettext_lazy("reminder sent at"),
    "revoked": gettext_lazy("role revoked"),
    "scope": gettext_lazy("scope"),
    "second_factor": gettext_lazy("second factor"),
    "tables": gettext_lazy("tables"),
    "text": gettext_lazy("text"),
    "to": gettext_lazy("to"),
    "user": gettext_lazy("user"),
    "version": gettext_lazy("version"),
    "via": gettext_lazy("via"),
    "violations": gettext_lazy("violations"),
    "visitor": gettext_lazy("visitor"),
    "personal_data_changed": gettext_lazy("personal data changed"),
}
#: Values the services write in words of their own.
VALUES: dict[str, Any] = {
    "revoked": gettext_lazy("revoked"),
    "changed": gettext_lazy("changed"),
    "reset": gettext_lazy("reset"),
}

#: Kinds of object the log names that are no model.
OBJECT_TYPES: dict[str, Any] = {
    "stats.workbook": gettext_lazy("statistics workbook"),
    "investment.workbook": gettext_lazy("investment workbook"),
    "stats.synthetic": gettext_lazy("synthetic data"),
    "backup": gettext_lazy("backup"),
}

EMPTY = "—"
#: The key under which a row names the personal fields that changed (``services.user_update``).
PERSONAL = "personal_data_changed"


def actor_text(username: str) -> str:
    """A row's actor in words: the account's name, or 系统（加载演示数据） for
    system:load_demo (``models.actor_words``)."""
    if not username:
        return EMPTY
    if username == "system":
        return _("System")
    return actor_words(username)


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_text(object_type: str) -> str:
    """The kind of record by its verbose name (用户, never core.user)."""
    if not object_type:
        return EMPTY
    if object_type in OBJECT_TYPES:
        return str(OBJECT_TYPES[object_type])
    return model_words(object_type)


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


def _fields(model: type[models.Model] | None) -> dict[str, models.Field[Any, Any]]:
    if model is None:
        return {}
    out: dict[str, models.Field[Any, Any]] = {}
    for field in model._meta.concrete_fields:
        out[field.attname] = field
        out[field.name] = field
    return out


def _value_text(value: Any, field: models.Field[Any, Any] | None) -> str:
    if value is None or value == "":
        return EMPTY
    if field is not None and field.choices:
        for key, label in field.flatchoices:
            if str(key) == str(value):
                return str(label)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if isinstance(value, str) and value in VALUES:
        return str(VALUES[value])
    return str(value)


def _label(key: str, field: models.Field[Any, Any] | None) -> str:
    if field is not None:
        return str(field.verbose_name)
    if key in KEYS:
        return str(KEYS[key])
    return key.replace("_", " ")


def changes(entry: AuditEntry) -> list[FieldChange]:
    """Each field the row names, by its label, with its value before and after (— for none);
    a field whose value did not change is left out."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    fields = _fields(_model(entry.object_type))
    out = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        if key == PERSONAL and isinstance(new, list):
            # Personal data stays out of the log: which fields changed, not their values.
            out += [FieldChange(_label(n, fields.get(n)), EMPTY, _("changed")) for n in new]
            continue
        if key in before and key in after and old == new:
            continue
        field = fields.get(key)
        out.append(
            FieldChange(_label(key, field), _value_text(old, field), _value_text(new, field))
        )
    if not isinstance(entry.before, dict) and entry.before is not None:
        out.insert(0, FieldChange(_("before"), _value_text(entry.before, None), EMPTY))
    if not isinstance(entry.after, dict) and entry.after is not None:
        out.append(FieldChange(_("after"), EMPTY, _value_text(entry.after, None)))
    return out


def lines(rows: list[FieldChange]) -> list[str]:
    """Each change in words: 名称：旧 → 新."""
    return [
        _("%(field)s: %(old)s → %(new)s") % {"field": c.label, "old": c.old, "new": c.new}
        for c in rows
    ]


def changes_text(entry: AuditEntry) -> str:
    """The changes on one line each, as the export writes them."""
    return "\n".join(lines(changes(entry)))
