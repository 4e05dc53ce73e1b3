"""Appending to and verifying the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils import timezone

from .chain import GENESIS, canonical, event_hash, normalise
from .models import AuditEvent, AuditHead

GLOBAL_STREAM = "global"


def stream_for(estate_id: int | None) -> str:
    return f"estate:{estate_id}" if estate_id else GLOBAL_STREAM


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "stream": event.stream,
        "seq": event.seq,
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "estate_id": event.estate_id,
        "summary": event.summary,
    }


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    estate_id: int | None = None,
    summary: dict | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (it fails if there is none: an audit row
    must commit or roll back with the change it describes)."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must run inside the transaction of the change it records")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    stream = stream_for(estate_id)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        stream=stream,
        actor=actor_obj,
        actor_label=(
            actor_obj.get_username() if actor_obj else (actor if isinstance(actor, str) else "system")
        ),
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        estate_id=estate_id,
        summary=normalise(summary or {}),
    )
    if connection.vendor == "postgresql" and _append_pg(event):
        return event
    head, _ = AuditHead.objects.select_for_update().get_or_create(stream=stream)
    event.seq, event.prev_hash = head.seq + 1, head.hash or GENESIS
    event.at = timezone.now()  # under the lock: time follows the sequence
    event.hash = event_hash(_hashed_fields(event), event.prev_hash)
    event.save(force_insert=True)
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    return event


# The head row of a stream is what every event of an estate waits for (a vote's casts all write to
# it): on PostgreSQL it is held for two statements instead of three. The first takes the lock and
# the next number and gives back the previous hash; the second writes the event and the new hash.
_TAKE_SQL = "UPDATE audit_audithead SET seq = seq + 1 WHERE stream = %s RETURNING seq, hash"
_APPEND_SQL = """
WITH e AS (
  INSERT INTO audit_auditevent
    (stream, seq, at, actor_id, actor_label, action, object_type, object_id, estate_id, summary,
     prev_hash, hash)
  VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s)
  RETURNING id
)
UPDATE audit_audithead SET hash = %s WHERE stream = %s RETURNING (SELECT id FROM e)
"""


def _append_pg(event: AuditEvent) -> bool:
    """Append ``event`` with ``_TAKE_SQL`` and ``_APPEND_SQL``; False (nothing done) when the
    stream has no head row yet (its first event takes the portable path, which creates it)."""
    with connection.cursor() as c:
        c.execute(_TAKE_SQL, [event.stream])
        row = c.fetchone()
        if row is None:
            return False
        event.seq, event.prev_hash = row[0], row[1] or GENESIS
        event.at = timezone.now()  # under the lock: time follows the sequence
        event.hash = event_hash(_hashed_fields(event), event.prev_hash)
        c.execute(
            _APPEND_SQL,
            [
                event.stream,
                event.seq,
                event.at,
                event.actor_id,
                event.actor_label,
                event.action,
                event.object_type,
                event.object_id,
                event.estate_id,
                canonical(event.summary),
                event.prev_hash,
                event.hash,
                event.hash,
                event.stream,
            ],
        )
        event.pk = event.id = c.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias
    return True


@dataclass(frozen=True)
class Break:
    stream: str
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"row id={self.event_id}" if self.event_id else "missing row"
        return f"stream {self.stream}, seq {self.seq} ({where}): {self.reason}"


def verify_stream(stream: str) -> Break | None:
    """Walk one chain from its first event; return the first break, or None when intact."""
    prev = GENESIS
    expected_seq = 1
    events: Iterator[AuditEvent] = AuditEvent.objects.filter(stream=stream).order_by("seq").iterator(2000)
    for event in events:
        if event.seq != expected_seq:
            return Break(
                stream, expected_seq, None, f"row seq {expected_seq} is missing (next is {event.seq})"
            )
        if event.prev_hash != prev:
            return Break(stream, event.seq, event.pk, "prev_hash does not match the previous row")
        if event_hash(_hashed_fields(event), event.prev_hash) != event.hash:
            return Break(stream, event.seq, event.pk, "content does not match its hash (row altered)")
        prev = event.hash
        expected_seq += 1
    head = AuditHead.objects.filter(stream=stream).first()
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or (last_seq and head.hash != prev)):
        return Break(stream, head.seq, None, f"chain ends at seq {last_seq} but its head says {head.seq}")
    return None


def verify_all() -> tuple[int, list[Break]]:
    streams = set(AuditHead.objects.values_list("stream", flat=True))
    streams |= set(AuditEvent.objects.values_list("stream", flat=True).distinct())
    breaks = [b for s in sorted(streams) if (b := verify_stream(s))]
    return len(streams), breaks
