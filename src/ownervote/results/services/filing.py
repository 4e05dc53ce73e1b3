"""The filing export of a publicised result (备案, R-DATA-1), format ``ownervote-filing/1``,
documented in docs/filing-format.md with an example in docs/examples/filing.json.

A city's property-management platform keeps a record (备案) of every owners' assembly's result. The
filing is one JSON file of the publicised version: the meeting's and the estate's identifiers, the
version's frozen content exactly as its result hash covers it (the items, the result table with
exact areas and ``"numerator/denominator"`` shares as ``rules.tally`` gives them, the per-flat table,
the scrutineers, the Merkle root and the audit chain head the version froze), the guidance opinions,
the publicity dates, and the audit anchors (the chain head at export, those kept for the version,
the newest daily one), so that the platform can check, without this server, that the file is the
publicised result (``sha256(canonical(result_content)) == result.digest``; the root against the
public page's ``root.json``) and that the log still extends the anchors (``manage.py verify_audit
--anchors filing.json`` reads the file as it is).

- Who: the convener and the staff who oversee the estate (street office, district bureau, city
  operator): ``access_result(Need.SEE)``; anybody else 404.
- What: only a publicised version, from the first day of its publicity (409
  ``result.not_publicised`` before); the latest publicised one, or ``number``.
- Each export is audited (``result.filing_exported``, with the SHA-256 of the file given out) and
  the chain head it carries is kept as an anchor (kind ``archive``, ref ``filing:<result id>``), as
  an archive's is, so that ``verify_audit`` checks the log still extends the copy the city holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.audit.anchors import heads_of_estate, keep
from ownervote.audit.models import AuditAnchor
from ownervote.audit.services import record
from ownervote.core.errors import Conflict, require
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Meeting
from ownervote.orgs.models import Division
from ownervote.verify.merkle import canonical

from ..access import Need, access_result
from ..errors import Code
from ..models import Result, ResultGuidance, ResultPublicity

FORMAT = "ownervote-filing/1"
CONTENT_TYPE = "application/json"
NOT_PUBLICISED = _(
    "Only a publicised result is filed: the filing export is available from the first day of the "
    "result's publicity."
)


@dataclass(frozen=True)
class Filing:
    data: dict
    content: bytes  # the file as given out: ``to_bytes(data)``
    sha256: str
    filename: str


def _iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return timezone.localtime(moment, meeting_selectors.beijing()).isoformat(timespec="seconds")


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _division(division: Division | None) -> dict | None:
    if division is None:
        return None
    return {"id": division.pk, "code": division.code, "name": division.name}


def _estate(meeting: Meeting) -> dict:
    estate = meeting.estate
    street = estate.street
    return {
        "id": estate.pk,
        "name": estate.name,
        "address": estate.address,
        "street": _division(street),
        "district": _division(street.parent if street.parent_id else None),
        "community": _division(estate.community),
    }


def _meeting(meeting: Meeting) -> dict:
    convener = meeting.convener
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "kind": meeting.kind,
        "method": meeting.method,
        "starts_at": _iso(meeting.starts_at),
        "voting_opens_at": _iso(meeting.voting_opens_at),
        "voting_closes_at": _iso(meeting.voting_closes_at),
        "convener": {"id": convener.pk, "name": convener.name, "kind": convener.kind},
    }


def _anchor(kind: str, stream: str, seq: int, hash_: str, day: dt.date, ref: str) -> dict:
    return {"kind": kind, "stream": stream, "seq": seq, "hash": hash_, "day": day.isoformat(), "ref": ref}


def _anchors(result: Result, *, now: dt.datetime) -> list[dict]:
    """The estate's chain head as this export finds it (kind ``export``), the anchors kept for the
    version (its own, each archive's and each earlier filing's), then the newest daily anchor of
    the estate's chain: a list ``manage.py verify_audit --anchors filing.json`` reads as it is."""
    day = timezone.localdate(now, meeting_selectors.beijing())
    ref = f"filing:{result.pk}"
    out = [
        _anchor("export", h["stream"], h["seq"], h["hash"], day, ref)
        for h in heads_of_estate(result.meeting.estate_id)
    ]
    kept = list(
        AuditAnchor.objects.filter(ref__in=(f"result:{result.pk}", ref)).order_by("recorded_at", "id")
    )
    daily = (
        AuditAnchor.objects.filter(kind=AuditAnchor.Kind.DAILY, estate_id=result.meeting.estate_id)
        .order_by("-day", "-id")
        .first()
    )
    if daily is not None:
        kept.append(daily)
    return out + [_anchor(a.kind, a.stream, a.seq, a.hash, a.day, a.ref) for a in kept]


