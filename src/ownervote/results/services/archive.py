"""The archive's ballot entries and pseudonyms (R-RES-4). The rest of the archive is built by
``export``; the entries live here because generating a result already needs their Merkle root.

A flat appears in the archive only as ``F-`` and 16 hex characters, its counted owner as ``O-`` and
16: HMAC-SHA-256 under a key derived from the server's secret, per meeting, so that the same flat
has unrelated pseudonyms in two meetings and nobody without the key can map them back. The per-flat
table (printed for the street office, R-RES-1) is the only place that names flats.

An item for part of the estate (R-MTG-9) carries its ``scope``: its kind, its name in Chinese, the
buildings it names and every flat of it on the frozen roll, by pseudonym with its area and counted
owner, so that the verifier recomputes the scope's totals and counts only its flats' ballots.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.utils import translation

from ownervote.meetings import scopes, served
from ownervote.meetings.models import Item, Meeting, NoticeService
from ownervote.meetings.services import service
from ownervote.rules.tally import area_text
from ownervote.verify import merkle
from ownervote.voting.models import RollFlat

from .. import texts
from .counting import BallotRow, ballot_rows, scope_flats

OUT_OF_SCOPE = texts.OUT_OF_SCOPE  # the per-flat table's cell of an item the flat does not vote on


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


def scoped_flat_ids(meeting: Meeting) -> dict[int, frozenset[int]]:
    """The roll's flats of each item for part of the estate (R-MTG-9): item id -> flat ids."""
    items = list(Item.objects.filter(meeting=meeting).exclude(scope=Item.Scope.ESTATE))
    scopes.load(items)
    return scope_flats(meeting, items)


def scope_entries(meeting: Meeting, items: list[Item]) -> dict[int, dict]:
    """item id -> its ``scope`` as the result's content and the archive give it (docs/ARCHIVE.md):
    ``kind``, ``label`` (Chinese, as printed), ``name``, ``buildings`` and ``flats`` (every flat of
    the scope on the roll: ``{"flat", "owner", "area"}`` by pseudonym, ordered by flat)."""
    scoped = [i for i in items if i.scope != Item.Scope.ESTATE]
    if not scoped:
        return {}
    scopes.load(scoped)
    flats = scope_flats(meeting, scoped)
    roll = {
        f: (area, group)
        for f, area, group in RollFlat.objects.filter(meeting=meeting).values_list(
            "flat_id", "area", "owner_group"
        )
    }
    out = {}
    with translation.override(settings.LANGUAGE_CODE):  # frozen in the site's language, as the tables
        for item in scoped:
            content = scopes.scope_content(item) or {}
            listed = [
                {
                    "flat": pseudonym(meeting.pk, "F", f),
                    "owner": pseudonym(meeting.pk, "O", roll[f][1]),
                    "area": area_text(roll[f][0]),
                }
                for f in flats[item.pk]
            ]
            out[item.pk] = {
                "kind": item.scope,
                "label": scopes.label_of(content),
                "name": item.scope_name,
                "buildings": content.get("buildings", []),
                "flats": sorted(listed, key=lambda e: e["flat"]),
            }
    return out


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
