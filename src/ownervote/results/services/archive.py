"""The archive's ballot entries and pseudonyms (R-RES-4). The rest of the archive is built by
``export``; the entries live here because generating a result already needs their Merkle root.

A flat appears in the archive only as ``F-`` and 16 hex characters, its counted owner as ``O-`` and
16: HMAC-SHA-256 under a key derived from the server's secret, per meeting, so that the same flat
has unrelated pseudonyms in two meetings and nobody without the key can map them back. The per-flat
table (printed for the street office, R-RES-1) is the only place that names flats.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from ownervote.meetings import served
from ownervote.meetings.models import Meeting, NoticeService
from ownervote.meetings.services import service
from ownervote.rules.tally import area_text
from ownervote.verify import merkle

from .counting import BallotRow, ballot_rows


def _key() -> bytes:
    return hashlib.sha256(b"ownervote.archive.pseudonym\x00" + settings.SECRET_KEY.encode()).digest()


def pseudonym(meeting_id: int, kind: str, value: str | int) -> str:
    """``F-…`` for a flat, ``O-…`` for a counted owner: stable within one meeting only."""
    mac = hmac.new(_key(), f"{kind}:{meeting_id}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}-{mac[:16]}"


def _answers(answers: dict) -> dict[str, object]:
    return {
        str(item_id): sorted(value) if isinstance(value, list) else value
        for item_id, value in sorted(answers.items())
    }


def entry(meeting_id: int, row: BallotRow) -> dict:
    """One ballot as the archive lists it (docs/ARCHIVE.md)."""
    return {
        "flat": pseudonym(meeting_id, "F", row.flat_id),
        "owner": pseudonym(meeting_id, "O", row.owner_group),
        "area": area_text(row.area),
        "channel": row.channel,
        "receipt": row.digest,
        "partial": row.partial,
        "answers": _answers(row.answers),
    }


def entries(meeting: Meeting, *, superseded: bool = False, rows: list[BallotRow] | None = None) -> list[dict]:
    """The counted (or superseded) ballots as archive entries, in the archive's order (by flat
    pseudonym)."""
    if rows is None:
        rows = ballot_rows(meeting, superseded=superseded)
    return sorted((entry(meeting.pk, r) for r in rows), key=lambda e: e["flat"])


def merkle_root(meeting: Meeting, *, rows: list[BallotRow] | None = None) -> str:
    return merkle.root(entries(meeting, rows=rows))


# --- proof of service of the notice (R-MTG-10) -----------------------------------------------------


def service_entry(meeting_id: int, row: NoticeService) -> dict:
    """One service record as the archive lists it (docs/ARCHIVE.md, "Service of the notice")."""
    return {
        "flat": pseudonym(meeting_id, "F", row.flat_id),
        "channel": row.channel,
        "version": row.version,
        "at": served.local(row.at),
        "warning_shown": row.warning_shown,
        "place": row.place,
        "photo": row.photo.sha256 if row.photo_id else "",
    }


def service_entries(meeting: Meeting) -> list[dict]:
    """Every service record of the meeting's notice, recorded first from the outbox where a
    receiver missed it (``meetings.services.service.sync``), in the archive's order: by flat
    pseudonym, then time, channel, version, place and photo."""
    service.sync(meeting)
    rows = NoticeService.objects.filter(meeting=meeting).select_related("photo")
    return sorted(
        (service_entry(meeting.pk, r) for r in rows),
        key=lambda e: (e["flat"], e["at"], e["channel"], e["version"], e["place"], e["photo"]),
    )


def services_digest(entries: list[dict]) -> str:
    """SHA-256 (hex) of the service records as canonical JSON (``verify.merkle.canonical``)."""
    return hashlib.sha256(merkle.canonical(entries)).hexdigest()