def _publicity(meeting: Meeting, number: int | None, today: dt.date) -> ResultPublicity:
    """The publicity of version ``number`` (default: the latest publicised version) that has begun
    by ``today``; 409 ``result.not_publicised`` otherwise."""
    rows = ResultPublicity.objects.filter(meeting=meeting, starts_on__lte=today).select_related("result")
    if number is not None:
        rows = rows.filter(result__number=number)
    publicity = rows.order_by("-published_at", "-id").first()
    require(publicity is not None, Conflict(Code.NOT_PUBLICISED, NOT_PUBLICISED))
    return publicity


def filing_of(meeting: Meeting, publicity: ResultPublicity, *, now: dt.datetime) -> dict:
    """The filing (``ownervote-filing/1``) of the publicised version ``publicity.result``."""
    result = publicity.result
    result.meeting = meeting
    guidance = ResultGuidance.objects.filter(result=result).select_related("organisation")
    return {
        "format": FORMAT,
        "exported_at": _iso(now),
        "meeting": _meeting(meeting),
        "estate": _estate(meeting),
        "result": {
            "version": result.number,
            "current": result.superseded_at is None,
            "generated_at": _iso(result.generated_at),
            "resolved_on": _day(result.resolved_on),
            "reason": result.reason,
            "follow_majority": result.follow_majority,
            "digest": result.digest,
            "merkle_root": result.merkle_root,
            "submitted_at": _iso(result.submitted_at),
            "signed_tables": {
                "result_sha256": result.result_scan_sha256 or None,
                "flats_sha256": result.flats_scan_sha256 or None,
            },
        },
        "guidance": [
            {"organisation": g.organisation.name, "text": g.text, "given_at": _iso(g.created_at)}
            for g in guidance
        ],
        "publicity": {
            "starts_on": _day(publicity.starts_on),
            "ends_on": _day(publicity.ends_on),
            "late_reason": publicity.late_reason,
            "publicised_at": _iso(publicity.published_at),
        },
        "result_content": result.content,
        "anchors": _anchors(result, now=now),
    }


# --- the documented shape, and what a reader checks (docs/filing-format.md) -------------------

_DIVISION = {"id": int, "code": str, "name": str}
OPTIONAL = object()  # marks a key whose value may be null
SHAPE: dict = {
    "format": str,
    "exported_at": str,
    "meeting": {
        "id": int,
        "title": str,
        "kind": str,
        "method": str,
        "starts_at": str,
        "voting_opens_at": str,
        "voting_closes_at": str,
        "convener": {"id": int, "name": str, "kind": str},
    },
    "estate": {
        "id": int,
        "name": str,
        "address": str,
        "street": _DIVISION,
        "district": (OPTIONAL, _DIVISION),
        "community": (OPTIONAL, _DIVISION),
    },
    "result": {
        "version": int,
        "current": bool,
        "generated_at": str,
        "resolved_on": str,
        "reason": str,
        "follow_majority": bool,
        "digest": str,
        "merkle_root": str,
        "submitted_at": (OPTIONAL, str),
        "signed_tables": {"result_sha256": (OPTIONAL, str), "flats_sha256": (OPTIONAL, str)},
    },
    "guidance": [{"organisation": str, "text": str, "given_at": str}],
    "publicity": {"starts_on": str, "ends_on": str, "late_reason": str, "publicised_at": str},
    "result_content": {
        "format": str,
        "version": int,
        "number": int,
        "generated_at": str,
        "meeting": dict,
        "items": list,
        "result": {"version": int, "totals": dict, "participating": dict, "items": list},
        "merkle_root": str,
        "flats": list,
        "scrutiny": list,
        "audit_heads": list,
    },
    "anchors": [{"kind": str, "stream": str, "seq": int, "hash": str, "day": str, "ref": str}],
}


