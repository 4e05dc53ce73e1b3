"""/api/voting: casting electronic ballots, receipts and the co-owners' representative
(R-VOTE-1, R-VOTE-3, R-VOTE-4, R-VOTE-8, R-VOTE-9, R-TALLY-9).

An owner bound when voting opened (electronic eligibility) votes each of their flats once, during
the voting period, with every flat of one owner in one submission. A second ballot for a flat is
409 `ballot.already_voted` (with `details.voted_at`, never how it voted); a paper-only voter is
403 `ballot.paper_only`; a flat whose co-owners chose someone else is 403
`ballot.representative`; a flat with an active proxy is 403 `ballot.proxy_granted` for the owner;
outside the period 409 `ballot.not_open` / `ballot.closed`; a submission without the other flats of
the same owner 422 `ballot.group_incomplete`; answers not valid for the items 422 `invalid_input`
(`details["item:<id>"]`), `ballot.out_of_scope` (an answer to an item for part of the estate that
none of the flats is in, R-MTG-9) or `ballot.empty`. A meeting the caller may not see is 404.

The receipt check `GET /receipts/{code}` needs no sign-in and never shows the answers."""

from __future__ import annotations

from ninja import Router
from ninja.responses import Status

from ownervote.core.devices import traces
from ownervote.core.errors import NotFound
from ownervote.core.schemas import ERRORS, Id
from ownervote.meetings.models import Meeting

from ..access import Need, access_voting
from ..errors import Code
from ..models import Ballot
from ..schemas_cast import (
    BallotIn,
    MyBallotOut,
    PublicReceiptOut,
    ReceiptOut,
    RepresentativeFlatOut,
    RepresentativeIn,
    RepresentativeOut,
    VoterFlatOut,
)
from ..services import cast, late, representatives

router = Router(tags=["voting"])


def _meeting(request, meeting_id: Id) -> Meeting:
    return access_voting(request.auth, meeting_id, need=Need.VOTE)


def _flat_out(e: cast.VoterFlat) -> dict:
    return {
        "flat_id": e.flat.pk,
        "flat": e.label,
        "via": e.via,
        "proxy_id": e.proxy.pk if e.proxy else None,
        "can_vote": e.can_vote,
        "code": e.code,
        "reason": e.reason,
        "voted_at": e.voted_at,
        "area": e.roll.area if e.roll else None,
        "submit_with": e.flat_ids if e.can_vote else [e.flat.pk],
    }


@router.get(
    "/meetings/{meeting_id}/flats", response={200: list[VoterFlatOut], **ERRORS}, summary="My flats to vote"
)
def list_flats(request, meeting_id: Id):
    """Every flat the caller sees on the vote page: their own (bound when voting opened) and those
    of the proxies they hold; whether each can be voted now, how, and if not why.
    `submit_with` lists the flats one submission covers (R-TALLY-9). A flat the caller bound after
    voting opened, with no eligibility in the meeting, is listed too with `can_vote` false and
    `ballot.not_eligible`: it votes on paper (R-VOTE-4, art. 18)."""
    meeting = _meeting(request, meeting_id)
    entries = cast.voter_flats(request.auth, meeting)
    entries += late.late_flats(request.auth, meeting, skip={e.flat.pk for e in entries})
    return [_flat_out(e) for e in entries]


def _receipt(submission) -> dict:
    if hasattr(submission, "cast_labels"):  # just cast: ballot_cast says what it wrote
        labels, partial = submission.cast_labels, submission.cast_partial
    else:
        ballots = list(
            Ballot.objects.filter(submission=submission).select_related("flat__building").order_by("pk")
        )
        labels = [f"{b.flat.building.name}-{b.flat.room}" for b in ballots]
        partial = bool(ballots and ballots[0].partial)
    return {
        "code": cast.display_code(submission.code),
        "digest": submission.digest,
        "meeting_id": submission.meeting_id,
        "cast_at": submission.cast_at,
        "flats": labels,
        "partial": partial,
    }


