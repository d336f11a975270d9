"""The audit log: one hash-chained row per audited event.

Each row's hash is HMAC-SHA256, under a key kept outside the database
(``settings.KAIFAQU_AUDIT_KEY``), over its own content and the previous row's hash, so
altering,
removing or reordering a row breaks the chain from that row on; ``verify_chain`` names the
first row that no longer matches. Writers append one at a time under a lock row, inside the
caller's transaction, so an audited change and its row commit or roll back together.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from . import audit_guard, bulk
from .context import current
from .models import AuditAction, AuditChainLock, AuditChange, AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

GENESIS_HASH = "0" * 64

#: Field names never written to the log, whatever the model; a model adds its own secrets
#: in ``audit_exclude`` (a tuple of field names).
SECRET_FIELDS = frozenset({"password"})


def _canonical(value: Any) -> Any:
    """What the log stores: the same before hashing and after any database's round trip.

    PostgreSQL's jsonb rewrites numbers (1e16 comes back as 10000000000000000, -0.0 as 0.0)
    and refuses NUL characters, so floats are kept as their shortest repr and NUL becomes
    U+FFFD. Integers, text, booleans and null pass through; objects are re-keyed by sorting
    when hashed, so jsonb's key order does not matter.
    """
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {_canonical(str(k)): _canonical(v) for k, v in value.items()}
    raise TypeError(f"not JSON: {type(value).__name__}")


def to_json(value: Any) -> Any:
    """The value as plain JSON types (dates, decimals and the like as text), canonical."""
    if value is None:
        return None
    return _canonical(json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)))


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-ready copy of the instance's concrete fields (foreign keys as ids)."""
    data: dict[str, Any] = {}
    excluded = SECRET_FIELDS.union(getattr(instance, "audit_exclude", ()))
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in excluded:
            continue
        value = field.value_from_object(instance)
        if isinstance(field, models.DecimalField) and isinstance(value, Decimal):
            # As the database will hold it, so a row reads the same before and after a reload.
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
        data[field.attname] = value
    # ``to_json`` keeps a dict a dict; the annotation says so where its ``Any`` cannot.
    result: dict[str, Any] = to_json(data)
    return result


def audit_key() -> bytes:
    """The chain's HMAC key: the setting, else (development) one made once in var/."""
    key: str = settings.KAIFAQU_AUDIT_KEY
    if not key:
        import secrets

        path = settings.VAR_DIR / "audit_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        key = path.read_text().strip()
    return key.encode("utf-8")


def describe(obj: models.Model) -> str:
    """How a row names an object: its text, or for a record about a person (a model with
    ``audit_pseudonymous = True``: accounts, visitors, leads) a pseudonym of its type and id
    ("user #12"), so that erasing the person leaves their name in no row."""
    if getattr(obj, "audit_pseudonymous", False):
        return f"{obj._meta.model_name} #{obj.pk}"
    return str(obj)


