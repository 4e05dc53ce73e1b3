"""The printed paper ballot and what a clerk types from it (R-PAPER-1..4, R-TALLY-9).

- ``qr_payload`` / ``find_flat``: the printed ballot's QR code carries the meeting, the flat and
  a keyed signature, so that entry can start by scanning it and a forged code is refused; a clerk
  may also type the flat ("1栋-101", "1-101", "1 101").
- ``keyed_answers`` / ``typed_from`` / ``summary``: the keys a clerk types for each item (1 yes,
  2 no, 3 abstain; the candidates' numbers; 0 abstain), back again, and one line a person reads.
- ``ballots_for``: the flats whose paper ballots the convener prints (``ballot_pdf`` lays them out).

The count itself (sessions, entries, the commit) is ``services.paper``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from ownervote.core.errors import Conflict, InvalidInput, NotFound, require
from ownervote.core.params import MAX_INT, int_param
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Item, Meeting
from ownervote.roster.models import Flat

from ..access import Need, access_voting
from ..errors import Code
from ..models import Answer, RollFlat
from .roll import counted_flats

S = Meeting.Status

PAPER_METHODS = (Meeting.Method.PAPER, Meeting.Method.MIXED)
QR_PREFIX = "OVB"
QR_SALT = "ownervote.voting.paper.ballot-qr"


def close_date(meeting: Meeting) -> dt.date:
    """The Beijing date of the electronic close: the last date a paper ballot may carry (R-PAPER-2)."""
    return meeting_selectors.local_day(meeting.voting_closes_at)


def flat_label(building_name: str, room: str) -> str:
    return f"{building_name}-{room}"


def require_paper(meeting: Meeting) -> None:
    """409 ``paper.not_paper`` for a meeting that votes electronically only."""
    require(
        meeting.method in PAPER_METHODS,
        Conflict(Code.NOT_PAPER, _("This meeting votes electronically only: it has no paper ballots.")),
    )


# --- the QR code on a printed ballot ----------------------------------------------------------


def _signature(meeting_id: int, flat_id: int) -> str:
    return salted_hmac(QR_SALT, f"{meeting_id}:{flat_id}").hexdigest()[:12]


def qr_payload(meeting_id: int, flat_id: int) -> str:
    """What the printed ballot's QR code carries: ``OVB:<meeting>:<flat>:<signature>``."""
    return f"{QR_PREFIX}:{meeting_id}:{flat_id}:{_signature(meeting_id, flat_id)}"


_QR = re.compile(r"^OVB:(\d+):(\d+):([0-9a-f]+)$", re.IGNORECASE)
_BUILDING_SUFFIX = re.compile(r"(栋|幢|座|号楼|楼|号)$")
_SEPARATORS = re.compile(r"[\s\-－—–_/／#]+")


def _short(building: str) -> str:
    return _BUILDING_SUFFIX.sub("", building.strip())


def _norm(text: str) -> str:
    return _SEPARATORS.sub("-", text.strip()).strip("-").upper()


def roll_flats(meeting: Meeting) -> list[RollFlat]:
    return list(
        RollFlat.objects.filter(meeting=meeting)
        .select_related("flat", "building")
        .order_by("flat__sort_key", "flat_id")
    )


def find_flat(meeting: Meeting, text: str) -> RollFlat:
    """The roll flat a clerk typed or scanned: a QR payload (checked), "1栋-101", "1-101",
    "1 101" or "1栋101" where unambiguous. 422 ``paper.unknown_flat``, ``paper.forged_qr`` or
    ``paper.other_meeting``."""
    text = (text or "").strip()
    unknown = InvalidInput(
        Code.UNKNOWN_FLAT,
        _("No flat “%(text)s” on this meeting's roll: type building-room, e.g. 1-101.") % {"text": text},
        details={"flat": "unknown"},
    )
    require(bool(text), unknown)
    qr = _QR.match(text)
    if qr:
        meeting_id, flat_id, sig = int(qr.group(1)), int(qr.group(2)), qr.group(3).lower()
        require(
            constant_time_compare(sig, _signature(meeting_id, flat_id)),
            InvalidInput(
                Code.FORGED_QR,
                _(
                    "This ballot's QR code is not one the system printed: "
                    "enter the flat by hand and check the paper."
                ),
                details={"flat": "forged"},
            ),
        )
        require(
            meeting_id == meeting.pk,
            InvalidInput(
                Code.OTHER_MEETING,
                _("This ballot belongs to another meeting."),
                details={"flat": "other_meeting"},
            ),
        )
        found = RollFlat.objects.filter(meeting=meeting, flat_id=flat_id).select_related("flat", "building")
        row = found.first()
        require(row is not None, unknown)
        return row
    wanted = _norm(text)
    compact = wanted.replace("-", "")
    matches: dict[int, RollFlat] = {}
    for row in roll_flats(meeting):
        room = _norm(row.flat.room)
        for b in {_norm(row.building.name), _norm(_short(row.building.name))}:
            key = f"{b}-{room}"
            if wanted == key or compact == key.replace("-", ""):
                matches[row.flat_id] = row
    require(len(matches) == 1, unknown)
    return next(iter(matches.values()))


# --- typing a ballot --------------------------------------------------------------------------

QUESTION_KEYS = {"1": Answer.YES, "2": Answer.NO, "3": Answer.ABSTAIN}


