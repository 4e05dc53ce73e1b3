"""Chain heads anchored outside the database (R-SEC-5).

A hash chain proves that nobody changed an event *unless* they also recomputed every later hash
and the head; someone who can write the database can do exactly that, or cut the tail off, or
empty both tables. So the heads (stream, seq, hash) are written down where the database cannot
reach them afterwards:

- every day (``anchor_daily``, run by the worker through ``tasks``) each stream's head is kept in
  ``AuditAnchor`` and listed on the public page /p/audit/ and its JSON, which anybody may note,
  screenshot or archive;
- each result version carries its estate's head in its frozen content (covered by its result
  hash, on the public result page), and each exported archive carries it in its manifest
  (``heads_of_estate``, ``keep``).

``verify_with_anchors`` then checks that every anchor is still a prefix of the current chain: the
event at the anchor's seq exists and has the anchor's hash (the chain itself proves everything
before it), and the head is at or beyond it. A re-chained rewrite, a deleted tail and a truncation
all fail that for any anchor taken after the rewritten point.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from .chainer import chain_pending, chain_stream
from .models import AuditAnchor, AuditEvent, AuditHead, AuditLink
from .services import GLOBAL_STREAM, Break, Tail, all_streams, record, stream_for, unchained, verify_all

HASH_RE = re.compile(r"^[0-9a-f]{64}$")
ESTATE_PREFIX = "estate:"
_CHUNK = 500  # anchor seqs looked up per query


@dataclass(frozen=True)
class Anchor:
    """One head as somebody kept it; ``source`` says where (for the report)."""

    stream: str
    seq: int
    hash: str
    source: str = ""


def estate_of(stream: str) -> int | None:
    """The estate whose chain ``stream`` is (``services.stream_for``); None for the global one."""
    if stream.startswith(ESTATE_PREFIX) and stream[len(ESTATE_PREFIX) :].isdigit():
        return int(stream[len(ESTATE_PREFIX) :])
    return None


def heads_of_estate(estate_id: int) -> list[dict[str, Any]]:
    """The head of the estate's chain as it is now: ``[{"stream", "seq", "hash"}]`` (empty when
    the estate has no event yet). What a result version and an archive carry. The events queued
    for the chain are linked first (in the caller's transaction): the head covers every event
    committed before, and those the caller's own transaction wrote."""
    chain_stream(stream_for(estate_id))
    head = AuditHead.objects.filter(stream=stream_for(estate_id), seq__gte=1).first()
    return [{"stream": head.stream, "seq": head.seq, "hash": head.hash}] if head is not None else []


def keep(*, kind: str, heads: Iterable[dict], ref: str = "") -> list[AuditAnchor]:
    """Keep ``heads`` (as ``heads_of_estate`` gives them) as anchors of ``kind`` in the caller's
    transaction: a result version or an archive export, so that ``verify_audit`` checks them too."""
    now = timezone.now()
    rows = [
        AuditAnchor(
            stream=h["stream"],
            seq=h["seq"],
            hash=h["hash"],
            kind=kind,
            day=timezone.localdate(now),
            ref=ref,
            estate_id=estate_of(h["stream"]),
            recorded_at=now,
        )
        for h in heads
    ]
    return AuditAnchor.objects.bulk_create(rows)


def anchor_daily(*, day: dt.date | None = None) -> int:
    """Once a day: keep every stream's head as that day's anchor (one per stream and day, a
    database constraint; running twice adds nothing). Audited in the global stream. The queued
    events are chained first, so each anchor covers what was committed before it. Returns how
    many anchors were added."""
    chain_pending()
    now = timezone.now()
    day = day or timezone.localdate(now)
    with transaction.atomic():
        done = set(
            AuditAnchor.objects.filter(kind=AuditAnchor.Kind.DAILY, day=day).values_list("stream", flat=True)
        )
        rows = [
            AuditAnchor(
                stream=stream,
                seq=seq,
                hash=hash_,
                kind=AuditAnchor.Kind.DAILY,
                day=day,
                estate_id=estate_of(stream),
                recorded_at=now,
            )
            for stream, seq, hash_ in AuditHead.objects.filter(seq__gte=1)
            .order_by("stream")
            .values_list("stream", "seq", "hash")
            .iterator(2000)
            if stream not in done
        ]
        AuditAnchor.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        if rows:
            record(
                actor="system",
                action="audit.anchored",
                object_type="audit.auditanchor",
                summary={"day": day.isoformat(), "streams": len(rows)},
            )
            chain_stream(GLOBAL_STREAM)  # its own event too: the log is left fully chained
    return len(rows)


# --- checking --------------------------------------------------------------------------------


def _label(kind: str, day: dt.date, ref: str) -> str:
    return f"{kind} anchor of {day.isoformat()}" + (f" ({ref})" if ref else "")


def stored_anchors() -> Iterator[Anchor]:
    """The anchors kept in this database, by stream and seq (one per distinct head)."""
    rows = AuditAnchor.objects.order_by("stream", "seq", "id").values_list(
        "stream", "seq", "hash", "kind", "day", "ref"
    )
    for stream, seq, hash_, kind, day, ref in rows.iterator(5000):
        yield Anchor(stream, seq, hash_, _label(kind, day, ref))


def _check_stream(stream: str, anchors: list[Anchor]) -> Break | None:
    """The first anchor of ``stream`` (by seq) the current log does not extend, as a Break."""
    by_seq: dict[int, list[Anchor]] = {}
    for a in anchors:
        by_seq.setdefault(a.seq, []).append(a)
    seqs = sorted(by_seq)
    found: dict[int, tuple[str, int]] = {}
    for i in range(0, len(seqs), _CHUNK):
        chunk = seqs[i : i + _CHUNK]
        rows = AuditLink.objects.filter(stream=stream, seq__in=chunk).values_list("seq", "hash", "event_id")
        found.update({seq: (hash_, pk) for seq, hash_, pk in rows})
    for seq in seqs:
        for a in by_seq[seq]:
            if seq not in found:
                return Break(
                    stream,
                    seq,
                    None,
                    f"the log has no event at seq {seq}, but the {a.source} recorded it with hash "
                    f"{a.hash}: the log was truncated or its tail deleted",
                )
            actual, pk = found[seq]
            if actual != a.hash:
                return Break(
                    stream,
                    seq,
                    pk,
                    f"the event has hash {actual}, but the {a.source} recorded {a.hash}: the log "
                    "was rewritten and re-chained at or before this event",
                )
    head = AuditHead.objects.filter(stream=stream).first()
    last = seqs[-1]
    if head is None or head.seq < last:
        return Break(
            stream,
            last,
            None,
            f"the chain's head is at seq {head.seq if head else 0}, behind the {by_seq[last][0].source}",
        )
    return None


def check(anchors: Iterable[Anchor], *, presorted: bool = False) -> tuple[int, list[Break]]:
    """Check ``anchors`` against the current log: how many distinct heads were checked, and one
    Break per stream whose log no longer extends one of them. ``presorted``: they come by stream
    (the database's, streamed one stream at a time); otherwise they are sorted here."""
    if not presorted:
        anchors = sorted(anchors, key=lambda a: (a.stream, a.seq))
    checked, breaks = 0, []
    for stream, group in itertools.groupby(anchors, key=lambda a: a.stream):
        distinct = list({(a.seq, a.hash): a for a in group}.values())
        checked += len(distinct)
        found = _check_stream(stream, distinct)
        if found is not None:
            breaks.append(found)
    return checked, breaks


@dataclass
class Outcome:
    streams: int
    events: int
    stored: int  # distinct heads kept in this database that were checked
    external: int  # distinct heads given from outside (a file, --expect-head)
    breaks: list[Break] = field(default_factory=list)
    unchained: list[Tail] = field(default_factory=list)  # events the chainer has not linked yet


def verify_with_anchors(external: Iterable[Anchor] = ()) -> Outcome:
    """Walk every chain (``services.verify_all``) and check it against the anchors kept in this
    database and against ``external`` ones."""
    _, breaks = verify_all()
    stored, stored_breaks = check(stored_anchors(), presorted=True)
    external = list(external)
    given, given_breaks = check(external)
    streams = all_streams()
    streams |= set(AuditAnchor.objects.values_list("stream", flat=True).distinct())
    streams |= {a.stream for a in external}
    return Outcome(
        streams=len(streams),
        events=AuditEvent.objects.count(),
        stored=stored,
        external=given,
        breaks=breaks + stored_breaks + given_breaks,
        unchained=unchained(),
    )


# --- anchors kept elsewhere ------------------------------------------------------------------


class BadAnchors(ValueError):
    """The anchors given from outside cannot be read; the message says why."""


def _anchor(entry: Any, source: str) -> Anchor:
    if not isinstance(entry, dict):
        raise BadAnchors(f"{source}: an anchor must be an object with stream, seq and hash")
    stream, seq, hash_ = entry.get("stream"), entry.get("seq"), entry.get("hash")
    if not isinstance(stream, str) or not stream or len(stream) > 64:
        raise BadAnchors(f"{source}: stream {stream!r} is not a stream name")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise BadAnchors(f"{source}: seq {seq!r} is not a positive whole number")
    if not isinstance(hash_, str) or not HASH_RE.match(hash_):
        raise BadAnchors(f"{source}: hash {hash_!r} is not 64 hexadecimal digits")
    day = entry.get("day")
    return Anchor(stream, seq, hash_, f"{source}{f' ({day})' if isinstance(day, str) else ''}")


def from_document(data: Any, name: str) -> list[Anchor]:
    """The anchors in a document kept outside: the public page's JSON (``anchors``), an archive
    (``audit_heads``) or a plain list of ``{"stream", "seq", "hash"}``."""
    entries = data.get("anchors", data.get("audit_heads")) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise BadAnchors(f"{name}: no anchors found (expected a list under 'anchors' or 'audit_heads')")
    return [_anchor(entry, f"anchor in {name}") for entry in entries]


def from_expectation(text: str) -> Anchor:
    """``STREAM:SEQ:HASH`` as typed on the command line (the stream itself may hold a colon:
    ``estate:12:5:ab…``)."""
    stream, _, rest = text.rpartition(":")
    stream, _, seq = stream.rpartition(":")
    if not seq.isdigit():
        raise BadAnchors(f"--expect-head {text!r}: expected STREAM:SEQ:HASH")
    return _anchor({"stream": stream, "seq": int(seq), "hash": rest.lower()}, "expected head (--expect-head)")