def _digest(entry: AuditEntry) -> str:
    body = {
        "seq": entry.seq,
        "created_at": entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_username": entry.actor_username,
        "ip": entry.ip,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(audit_key(), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def record(
    action: AuditAction | str,
    *,
    actor: User | AnonymousUser | None = None,
    actor_label: str = "",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
    ip: str | None = None,
) -> AuditEntry:
    """Append one row to the audit log and return it."""
    context = current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or describe(obj)[:255]
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        AuditChainLock.objects.select_for_update().get_or_create(pk=1)
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        last_seq, last_hash = last or (0, GENESIS_HASH)
        entry = AuditEntry(
            seq=last_seq + 1,
            created_at=timezone.now(),
            actor_id=user.pk if user is not None else None,
            actor_username=_canonical(
                user.get_username() if user is not None else actor_label or context.label
            )[:150],
            ip=ip if ip is not None else context.ip,
            action=str(action),
            object_type=object_type,
            object_id=str(object_id)[:64],
            object_repr=_canonical(object_repr)[:255],
            before=to_json(before),
            after=to_json(after),
            prev_hash=last_hash,
        )
        entry.hash = _digest(entry)
        entry.save()
    return entry


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    entry_id: int
    reason: str

    def __str__(self) -> str:
        return f"row #{self.seq} (id {self.entry_id}): {self.reason}"


def chain_start() -> tuple[int, str] | None:
    """Where the chain begins: (1, the genesis hash), or after a retention purge the first
    remaining row's seq and previous hash, when a purge row (itself in the chain) vouches
    for them: it names the last row it deleted and that row's hash. None for an empty log
    or a first row no purge vouches for (rows cut from the start)."""
    first = AuditEntry.objects.order_by("seq").values_list("seq", "prev_hash").first()
    if first is None:
        return None
    seq, prev_hash = first
    if seq == 1:
        return (1, GENESIS_HASH)
    purges = AuditEntry.objects.filter(action=AuditAction.PURGE, seq__gte=seq).order_by("-seq")
    for after in purges.values_list("after", flat=True).iterator():
        if (
            isinstance(after, dict)
            and after.get("through_seq") == seq - 1
            and after.get("last_hash") == prev_hash
        ):
            return (seq, prev_hash)
    return None


def verify_chain(batch_size: int = 2000) -> ChainBreak | None:
    """Recompute every hash in order; return the first row that breaks the chain, or None.

    The chain starts at row #1 from the genesis hash, or where a retention purge (a purge
    row later in the chain, checked with it) says the rows it deleted ended."""
    expected_seq, expected_prev = chain_start() or (1, GENESIS_HASH)
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return ChainBreak(entry.seq, entry.pk, f"expected row #{expected_seq}: rows missing")
        if entry.prev_hash != expected_prev:
            return ChainBreak(entry.seq, entry.pk, "previous hash does not match the row before")
        if _digest(entry) != entry.hash:
            return ChainBreak(entry.seq, entry.pk, "content does not match its hash")
        if not verify_changes(entry):
            return ChainBreak(entry.seq, entry.pk, "its change rows do not match its hash")
        expected_prev = entry.hash
        expected_seq += 1
    return None


# -- the changes of a bulk write -------------------------------------------------------------

#: Change rows written per INSERT batch; the list of a batch is all that is held in memory.
CHANGES_BATCH = 2000
#: The columns of a change row, in the order ``ChangeLog`` keeps its pending rows.
CHANGE_COLUMNS = ("batch", "n", "object_type", "object_id", "object_repr", "before", "after")


def _dumps(value: Any) -> str:
    """The one JSON form the change log hashes (sorted keys, no spaces, text as it is)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _change_line(change: AuditChange) -> bytes:
    body = [
        change.n,
        change.object_type,
        change.object_id,
        change.object_repr,
        change.before,
        change.after,
    ]
    return _dumps(body).encode("utf-8") + b"\n"


class ChangeLog:
    """The records a bulk write (an import) changes, audited as one event.

    ``add`` each change as it is written; the rows go to ``AuditChange`` in batches, so memory
    holds one batch whatever the size of the import. ``summary()`` goes into the one audit
    entry of the event (``record(..., after={..., "changes": log.summary()})``): the batch,
    the count and the SHA-256 of the rows, which the entry's hash then covers. With
    ``write=False`` (a dry run, rolled back) changes are only counted.

    Each change is serialised once: the line hashed is composed of the JSON of its parts
    (the same bytes ``_change_line`` makes of the row read back, which ``verify_changes``
    checks), and where the database keeps JSON as text that JSON is what is stored; the
    rows are inserted as plain parameters, without a model instance each.
    """

    def __init__(self, *, write: bool = True):
        self.batch = uuid.uuid4().hex
        self.count = 0
        self.write = write
        self._digest = hashlib.sha256()
        self._pending: list[tuple[Any, ...]] = []
        self._stored_as_text = bulk.json_stored_as_text()

    def add(
        self, *, object_type: str, object_id: Any, object_repr: str, before: Any, after: Any
    ) -> None:
        """``before`` and ``after`` are JSON-ready (text, numbers as text, None)."""
        self.count += 1
        if not self.write:
            return  # a dry run records nothing: counting is all its summary needs
        object_id = str(object_id)[:64]
        object_repr = _canonical(object_repr)[:255]
        before, after = _canonical(before), _canonical(after)
        before_json, after_json = _dumps(before), _dumps(after)
        line = (
            f"[{self.count},{_dumps(object_type)},{_dumps(object_id)},{_dumps(object_repr)},"
            f"{before_json},{after_json}]\n"
        )
        self._digest.update(line.encode("utf-8"))
        self._pending.append(
            (
                self.batch,
                self.count,
                object_type,
                object_id,
                object_repr,
                self._stored(before, before_json),
                self._stored(after, after_json),
            )
        )
        if len(self._pending) >= CHANGES_BATCH:
            self.flush()

    def _stored(self, value: Any, text: str) -> Any:
        """A JSON column's parameter: SQL NULL for None (as the model field stores it), the
        JSON already made where the database keeps JSON as text, else the backend's own."""
        if value is None:
            return None
        return text if self._stored_as_text else bulk.json_parameter(value)

    def flush(self) -> None:
        if self._pending:
            bulk.insert_rows(AuditChange, CHANGE_COLUMNS, self._pending)
            self._pending = []

    def summary(self) -> dict[str, Any]:
        self.flush()
        return {"batch": self.batch, "count": self.count, "sha256": self._digest.hexdigest()}


def verify_changes(entry: AuditEntry) -> bool:
    """Whether the change rows of an entry recorded with a ``ChangeLog`` are those it
    recorded: as many, in order, with the SHA-256 its hash covers. True for an entry
    without changes."""
    summary = (entry.after or {}).get("changes") if isinstance(entry.after, dict) else None
    if not isinstance(summary, dict):
        return True
    digest = hashlib.sha256()
    count = 0
    rows = AuditChange.objects.filter(batch=summary["batch"]).order_by("n")
    for count, change in enumerate(rows.iterator(chunk_size=CHANGES_BATCH), start=1):
        if change.n != count:
            return False
        digest.update(_change_line(change))
    return bool(count == summary["count"] and digest.hexdigest() == summary["sha256"])


# -- anchoring the head outside the database ------------------------------------------------


def anchor_head() -> dict[str, Any]:
    """Append the chain's head (time, last row's id, seq and hash, row count) as one JSON
    line to ``settings.KAIFAQU_AUDIT_ANCHOR_FILE`` (and to syslog if
    ``KAIFAQU_AUDIT_ANCHOR_SYSLOG``); return it. Run daily and at each export of the log, so
    that rows deleted at the end of the chain (which a chain alone cannot show) are found
    by ``verify_anchors``. A plain function, for a scheduler to call."""
    last = AuditEntry.objects.order_by("-seq").values_list("pk", "seq", "hash").first()
    entry_id, seq, digest = last or (None, 0, GENESIS_HASH)
    anchor = {
        "time": timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
        "id": entry_id,
        "seq": seq,
        "hash": digest,
        "rows": AuditEntry.objects.count(),
    }
    line = _dumps(anchor)
    path = Path(settings.KAIFAQU_AUDIT_ANCHOR_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (line + "\n").encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    if settings.KAIFAQU_AUDIT_ANCHOR_SYSLOG:
        import syslog

        syslog.openlog("kaifaqu", 0, syslog.LOG_AUTHPRIV)
        syslog.syslog(syslog.LOG_NOTICE, f"audit head {line}")
    return anchor


def last_anchor() -> dict[str, Any] | None:
    """The last line of the anchor file, or None where nothing was anchored yet."""
    path = Path(settings.KAIFAQU_AUDIT_ANCHOR_FILE)
    if not path.exists():
        return None
    last = None
    with path.open(encoding="utf-8") as lines:
        for text in lines:
            if text.strip():
                last = text
    if last is None:
        return None
    anchor: dict[str, Any] = json.loads(last)
    return anchor


def verify_anchors() -> ChainBreak | None:
    """Compare the log with its last anchor: the anchored row must still be there with the
    anchored hash, and as many rows up to it (less those a retention purge deleted since).
    None if so (or nothing is anchored, or the anchored row was purged)."""
    anchor = last_anchor()
    if anchor is None or not anchor["seq"]:
        return None
    seq, entry_id = int(anchor["seq"]), int(anchor["id"])
    row = AuditEntry.objects.filter(seq=seq).values_list("pk", "hash").first()
    start = chain_start()
    if row is None and start is not None and seq < start[0]:
        return None  # anchored before the rows a retention purge deleted: nothing to compare
    if row is None:
        return ChainBreak(
            seq, entry_id, f"the last anchored row ({anchor['time']}) is missing: rows deleted"
        )
    if row[1] != anchor["hash"]:
        return ChainBreak(seq, row[0], f"its hash differs from the one anchored {anchor['time']}")
    count = AuditEntry.objects.filter(seq__lte=seq).count()
    expected = int(anchor["rows"])
    start = chain_start()
    if start is not None and start[0] > 1:
        # Rows the anchored log held that a retention purge has deleted since.
        anchored_from = seq - expected + 1
        expected -= max(0, min(expected, start[0] - anchored_from))
    if count < expected:
        return ChainBreak(seq, row[0], f"{count} rows up to it, {expected} anchored: rows deleted")
    return None


# -- retention ----------------------------------------------------------------------------


class PurgeRefused(ValueError):
    """A purge asked to delete rows younger than the retention; nothing was deleted."""


@dataclass(frozen=True)
class Purge:
    """What a retention purge deleted: entries and change rows older than ``cutoff``, the
    entries up to ``through_seq``, recorded by the purge row ``entry`` (None: nothing)."""

    cutoff: datetime
    entries: int
    changes: int
    through_seq: int | None
    entry: AuditEntry | None


def retention_days() -> int:
    """``KAIFAQU_AUDIT_RETENTION_DAYS``, refused below the 180 days the database enforces
    (the system check ``kaifaqu.E002`` says so at start)."""
    days = int(settings.KAIFAQU_AUDIT_RETENTION_DAYS)
    if days < audit_guard.RETENTION_FLOOR_DAYS:
        raise ImproperlyConfigured(
            f"KAIFAQU_AUDIT_RETENTION_DAYS is {days}: audit rows are kept at least "
            f"{audit_guard.RETENTION_FLOOR_DAYS} days."
        )
    return days


def purge(*, before: datetime | None = None) -> Purge:
    """Delete the audit rows older than the retention (or than ``before``, which may not be
    later than now minus the retention), and the change rows of the entries deleted.

    Only a run of rows from the start of the chain goes, up to the first row that is not old
    enough, so the rest stays one chain. The purge writes its own row first (``purge``: how
    many rows, the last deleted seq and its hash), which is what lets ``verify_chain``
    start from the first remaining row; the deletes run under ``audit_guard.purging``, and
    the database's triggers refuse any row younger than 180 days by its own clock."""
    days = retention_days()
    latest = timezone.now() - timedelta(days=days)
    cutoff = latest if before is None else before
    if cutoff > latest:
        raise PurgeRefused(
            f"audit rows are kept {days} days: the latest cut-off now is "
            f"{timezone.localtime(latest):%Y-%m-%d %H:%M:%S %z}, not "
            f"{timezone.localtime(cutoff):%Y-%m-%d %H:%M:%S %z}; nothing deleted"
        )
    with transaction.atomic():
        AuditChainLock.objects.select_for_update().get_or_create(pk=1)
        old = AuditEntry.objects.filter(created_at__lt=cutoff)
        first_young = (
            AuditEntry.objects.filter(created_at__gte=cutoff)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        if first_young is not None:
            old = old.filter(seq__lt=first_young)
        last = old.order_by("-seq").values_list("seq", "hash").first()
        if last is None:
            return Purge(cutoff, 0, 0, None, None)
        through_seq, last_hash = last
        first_seq = old.order_by("seq").values_list("seq", flat=True).first()
        rows = old.count()
        batches = [
            str(batch)
            for batch in old.filter(after__has_key="changes")
            .values_list("after__changes__batch", flat=True)
            .iterator()
            if batch
        ]
        changes = sum(
            AuditChange.objects.filter(batch__in=batches[i : i + CHANGES_BATCH]).count()
            for i in range(0, len(batches), CHANGES_BATCH)
        )
        entry = record(
            AuditAction.PURGE,
            actor_label="system:purge_audit",
            object_type=AuditEntry._meta.label_lower,
            object_repr=f"#{first_seq}-#{through_seq}",
            after={
                "rows": rows,
                "change_rows": changes,
                "through_seq": through_seq,
                "last_hash": last_hash,
                "cutoff": cutoff.astimezone(UTC).isoformat(timespec="seconds"),
                "retention_days": days,
            },
        )
        quote = connection.ops.quote_name
        with audit_guard.purging(), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {quote(AuditEntry._meta.db_table)} WHERE seq <= %s",  # noqa: S608
                [through_seq],
            )
            deleted = cursor.rowcount
            for i in range(0, len(batches), CHANGES_BATCH):
                chunk = batches[i : i + CHANGES_BATCH]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"DELETE FROM {quote(AuditChange._meta.db_table)} "  # noqa: S608
                    f"WHERE batch IN ({marks})",
                    chunk,
                )
        if deleted != rows:  # pragma: no cover (the chain's lock keeps the rows still)
            raise RuntimeError(f"purge deleted {deleted} rows, {rows} expected")
    return Purge(cutoff, rows, changes, through_seq, entry)