def _check(value, shape, where: str, out: list[str]) -> None:
    if isinstance(shape, tuple):  # (OPTIONAL, shape)
        if value is None:
            return
        shape = shape[1]
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            out.append(f"{where}: expected an object")
            return
        for key, inner in shape.items():
            if key not in value:
                out.append(f"{where}.{key}: missing")
            else:
                _check(value[key], inner, f"{where}.{key}", out)
    elif isinstance(shape, list):
        if not isinstance(value, list):
            out.append(f"{where}: expected a list")
            return
        for i, element in enumerate(value):
            _check(element, shape[0], f"{where}[{i}]", out)
    elif (shape is int and isinstance(value, bool)) or not isinstance(value, shape):
        out.append(f"{where}: expected {shape.__name__}")


def problems(data) -> list[str]:
    """What is wrong with a filing, as a reader checks it (docs/filing-format.md, "Checking a
    filing"): the documented shape, the format, then that the frozen content is the version's
    (its SHA-256 over canonical JSON is ``result.digest``) and carries its Merkle root and number.
    An empty list: the file is a consistent ``ownervote-filing/1``."""
    out: list[str] = []
    _check(data, SHAPE, "$", out)
    if out:
        return out
    if data["format"] != FORMAT:
        out.append(f"$.format: expected {FORMAT!r}")
    content, result = data["result_content"], data["result"]
    if hashlib.sha256(canonical(content)).hexdigest() != result["digest"]:
        out.append("$.result.digest: not the SHA-256 of the canonical result_content")
    if content["merkle_root"] != result["merkle_root"]:
        out.append("$.result.merkle_root: not the result_content's merkle_root")
    if content["number"] != result["version"]:
        out.append("$.result.version: not the result_content's number")
    if content["meeting"].get("id") != data["meeting"]["id"]:
        out.append("$.meeting.id: not the result_content's meeting")
    return out


def to_bytes(data: dict) -> bytes:
    """The filing as the file given out: UTF-8 JSON, indented for reading."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def filename(data: dict) -> str:
    return f"ownervote-filing-{data['meeting']['id']}-v{data['result']['version']}.json"


def filing_export(
    *, actor, meeting_id: int, number: int | None = None, now: dt.datetime | None = None
) -> Filing:
    """The filing of the meeting's publicised result for the convener and the staff who oversee the
    estate. 404 ``meeting.not_found`` for anybody else; 409 ``result.not_publicised`` before the
    first day of a publicity (of version ``number``, when given). Audited as
    ``result.filing_exported``; the chain head it carries is kept as an anchor."""
    now = now or timezone.now()
    today = timezone.localdate(now, meeting_selectors.beijing())
    with transaction.atomic():
        meeting = access_result(actor, meeting_id, need=Need.SEE)
        publicity = _publicity(meeting, number, today)
        result = publicity.result
        data = filing_of(meeting, publicity, now=now)
        exported = [a for a in data["anchors"] if a["kind"] == "export"]
        keep(kind=AuditAnchor.Kind.ARCHIVE, heads=exported, ref=f"filing:{result.pk}")
        content = to_bytes(data)
        sha256 = hashlib.sha256(content).hexdigest()
        record(
            actor=actor,
            action="result.filing_exported",
            obj=result,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                "number": result.number,
                "digest": result.digest,
                "merkle_root": result.merkle_root,
                "file_sha256": sha256,
            },
        )
    return Filing(data=data, content=content, sha256=sha256, filename=filename(data))
