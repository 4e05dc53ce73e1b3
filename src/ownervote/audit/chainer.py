"""Linking recorded events into their stream's hash chain (R-SEC-2), a moment after they commit.

``services.record`` only inserts: the event and its row in the chainer's queue (``AuditPending``),
in the transaction of the change it records, so that no cast of an estate waits for another on a
shared row. The chainer then, per stream and in one short transaction per batch:

1. locks the stream's head (``AuditHead``, created on the stream's first event): two chainers
   (two workers, or a worker and an anchor being taken) take turns, and the second one reads
   the queue only once the first has committed, so no event is linked twice and no seq is used
   twice (a unique constraint backs both);
2. reads the queued events of the stream in id order (the sequence's order) as committed *now*:
   an event whose transaction took a lower id but commits later is simply linked in a later batch,
   after the higher ids already linked, never skipped (it stays queued until linked);
3. appends one ``AuditLink`` per event (seq, previous hash, hash over the event and its seq),
   moves the head to the last one and removes the events from the queue.

The worker runs ``chain_pending`` every ``AUDIT_CHAIN_SECONDS`` (``core.periodic`` ticks, started
by ``manage.py worker``); anchors (daily, result, archive) call ``chain_stream`` first, so an
anchor always names a head that covers every event committed before it was taken.
"""

from __future__ import annotations

from django.db import transaction

from .chain import GENESIS, event_hash
from .models import AuditEvent, AuditHead, AuditLink, AuditPending
from .services import _hashed_fields

BATCH = 1000  # events linked per transaction (the head stays locked for one batch)


def _chain_batch(stream: str, limit: int) -> int:
    with transaction.atomic():
        AuditHead.objects.get_or_create(stream=stream)
        head = AuditHead.objects.select_for_update().get(stream=stream)
        ids = list(
            AuditPending.objects.filter(stream=stream)
            .order_by("event_id")
            .values_list("event_id", flat=True)[:limit]
        )
        if not ids:
            return 0
        # An event already linked (its queue row put back by hand) is dropped from the queue only.
        events = AuditEvent.objects.filter(pk__in=ids, link__isnull=True).order_by("id")
        seq, prev = head.seq, head.hash or GENESIS
        links = []
        for event in events:
            seq += 1
            digest = event_hash(_hashed_fields(event, seq), prev)
            links.append(AuditLink(event=event, stream=stream, seq=seq, prev_hash=prev, hash=digest))
            prev = digest
        AuditLink.objects.bulk_create(links)
        AuditPending.objects.filter(pk__in=ids).delete()
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
        return len(links)


def chain_stream(stream: str, *, batch: int = BATCH) -> int:
    """Link every queued event of ``stream`` (those committed, or written by the caller's own
    transaction); how many were linked. Safe to run anywhere, any number of times at once."""
    total = 0
    while (done := _chain_batch(stream, batch)) > 0:
        total += done
        if done < batch:
            break
    return total


def chain_pending(*, batch: int = BATCH) -> int:
    """Link the queued events of every stream (the worker's tick); how many were linked."""
    streams = list(AuditPending.objects.order_by("stream").values_list("stream", flat=True).distinct())
    return sum(chain_stream(stream, batch=batch) for stream in streams)
