"""The archive of a meeting's result (R-RES-4, art. 27: results are kept for good and can be
checked by all parties). Format version 1 is documented in docs/ARCHIVE.md.

An archive holds what anybody needs to recount the result without the server: the meeting and its
items, the confirmed totals, every counted ballot (pseudonymous: flats and owners only as the
per-meeting pseudonyms of ``services.archive``, an electronic ballot with its receipt's ballot
hash), the superseded paper ballots, the Merkle root over the counted ballots and the result as
``rules.tally.to_json`` gave it. ``python -m ownervote.verify archive.json`` recounts it.

An archive is of one result version (the current one unless told otherwise) and is built from the
ballots as they are now: when they changed after that version was generated (a paper count
committed later), the archive would not match its result, and the export is refused (409
``result.archive_outdated``) until the convener generates a new version.

Who downloads it: the convener and the supervising staff once a result was generated (each export
is written to the audit log), and the owners bound in the estate once the result is publicised.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.access import fetch
from ownervote.core.errors import Conflict, require
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Meeting
from ownervote.roster.models import TotalsSnapshot
from ownervote.roster.selectors import latest_snapshot
from ownervote.rules import tally
from ownervote.verify import merkle

from .. import permissions
from ..access import Need, access_public_result, access_result
from ..errors import Code
from ..models import Result
from . import anchoring, archive, corrections, counting, results

FORMAT = "ownervote.archive"
VERSION = 1
CONTENT_TYPE = "application/json"
OUTDATED = _(
    "The ballots changed after this version of the result was generated: generate the result again "
    "before exporting its archive."
)
CORRECTING = _(
    "Version %(n)s is being corrected (%(reason)s): late ballots were counted after it. The archive "
    "comes back with the corrected version's publicity."
)


def _iso(moment) -> str:
    return (
        timezone.localtime(moment, meeting_selectors.beijing()).isoformat(timespec="seconds")
        if moment
        else ""
    )


def _snapshot(meeting: Meeting) -> TotalsSnapshot | None:
    """The confirmed totals the roll was frozen from: the estate's latest snapshot when voting
    opened (``voting.services.roll.counted_flats``); None when the roll came from the roster."""
    parking = meeting.counting_settings()[1]
    if meeting.voting_opened_at is None:
        return latest_snapshot(meeting.estate, parking_counts=parking)
    return (
        TotalsSnapshot.objects.filter(
            estate=meeting.estate, parking_counts=parking, confirmed_at__lte=meeting.voting_opened_at
        )
        .order_by("-confirmed_at", "-id")
        .first()
    )


def _totals(meeting: Meeting) -> dict:
    totals = counting.totals_of(meeting)
    snapshot = _snapshot(meeting)
    return {
        "area": tally.area_text(totals.area),
        "owners": totals.owners,
        "flats": totals.flats,
        "snapshot": (
            {"id": snapshot.pk, "confirmed_at": _iso(snapshot.confirmed_at)} if snapshot is not None else None
        ),
    }


def archive_of(meeting: Meeting, result: Result | None = None) -> dict:
    """The archive (format version 1) of ``result``, by default the meeting's current version.
    409 ``result.none`` when no result was generated, ``result.archive_outdated`` when the ballots
    no longer give the version's Merkle root."""
    if result is None:
        result = results.current(meeting)
        require(result is not None, Conflict(Code.NONE, results.NO_RESULT))
    content = result.content
    ballots = archive.entries(meeting)
    root = merkle.root(ballots)
    if root != result.merkle_root and (correction := corrections.correcting(result)) is not None:
        raise Conflict(  # R-SEC-6: late ballots counted in a correction of this publicised version
            Code.ARCHIVE_OUTDATED,
            CORRECTING % {"n": result.number, "reason": correction.reason},
            details={"version": result.number, "correction": correction.reason},
        )
    require(
        root == result.merkle_root,
        Conflict(Code.ARCHIVE_OUTDATED, OUTDATED, details={"version": result.number}),
    )
    data = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(timezone.now()),
        "meeting": dict(content["meeting"]),
        "follow_majority": result.follow_majority,
        "items": content["items"],
        "totals": _totals(meeting),
        "ballots": ballots,
        "superseded": archive.entries(meeting, superseded=True),
        "merkle_root": root,
        "result": content["result"],
        "result_version": result.number,
        "result_generated_at": content.get("generated_at", ""),
        "result_digest": result.digest,
        "audit_heads": anchoring.heads_now(meeting.estate_id),  # R-SEC-5: the chain as exported
    }
    if "services" in content:  # R-MTG-10: the proof of service as the version froze it
        data["services"] = content["services"]
        data["services_digest"] = content["services_digest"]
    return data


def to_bytes(data: dict) -> bytes:
    """The archive as the file people download: UTF-8 JSON, indented for reading."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def filename(data: dict) -> str:
    return f"ownervote-archive-{data['meeting']['id']}-v{data['result_version']}.json"


# --- who downloads it ------------------------------------------------------------------------------


def staff_archive(actor, meeting_id: int) -> dict:
    """The convener or the supervising staff (``permissions.can_see_result``) export the current
    version's archive, any time after it was generated; the export is audited. 404 for anybody
    else, 409 ``result.none`` / ``result.archive_outdated``."""
    with transaction.atomic():
        meeting = access_result(actor, meeting_id, need=Need.SEE)
        result = results.current(meeting)
        require(result is not None, Conflict(Code.NONE, results.NO_RESULT))
        data = archive_of(meeting, result)
        anchoring.keep_archive_heads(result, data)
        record(
            actor=actor,
            action="result.archive_exported",
            obj=result,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                "number": result.number,
                "digest": result.digest,
                "merkle_root": data["merkle_root"],
                "ballots": len(data["ballots"]),
            },
        )
    return data


def owner_archive(actor, meeting_id: int) -> dict:
    """An owner with an active binding in the estate (``Need.ARCHIVE``) downloads the archive of the
    publicised version, from the first day of its publicity (art. 26, 27). NotFound otherwise,
    exactly as if the meeting had no publicised result."""
    meeting = access_result(actor, meeting_id, need=Need.ARCHIVE)
    return archive_of(meeting, access_public_result(meeting_id))


def archive_for(actor, meeting_id: int) -> dict:
    """The API's rule: staff who see the result in the console get the current version (audited);
    everybody else the owner's rule."""
    meeting = fetch(Meeting.objects.select_related("estate", "estate__street", "convener"), meeting_id)
    if meeting is not None and permissions.can_see_result(actor, meeting):
        return staff_archive(actor, meeting_id)
    return owner_archive(actor, meeting_id)