def keyed_answers(items: Iterable[Item], typed: Mapping[str, str]) -> dict[str, object]:
    """The answers from what a clerk typed per item (``typed["<item id>"]``): for a question 1 (yes),
    2 (no) or 3 (abstain); for an election the candidates' numbers ("1 3", "1,3", or "13" when
    there are fewer than ten) or 0 (abstain); empty: left blank. 422 with ``item:<id>`` details."""
    out: dict[str, object] = {}
    errors: dict[str, str] = {}
    for item in items:
        key = str(item.pk)
        raw = str(typed.get(key, "") or "").strip()
        if not raw:
            continue
        if item.kind == Item.Kind.QUESTION:
            if raw not in QUESTION_KEYS:
                errors[f"item:{item.pk}"] = str(_("Type 1 (yes), 2 (no) or 3 (abstain)."))
                continue
            out[key] = str(QUESTION_KEYS[raw])
            continue
        candidates = list(item.candidates.all())
        if raw == "0":
            out[key] = str(Answer.ABSTAIN)
            continue
        parts = [p for p in re.split(r"[\s,，.、+;；]+", raw) if p]
        if len(parts) == 1 and len(candidates) < 10 and parts[0].isdecimal() and len(parts[0]) > 1:
            parts = list(parts[0])
        if not parts or not all(p.isdecimal() and 1 <= int(p) <= len(candidates) for p in parts):
            errors[f"item:{item.pk}"] = str(
                _("Type the candidates' numbers (1 to %(n)s), or 0 to abstain.") % {"n": len(candidates)}
            )
            continue
        out[key] = [candidates[int(p) - 1].pk for p in parts]
    if errors:
        raise InvalidInput(Code.INVALID_INPUT, _("Some answers on the ballot are not valid."), details=errors)
    return out


def typed_from(items: Iterable[Item], answers: Mapping) -> dict[str, str]:
    """The reverse of ``keyed_answers``: what to put in the entry fields for stored answers."""
    back = {v: k for k, v in QUESTION_KEYS.items()}
    out = {}
    for item in items:
        value = answers.get(str(item.pk))
        if value in (None, "", []):
            continue
        if item.kind == Item.Kind.QUESTION:
            out[str(item.pk)] = back.get(value, "")
        elif value == Answer.ABSTAIN:
            out[str(item.pk)] = "0"
        else:
            number = {c.pk: i for i, c in enumerate(item.candidates.all(), start=1)}
            out[str(item.pk)] = " ".join(str(number.get(int(c), "?")) for c in value)
    return out


def summary(items: Iterable[Item], answers: Mapping, *, invalid: bool = False) -> str:
    """One line a person reads: "1. yes · 2. 张三, 李四 · 3. —"."""
    if invalid:
        return str(_("spoilt ballot"))
    parts = []
    for item in items:
        value = answers.get(str(item.pk))
        if value in (None, "", []):
            text = "—"
        elif isinstance(value, list):
            names = {c.pk: c.name for c in item.candidates.all()}
            text = ", ".join(names.get(int(c), "?") for c in value)
        else:
            text = str(Answer(value).label)
        parts.append(f"{item.position}. {text}")
    return " · ".join(parts)


# --- printable ballots ------------------------------------------------------------------------


def ballots_for(actor, meeting_id: int, *, building_id=None, flat=None) -> tuple[Meeting, list]:
    """The meeting and the flats (``roster.Flat`` with their building) whose paper ballots the
    convener prints (``Need.COUNT``): the roll once voting opened, before that the flats that would
    be on it; narrowed to one building (its id, as typed in an address too) or one flat (its id or
    its label). A building or flat that matches nothing is refused (422 ``paper.no_flats``), never
    taken as "all"."""
    meeting = access_voting(actor, meeting_id, need=Need.COUNT)
    require_paper(meeting)
    require(
        meeting.status in (S.PUBLISHED, S.VOTING, S.CLOSED),
        Conflict(Code.PAPER_WRONG_STATUS, _("Paper ballots are printed once the meeting is publicised.")),
    )
    flat_ids = list(RollFlat.objects.filter(meeting=meeting).values_list("flat_id", flat=True))
    if not flat_ids and meeting.voting_opened_at is None:
        flat_ids = [row[0] for row in counted_flats(meeting)[0]]
    rows = Flat.objects.filter(pk__in=flat_ids).select_related("building")
    building = "" if building_id is None else str(building_id).strip()
    if building:  # an id as typed in an address: anything else (or too large) matches none
        wanted = int_param(building)
        rows = rows.filter(building_id=wanted) if wanted is not None else rows.none()
    text = "" if flat is None else str(flat).strip()
    if text.isascii() and text.isdigit():  # an id (one beyond the database's integers matches none)
        rows = rows.filter(pk=int(text)) if int(text) <= MAX_INT else rows.none()
    elif text:  # a flat's label, as a clerk types it
        rows = rows.filter(pk=find_flat(meeting, text).flat_id)
    flats = list(rows.order_by("sort_key", "pk"))
    if not flats and (building or text):  # a mistyped building or flat: said on the page (422)
        raise InvalidInput(Code.NO_FLATS_TO_PRINT, _("No flat of this meeting's roll matches."))
    require(
        bool(flats),
        NotFound(Code.NO_FLATS_TO_PRINT, _("No flat of this meeting's roll matches.")),
    )
    return meeting, flats
