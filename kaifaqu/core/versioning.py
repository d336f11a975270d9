"""One versioned change: "change this record if it is still the version the user saw".

Every service that changes an existing ``Versioned`` row goes through ``versioned_update``:
it locks the row, checks the actor's rights on the row as stored, refuses a stale version
(``ConcurrentEditError``: HTTP 409 in the API, the same message everywhere), applies the
changes, validates, writes nothing when nothing changed, else bumps the version, saves and
audits the change with the row before and after.

A caller states the version it read. Forms and the API send the one they showed; a service
that creates the row when there is none (``value_save``, ``block_save``…) takes 0 for "there
was none". ``CURRENT`` is the one deliberate exception, for writers that saw no version
because no one showed them one: imports and commands overwriting with the figures they
bring, and writes the system makes on its own (a visitor's reply, an enquiry added to a
lead). Each use says why in a comment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from . import audit
from .models import AuditAction, Versioned

if TYPE_CHECKING:
    from .models import User

V = TypeVar("V", bound=Versioned)


class ConcurrentEditError(ValidationError):
    """Someone saved the record after this edit began; the edit is refused, not merged."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else saved this record while you were editing it. Reload it to see "
                "their change, then make yours again."
            ),
            code="concurrent_edit",
        )


class _Current:
    """The version stored now, whatever it is (see the module's docstring)."""

    def __repr__(self) -> str:
        return "CURRENT"


CURRENT: Final = _Current()

#: What a caller passes as the version it read: a number (0: "there was no row"), or CURRENT.
Version = int | _Current


def check_version(stored: int, version: Version) -> None:
    """Refuse a write from someone who read another version than the one stored."""
    if version is CURRENT:
        return
    if isinstance(version, bool) or not isinstance(version, int):
        raise TypeError(f"a version is an int or CURRENT, not {version!r}")
    if stored != version:
        raise ConcurrentEditError


def _values(obj: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _full_clean(obj: models.Model) -> None:
    obj.full_clean()


def versioned_update(
    obj: V,
    *,
    actor: User | None,
    version: Version,
    require: Callable[[V], None],
    changes: Mapping[str, Any] | None = None,
    editable: Iterable[str] | None = None,
    apply: Callable[[V], None] | None = None,
    clean: Callable[[V], None] | None = _full_clean,
    before_save: Callable[[V], None] | None = None,
    save: Callable[[V], None] | None = None,
    update_fields: Iterable[str] | None = None,
    note: Callable[[V], Mapping[str, Any]] | None = None,
    queryset: models.QuerySet[V] | None = None,
    locked: bool = False,
    always: bool = False,
) -> V:
    """Change ``obj`` if it is still at ``version``; returns the row as saved.

    - ``require(row)``: the actor's rights and the row's state, on the row as stored (locked),
      before the version is compared; refuses by raising.
    - ``changes``: field → value, set in order; a name outside ``editable`` (when given) is a
      programming error (ValueError).
    - ``apply(row)``: a change computed from the stored row (a status move, a message added),
      after ``changes``.
    - ``clean(row)``: validation, ``full_clean()`` by default; None when the caller validated
      what it sets.
    - Nothing changed (every field equals the stored value): no save, no audit row, the
      version stays; a caller tells by ``row.version == version``.
    - ``before_save(row)``: the checks and dependent writes only a real change needs.
    - ``save(row)``: instead of ``row.save()`` (or ``update_fields``, "version" added).
    - ``note(row)``: what the audit row's ``after`` holds besides the row's fields.
    - ``queryset``: where the row is locked from (to ``select_related`` what ``require``
      reads); ``locked``: the caller holds the row locked already in this transaction.
    - ``always``: the change is (also) in rows hanging off this one, which ``before_save``
      writes: save, bump and audit even when no field of the row changed.
    """
    if changes and editable is not None:
        unknown = set(changes) - set(editable)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
    if not locked:
        rows = queryset if queryset is not None else type(obj)._default_manager.all()
        obj = rows.select_for_update().get(pk=obj.pk)
    require(obj)
    check_version(obj.version, version)
    before = audit.snapshot(obj)
    stored = _values(obj)
    for name, value in (changes or {}).items():
        setattr(obj, name, value)
    if apply is not None:
        apply(obj)
    if clean is not None:
        clean(obj)
    if not always and _values(obj) == stored:
        return obj
    if before_save is not None:
        before_save(obj)
    obj.version += 1
    if save is not None:
        save(obj)
    elif update_fields is not None:
        obj.save(update_fields=[*update_fields, "version"])
    else:
        obj.save()
    after = audit.snapshot(obj)
    if note is not None:
        after.update(audit.to_json(dict(note(obj))))
    audit.record(AuditAction.UPDATE, actor=actor, obj=obj, before=before, after=after)
    return obj