@router.post("/meetings/{meeting_id}/ballots", response={201: ReceiptOut, **ERRORS}, summary="Cast a ballot")
def cast_ballot(request, meeting_id: Id, body: BallotIn):
    """Cast one submission (final: it cannot be changed, R-VOTE-1). Returns the receipt: a code to
    keep and the ballot's hash (R-VOTE-3)."""
    submission = cast.ballot_cast(
        actor=request.auth,
        meeting_id=meeting_id,
        flat_ids=body.flat_ids,
        answers=body.answers,
        proxy_id=body.proxy_id,
        **traces(request),
    )
    return Status(201, _receipt(submission))


@router.get(
    "/meetings/{meeting_id}/my-ballots", response={200: list[MyBallotOut], **ERRORS}, summary="My ballots"
)
def my_ballots(request, meeting_id: Id):
    """The caller's own submissions in the meeting (and those a proxy cast for them), with what
    they said item by item (R-VOTE-3)."""
    meeting = _meeting(request, meeting_id)
    return [
        {
            "code": b.code,
            "digest": b.submission.digest,
            "meeting_id": meeting.pk,
            "cast_at": b.submission.cast_at,
            "flats": b.flats,
            "partial": b.partial,
            "by_proxy": b.by_proxy,
            "answers": b.rows,
        }
        for b in cast.my_ballots(request.auth, meeting)
    ]


@router.get(
    "/receipts/{code}", response={200: PublicReceiptOut, **ERRORS}, auth=None, summary="Check a receipt"
)
def check_receipt(request, code: str):
    """Whether a receipt code is recorded: in which meeting, when, and its hash. No sign-in;
    never the answers. 404 `receipt.not_found` otherwise."""
    submission = cast.receipt_lookup(code)
    if submission is None:
        raise NotFound(Code.RECEIPT_NOT_FOUND, cast.RECEIPT_NOT_FOUND)
    return {
        "code": cast.display_code(submission.code),
        "meeting_id": submission.meeting_id,
        "meeting": submission.meeting.title,
        "estate": submission.meeting.estate.name,
        "cast_at": submission.cast_at,
        "digest": submission.digest,
    }


# --- representatives (R-VOTE-8) ----------------------------------------------------------------


@router.get(
    "/meetings/{meeting_id}/representatives",
    response={200: list[RepresentativeFlatOut], **ERRORS},
    summary="My co-owned flats",
)
def list_representatives(request, meeting_id: Id):
    """The caller's flats with several owners, their bound co-owners and the live choice of
    representative (who consented)."""
    meeting = _meeting(request, meeting_id)
    return [
        {
            "flat_id": f.flat.pk,
            "flat": f.label,
            "co_owners": f.co_owners,
            "representative_id": f.representative.pk if f.representative else None,
            "representative_user_id": f.representative.user_id if f.representative else None,
            "status": f.representative.status if f.representative else None,
            "can_change": f.can_change,
            "reason": f.reason,
        }
        for f in representatives.co_owner_flats(request.auth, meeting)
    ]


@router.post(
    "/meetings/{meeting_id}/representatives",
    response={201: RepresentativeOut, **ERRORS},
    summary="Propose a representative",
)
def propose_representative(request, meeting_id: Id, body: RepresentativeIn):
    """A bound co-owner proposes a bound co-owner (maybe himself) to vote the flat; the proposer
    consents by proposing; in effect once every co-owner bound when voting opened consented.
    403 `representative.not_co_owner`, 409 `representative.exists` / `representative.flat_voted` /
    `representative.closed`."""
    rep = representatives.representative_propose(
        actor=request.auth, meeting_id=meeting_id, flat_id=body.flat_id, user_id=body.user_id
    )
    return Status(201, rep)


@router.post(
    "/representatives/{representative_id}/consent",
    response={200: RepresentativeOut, **ERRORS},
    summary="Consent to a representative",
)
def consent_representative(request, representative_id: Id):
    """Another bound co-owner consents (404 for anybody else)."""
    return representatives.representative_consent(actor=request.auth, representative_id=representative_id)


@router.post(
    "/representatives/{representative_id}/withdraw",
    response={200: RepresentativeOut, **ERRORS},
    summary="Withdraw a representative",
)
def withdraw_representative(request, representative_id: Id):
    """Any bound co-owner withdraws the choice, until the flat has voted (409
    `representative.flat_voted`)."""
    return representatives.representative_withdraw(actor=request.auth, representative_id=representative_id)
