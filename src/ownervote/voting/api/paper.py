"""/api/voting: the public count of paper ballots (R-PAPER-1..4, R-TALLY-9) and the printable
ballots.

Only the meeting's convener opens a count, enters ballots and commits; the staff who see the estate
(the street office invited to supervise) read the sessions; an owner who sees the meeting gets 403
``paper.forbidden``, anybody else 404. A count opens once the voting has closed (409
``paper.not_closed``) with a caller, a counter and a scrutineer (422 with ``details`` per missing
role). Entries: ``answers`` as an electronic ballot has them (``{"<item id>": "yes" | "no" |
"abstain" | [candidate ids]}``); a date after the close is 422 ``paper.after_close``; each entry
says when and how the paper was received (``received_at``, ``received_via``: ``box`` or ``hand``;
R-PAPER-2): missing, 422 ``paper.received_required``; after the electronic close, 422
``paper.received_after_close`` and nothing is recorded; round 2
needs a session with a second entry; round 3 resolves. The commit is refused (409
``paper.unresolved``) while mismatches, single entries (double entry) or a counted owner's
disagreeing papers remain."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from ownervote.core.schemas import ERRORS, Day, Id, Moment, documented_required
from ownervote.core.views import download

from .. import ballot_pdf
from ..models import CountSession, PaperEntry
from ..services import answers as ballot_answers
from ..services import paper, paper_ballots

router = Router(tags=["paper ballots"])


class SessionIn(Schema):
    model_config = ConfigDict(json_schema_extra=documented_required("caller", "counter", "scrutineer"))

    caller: str = Field("", max_length=100)
    counter: str = Field("", max_length=100)
    scrutineer: str = Field("", max_length=100)
    place: str = Field("", max_length=300)
    double_entry: bool = False
    invited_ids: list[Id] = Field(default_factory=list, description="Empty: all the street office's staff.")


class PersonOut(Schema):
    id: int
    name: str


class SessionOut(Schema):
    id: int
    meeting_id: int
    status: str
    caller: str
    counter: str
    scrutineer: str
    place: str
    double_entry: bool
    invited: list[PersonOut]
    opened_at: dt.datetime
    committed_at: dt.datetime | None
    close_date: dt.date


class FlatEntryOut(Schema):
    flat_id: int
    label: str
    rounds: list[int]


class CountFiguresOut(Schema):
    ballots: int
    counted: int
    superseded: int


class SessionDetailOut(SessionOut):
    flats: list[FlatEntryOut]
    mismatches: int
    missing_second: int
    conflicts: int
    ready: bool
    figures: CountFiguresOut | None


class EntryIn(Schema):
    answers: dict = Field(default_factory=dict)
    dated_on: Day
    received_at: Moment | None = Field(
        None,
        description="When the paper was received: the ballot box collected, or handed in (required; "
        "at the latest the electronic close, R-PAPER-2). Without a zone offset, Beijing time.",
    )
    received_via: str = Field("", description="`box` (the ballot box) or `hand` (handed in); required.")
    invalid: bool = False


class EntryOut(Schema):
    session_id: int
    flat_id: int
    round: int
    answers: dict
    dated_on: dt.date
    received_at: dt.datetime | None
    received_via: str
    invalid: bool


class EnteredOut(Schema):
    round: int
    answers: dict
    dated_on: dt.date
    received_at: dt.datetime | None
    received_via: str
    invalid: bool
    text: str


class MismatchOut(Schema):
    flat_id: int
    label: str
    first: EnteredOut
    second: EnteredOut


class ConflictFlatOut(Schema):
    flat_id: int
    label: str
    entry: EnteredOut


class ToResolveOut(Schema):
    mismatches: list[MismatchOut]
    missing_second: list[FlatEntryOut]
    conflicts: list[list[ConflictFlatOut]]


def _session_out(session: CountSession) -> dict:
    return {
        "id": session.pk,
        "meeting_id": session.meeting_id,
        "status": session.status,
        "caller": session.caller,
        "counter": session.counter,
        "scrutineer": session.scrutineer,
        "place": session.place,
        "double_entry": session.double_entry,
        "invited": [{"id": u.pk, "name": u.display_name()} for u in session.invited.all()],
        "opened_at": session.opened_at,
        "committed_at": session.committed_at,
        "close_date": paper_ballots.close_date(session.meeting),
    }


def _flat(f: paper.FlatState) -> dict:
    return {"flat_id": f.flat_id, "label": f.label, "rounds": sorted(f.rounds)}


def _entered(items, e: PaperEntry) -> dict:
    return {
        "round": e.round,
        "answers": e.answers,
        "dated_on": e.dated_on,
        "received_at": e.received_at,
        "received_via": e.received_via,
        "invalid": e.invalid,
        "text": paper_ballots.summary(items, e.answers, invalid=e.invalid),
    }


@router.post(
    "/meetings/{meeting_id}/count-sessions",
    response={201: SessionOut, **ERRORS},
    summary="Open a count of paper ballots",
)
def open_session(request, meeting_id: Id, body: SessionIn):
    """The convener, once the voting has closed (R-PAPER-3). The invited street-office staff are
    told the time and place."""
    session = paper.session_open(
        actor=request.auth,
        meeting_id=meeting_id,
        caller=body.caller,
        counter=body.counter,
        scrutineer=body.scrutineer,
        place=body.place,
        double_entry=body.double_entry,
        invited_ids=body.invited_ids,
    )
    return Status(201, _session_out(paper.session_for(request.auth, session.pk)))


@router.get(
    "/meetings/{meeting_id}/count-sessions",
    response={200: list[SessionOut], **ERRORS},
    summary="Count sessions of a meeting",
)
def list_sessions(request, meeting_id: Id):
    return [_session_out(s) for s in paper.sessions_for(request.auth, meeting_id)]


@router.get(
    "/count-sessions/{session_id}", response={200: SessionDetailOut, **ERRORS}, summary="A count session"
)
def get_session(request, session_id: Id):
    """The session, the flats entered (which rounds, never what they say: the second entry stays
    independent), what remains to resolve and, once committed, the ballots it wrote."""
    session = paper.session_for(request.auth, session_id)
    st = paper.state(session)
    committed = session.status == CountSession.Status.COMMITTED
    return {
        **_session_out(session),
        "flats": [_flat(f) for f in st.flats],
        "mismatches": len(st.mismatches),
        "missing_second": len(st.missing_second),
        "conflicts": len(st.conflicts),
        "ready": st.ready,
        "figures": paper.session_figures(session) if committed else None,
    }


@router.put(
    "/count-sessions/{session_id}/entries/{flat_id}/{round}",
    response={200: EntryOut, **ERRORS},
    summary="Enter one flat's paper ballot",
)
def put_entry(request, session_id: Id, flat_id: Id, round: int, body: EntryIn):
    """Round 1 the entry, 2 the independent second entry, 3 the resolution; again replaces."""
    entry = paper.entry_save(
        actor=request.auth,
        session_id=session_id,
        flat_id=flat_id,
        round=round,
        answers=body.answers,
        dated_on=body.dated_on,
        received_at=body.received_at,
        received_via=body.received_via,
        invalid=body.invalid,
    )
    return {
        "session_id": entry.session_id,
        "flat_id": entry.flat_id,
        "round": entry.round,
        "answers": entry.answers,
        "dated_on": entry.dated_on,
        "received_at": entry.received_at,
        "received_via": entry.received_via,
        "invalid": entry.invalid,
    }


@router.delete(
    "/count-sessions/{session_id}/entries/{flat_id}/{round}",
    response={204: None, **ERRORS},
    summary="Remove an entry",
)
def delete_entry(request, session_id: Id, flat_id: Id, round: int):
    paper.entry_delete(actor=request.auth, session_id=session_id, flat_id=flat_id, round=round)
    return Status(204, None)


@router.get(
    "/count-sessions/{session_id}/mismatches",
    response={200: ToResolveOut, **ERRORS},
    summary="What to resolve before counting",
)
def to_resolve(request, session_id: Id):
    """Flats whose first and second entries differ, flats entered once (double entry) and
    counted owners whose flats' papers disagree (R-TALLY-9)."""
    session = paper.session_for(request.auth, session_id)
    items = ballot_answers.meeting_items(session.meeting)
    st = paper.state(session)
    R = PaperEntry.Round
    return {
        "mismatches": [
            {
                "flat_id": f.flat_id,
                "label": f.label,
                "first": _entered(items, f.rounds[R.FIRST]),
                "second": _entered(items, f.rounds[R.SECOND]),
            }
            for f in st.mismatches
        ],
        "missing_second": [_flat(f) for f in st.missing_second],
        "conflicts": [
            [{"flat_id": f.flat_id, "label": f.label, "entry": _entered(items, f.effective)} for f in group]
            for group in st.conflicts
        ],
    }


@router.post(
    "/count-sessions/{session_id}/commit", response={200: SessionDetailOut, **ERRORS}, summary="Count"
)
def commit(request, session_id: Id):
    """Write the paper ballots (superseded where the flat voted electronically, R-PAPER-1) and
    add the counted ones to the progress."""
    paper.session_commit(actor=request.auth, session_id=session_id)
    return get_session(request, session_id)


@router.get(
    "/meetings/{meeting_id}/paper-ballots.pdf",
    response={**ERRORS},
    openapi_extra={
        "responses": {
            200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
        }
    },
    summary="Printable paper ballots",
)
def ballots(request, meeting_id: Id, building_id: Id | None = None, flat_id: Id | None = None):
    """One A4 page per flat (all, one building or one flat), with a QR code for the entry. The
    convener only."""
    meeting, flats = paper_ballots.ballots_for(
        request.auth, meeting_id, building_id=building_id, flat=flat_id
    )
    return download(ballot_pdf.render(meeting, flats), f"ballots-{meeting.pk}.pdf", ballot_pdf.PDF)
