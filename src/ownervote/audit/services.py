"""Appending to and verifying the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils import timezone

from .chain import GENESIS, event_hash, normalise
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
    head, _ = AuditHead.objects.select_for_update().get_or_create(stream=stream)
    if head.seq == 0 and not head.hash:
        head.hash = GENESIS
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        stream=stream,
        seq=head.seq + 1,
        at=timezone.now(),
        actor=actor_obj,
        actor_label=(
            actor_obj.get_username() if actor_obj else (actor if isinstance(actor, str) else "system")
        ),
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        estate_id=estate_id,
        summary=normalise(summary or {}),
        prev_hash=head.hash,
    )
    event.hash = event_hash(_hashed_fields(event), event.prev_hash)
    event.save(force_insert=True)
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    return event


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
