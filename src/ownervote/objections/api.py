"""/api/objections/: objections to the publicised result (询异, R-TRUST-2).

While the result is publicised, an owner of the estate raises an objection about one flat's ballot
(403 `objection.not_owner` for anybody else; `never_voted` and `wrong_choice` on their own flat
only, 422 `objection.not_own_flat`; 409 `objection.no_ballot` where no counted ballot is recorded,
`objection.not_in_publicity` outside the publicity). The convener answers by the publicity's last
day (409 `objection.answer_too_late`); the owner accepts the answer or disputes it, and a disputed
one becomes a complaint to the street office at once (`complaint_id`). One left unanswered becomes
a complaint the day after its last day. An objection the caller may not see is 404."""

from __future__ import annotations

from ninja import Router
from ninja.responses import Status

from ownervote.core.schemas import ERRORS, Id

from . import selectors, services
from .access import access_meeting_objections, access_objection
from .schemas import AnswerIn, CountsOut, DisputeIn, ResultObjectionIn, ResultObjectionOut, objection_out

router = Router(tags=["objections"])


def _out(request, objection_id: int) -> dict:
    return objection_out(access_objection(request.auth, objection_id))


@router.post("", response={201: ResultObjectionOut, **ERRORS}, summary="Raise an objection to a ballot")
def raise_objection(request, body: ResultObjectionIn):
    """The convener is told and must answer by the publicity's last day (`answer_by`)."""
    objection = services.objection_raise(
        actor=request.auth,
        meeting_id=body.meeting_id,
        flat_id=body.flat_id,
        kind=body.kind,
        text=body.text,
        receipt=body.receipt,
    )
    return Status(201, _out(request, objection.pk))


@router.get("/mine", response={200: list[ResultObjectionOut], **ERRORS}, summary="My objections")
def my_objections(request):
    return [objection_out(o) for o in selectors.mine(request.auth)]


@router.get(
    "/meetings/{meeting_id}",
    response={200: list[ResultObjectionOut], **ERRORS},
    summary="A meeting's objections",
)
def meeting_objections(request, meeting_id: Id):
    """The convener and the staff who oversee the estate; 404 for anybody else."""
    meeting = access_meeting_objections(request.auth, meeting_id)
    return [objection_out(o) for o in selectors.of_meeting(meeting)]


@router.get(
    "/meetings/{meeting_id}/counts",
    response={200: CountsOut, **ERRORS},
    auth=None,
    summary="How many objections were raised and answered",
)
def meeting_counts(request, meeting_id: Id):
    """Public while the result is publicised, as on the public result page (404 before)."""
    from_public = services.public_meeting(meeting_id)
    raised, answered = selectors.counts(from_public)
    return {"raised": raised, "answered": answered}


@router.get("/{objection_id}", response={200: ResultObjectionOut, **ERRORS}, summary="An objection")
def get_objection(request, objection_id: Id):
    return _out(request, objection_id)


@router.post(
    "/{objection_id}/answer", response={200: ResultObjectionOut, **ERRORS}, summary="Answer an objection"
)
def answer(request, objection_id: Id, body: AnswerIn):
    """The convener (403 otherwise), by `answer_by`; 409 `objection.already_answered`."""
    services.objection_answer(actor=request.auth, objection_id=objection_id, answer=body.answer)
    return _out(request, objection_id)


@router.post(
    "/{objection_id}/accept", response={200: ResultObjectionOut, **ERRORS}, summary="Accept the answer"
)
def accept(request, objection_id: Id):
    """Whoever raised it; 409 `objection.not_answered`, `objection.already_closed`."""
    services.objection_accept(actor=request.auth, objection_id=objection_id)
    return _out(request, objection_id)


@router.post(
    "/{objection_id}/dispute", response={200: ResultObjectionOut, **ERRORS}, summary="Dispute the answer"
)
def dispute(request, objection_id: Id, body: DisputeIn):
    """Whoever raised it: it becomes a complaint to the street office at once (`complaint_id`)."""
    services.objection_dispute(actor=request.auth, objection_id=objection_id, reason=body.reason)
    return _out(request, objection_id)
