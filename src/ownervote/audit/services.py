"""Appending to and verifying the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection, models
from django.utils import timezone

from ownervote.core import bulk, prepared

from .chain import GENESIS, event_hash, normalise
from .models import AuditEvent, AuditHead, AuditLink, AuditPending

GLOBAL_STREAM = "global"


def stream_for(estate_id: int | None) -> str:
    return f"estate:{estate_id}" if estate_id else GLOBAL_STREAM


def _hashed_fields(event: AuditEvent, seq: int) -> dict[str, Any]:
    """What a link's hash covers besides the previous hash: the event's content and its ``seq``."""
    return {
        "stream": event.stream,
        "seq": seq,
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
    must commit or roll back with the change it describes). Two inserts and no shared row: the
    event and its place in the chainer's queue; the chainer (``audit.chainer``, run by the worker
    and before any anchor) links it into its stream's hash chain a moment after it commits."""
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
    event.at = timezone.now()
    if connection.vendor == "postgresql":
        _insert_with_pending(event)
    else:
        event.save(force_insert=True)
        AuditPending.objects.create(event=event, stream=stream)
    return event


def _insert_with_pending(event: AuditEvent) -> None:
    """PostgreSQL: the event and its place in the chainer's queue in one statement (one round
    trip on the path of every cast, R-SEC-2); sets the event's id, at the end of the
    ``prepared.batch()`` it runs in if any (the cast's)."""
    cols, rows, params = bulk.values_of(_event_fields(), [event])

    def inserted(cursor) -> None:
        bulk.saved(event, cursor.fetchone()[0])

    prepared.deferred(_event_sql(cols, rows), params, then=inserted)


@cache
def _event_fields() -> tuple:
    return tuple(bulk.columns_of(AuditEvent))


@cache
def _event_sql(cols: str, rows: str) -> str:
    """The statement of ``_insert_with_pending``, composed once per process."""
    qn = connection.ops.quote_name
    # Names come from the models' _meta and are quoted; every value is a parameter.
    return f"""
WITH e AS (INSERT INTO {qn(AuditEvent._meta.db_table)} ({cols}) VALUES {rows} RETURNING id, stream)
INSERT INTO {qn(AuditPending._meta.db_table)} (event_id, stream) SELECT id, stream FROM e
RETURNING event_id"""  # noqa: S608


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
    """Walk one chain from its first link; return the first break, or None when intact. Events
    not linked yet are not part of the chain (``unchained`` reports them)."""
    prev = GENESIS
    expected_seq = 1
    links: Iterator[AuditLink] = (
        AuditLink.objects.filter(stream=stream).select_related("event").order_by("seq").iterator(2000)
    )
    for link in links:
        event = link.event
        if link.seq != expected_seq:
            return Break(
                stream, expected_seq, None, f"row seq {expected_seq} is missing (next is {link.seq})"
            )
        if link.prev_hash != prev:
            return Break(stream, link.seq, event.pk, "prev_hash does not match the previous row")
        if event.stream != stream or event_hash(_hashed_fields(event, link.seq), prev) != link.hash:
            return Break(stream, link.seq, event.pk, "content does not match its hash (row altered)")
        prev = link.hash
        expected_seq += 1
    head = AuditHead.objects.filter(stream=stream).first()
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or (last_seq and head.hash != prev)):
        return Break(stream, head.seq, None, f"chain ends at seq {last_seq} but its head says {head.seq}")
    return None


def all_streams() -> set[str]:
    streams = set(AuditHead.objects.values_list("stream", flat=True))
    streams |= set(AuditEvent.objects.values_list("stream", flat=True).distinct())
    return streams


def verify_all() -> tuple[int, list[Break]]:
    streams = all_streams()
    breaks = [b for s in sorted(streams) if (b := verify_stream(s))]
    return len(streams), breaks


@dataclass(frozen=True)
class Tail:
    """The events of one stream the chainer has not linked yet."""

    stream: str
    events: int
    oldest_at: dt.datetime

    def age(self, now: dt.datetime) -> dt.timedelta:
        return max(now - self.oldest_at, dt.timedelta(0))

    def describe(self, now: dt.datetime) -> str:
        return (
            f"stream {self.stream}: {self.events} events not yet chained, the oldest "
            f"{self.age(now).total_seconds():.0f} s old"
        )


def unchained() -> list[Tail]:
    """Every event without a link (whatever the chainer's queue says), by stream."""
    rows = (
        AuditEvent.objects.filter(link__isnull=True)
        .values("stream")
        .annotate(n=models.Count("id"), oldest=models.Min("at"))
        .order_by("stream")
    )
    return [Tail(r["stream"], r["n"], r["oldest"]) for r in rows]
