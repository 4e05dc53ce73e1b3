"""/api/voting: live progress (R-VOTE-2, R-VOTE-3), reminders (R-VOTE-2) and extensions of the
voting period (R-VOTE-5).

The progress figures are seen by the convener, the street office of the estate's street, and an
owner who has voted in the meeting; anybody else who sees the meeting gets 403
``progress.forbidden``, who does not 404. The list of flats that have not voted (never how anyone
voted) is for the convener and the street office only. Reminders: the convener, while voting is
open. Extensions: the convener requests, the street office decides."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import BaseModel

from ownervote.core.schemas import ERRORS, NON_BLANK, Id, Moment, Offset

from ..services import extensions, progress

router = Router(tags=["progress"])

MAX_PAGE = 500


class BuildingProgressOut(BaseModel):  # plain pydantic: a row per building, no ORM getters to run
    building_id: int
    building: str
    flats_total: int
    flats_voted: int
    flats_percent: str
    area_total: Decimal
    area_voted: Decimal
    area_percent: str
    owners_total: int
    owners_voted: int
    owners_percent: str
    electronic: int
    paper: int


class ProgressOut(Schema):
    flats_total: int
    flats_voted: int
    flats_percent: str = Field(description="Per cent with two decimals, exact (e.g. `66.67`).")
    area_total: Decimal
    area_voted: Decimal
    area_percent: str
    owners_total: int = Field(description="Counted owners (R-ROSTER-3): flats of one owner count once.")
    owners_voted: int
    owners_percent: str
    electronic: int = Field(description="Flats with a counted electronic ballot.")
    paper: int = Field(description="Flats with a counted paper ballot.")
    updated_at: dt.datetime | None
    buildings: list[BuildingProgressOut]


class NotVotedFlatOut(Schema):
    flat_id: int
    building_id: int
    building: str
    room: str
    area: Decimal
    owners: list[str] = Field(description="The owners' masked names.")


class NotVotedOut(Schema):
    count: int = Field(
        description="Flats without a counted ballot now (in `building_id` if given), from the counters."
    )
    offset: int = Field(description="The offset asked for.")
    limit: int = Field(description="The page size used: `limit` brought within 1 to 500.")
    next_offset: int | None = Field(
        description="The `offset` of the next page (`offset + limit`), null on the last page."
    )
    flats: list[NotVotedFlatOut] = Field(
        description="At most `limit` flats, in the list's order: building name, building id, room, "
        "then the roll row; empty past the end."
    )


class ReminderOut(Schema):
    id: int
    sent_at: dt.datetime
    recipients: int = Field(description="People messaged now.")
    skipped: int = Field(description="People already reminded today (at most one reminder a day).")


class VotingExtensionIn(Schema):
    reason: Literal["force_majeure", "accident", "technical"]
    explanation: str = Field(max_length=4000, pattern=NON_BLANK)
    closes_at: Moment = Field(description="The new close; later than the current one.")


class ExtensionDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=4000, description="Required when refusing.")


class ExtensionOut(Schema):
    id: int
    meeting_id: int
    reason: str
    explanation: str
    closes_at_before: dt.datetime
    closes_at_requested: dt.datetime
    status: str = Field(description="`requested`, `approved` or `refused`.")
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str


@router.get(
    "/meetings/{meeting_id}/progress", response={200: ProgressOut, **ERRORS}, summary="Voting progress"
)
def get_progress(request, meeting_id: Id):
    """Flats, area and counted owners voted against the totals, per building (R-VOTE-2), for the
    convener, the street office and an owner who has voted (R-VOTE-3). 409
    `meeting.voting_not_open` before the voting opened."""
    return progress.progress_for(request.auth, meeting_id)


@router.get(
    "/meetings/{meeting_id}/not-voted",
    response={200: NotVotedOut, **ERRORS},
    summary="Flats that have not voted",
)
def get_not_voted(
    request, meeting_id: Id, building_id: Id | None = None, offset: Offset = 0, limit: int = 100
):
    """The roll's flats without a counted ballot (R-VOTE-2: whether a flat voted, never how,
    R-VOTE-3), with the owners' masked names; `building_id` narrows to one building. Convener and
    street office only.

    Paging: the list is ordered by building name, building id, room and roll row, and served
    from the progress counters one building at a time (the whole roll is never scanned). Ask
    `offset=0`, then each `next_offset` until it is null. `limit` is brought within 1 to 500
    (default 100). The list only shrinks while the voting is open (a flat that votes leaves it;
    none comes back): a flat on a page already read that votes before the next request moves the
    rest of the list up by one, so the next page may start one flat later than it would have.
    `count` is the list's length at the time of each request. To be sure of seeing every flat
    still to vote, walk the list again from 0 (or one `building_id` at a time) until a walk finds
    `count` flats."""
    meeting = progress.meeting_to_watch(request.auth, meeting_id)
    limit = min(max(limit, 1), MAX_PAGE)
    return progress.not_voted_page(meeting, building_id=building_id, offset=offset, limit=limit)


@router.post(
    "/meetings/{meeting_id}/reminders", response={201: ReminderOut, **ERRORS}, summary="Send reminders"
)
def send_reminders(request, meeting_id: Id):
    """Remind everybody eligible for a flat that has not voted, by SMS or WeChat (R-VOTE-2);
    people already reminded today are skipped. Convener only, while voting is open (409
    `meeting.voting_not_open`)."""
    return Status(201, progress.reminders_send(actor=request.auth, meeting_id=meeting_id))


@router.post(
    "/meetings/{meeting_id}/extensions",
    response={201: ExtensionOut, **ERRORS},
    summary="Request an extension",
)
def request_extension(request, meeting_id: Id, body: VotingExtensionIn):
    """The convener asks the street office to extend the voting (R-VOTE-5). 422 `invalid_input`
    with `details.fields`; 409 `extension.pending` while another request awaits a decision, 409
    `extension.too_late` once the voting is over."""
    return Status(
        201,
        extensions.extension_request(
            actor=request.auth,
            meeting_id=meeting_id,
            reason=body.reason,
            explanation=body.explanation,
            closes_at=body.closes_at,
        ),
    )


@router.get(
    "/meetings/{meeting_id}/extensions",
    response={200: list[ExtensionOut], **ERRORS},
    summary="Extension requests",
)
def list_extensions(request, meeting_id: Id):
    """The meeting's extension requests, for the convener and the street office."""
    return list(extensions.extensions_for(request.auth, meeting_id))


@router.get("/extensions", response={200: list[ExtensionOut], **ERRORS}, summary="Extensions to decide")
def pending_extensions(request):
    """The requests awaiting the caller as a street office (empty for anybody else)."""
    return list(extensions.pending_for(request.auth))


@router.post(
    "/extensions/{extension_id}/decision",
    response={200: ExtensionOut, **ERRORS},
    summary="Decide an extension",
)
def decide_extension(request, extension_id: Id, body: ExtensionDecisionIn):
    """The street office approves (the voting's close moves) or refuses (a `note` is required)
    (R-VOTE-5). 403 `extension.forbidden` for anybody else who sees the meeting; 409
    `extension.decided` once decided."""
    return extensions.extension_decide(
        actor=request.auth, extension_id=extension_id, approve=body.approve, note=body.note
    )
