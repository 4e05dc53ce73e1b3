"""/api/signals/: impersonation signals (冒投, R-TRUST-1) for the street office to review.

A signal is a pattern in what the system recorded (one mobile or device binding many owners'
flats, bursts before a meeting, proxies on one holder, ballots from one address...) that suggests
votes in someone else's name. It blocks nobody. Its handling office (the street office of the
estate's street, or the district bureau where the street office convenes) lists them, reads the
evidence masked, reveals one value in clear with a reason (logged) and records the outcome of its
review: `dismissed`, `referred` to the convener as an objection, or `complaint` (a complaint it
opens itself). The district bureau above a street office reads its signals (403 on acting). A
signal the caller may not see is 404; an owner's account is 403."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from ninja import Router

from ownervote.core.errors import Forbidden
from ownervote.core.schemas import ERRORS, Id

from . import permissions, selectors, services
from .access import access_signal
from .errors import Code
from .schemas import (
    ReviewIn,
    SignalDetailOut,
    SignalOut,
    SignalRevealIn,
    SignalRevealValueOut,
    signal_detail_out,
    signal_out,
)

router = Router(tags=["signals"])


@router.get("", response={200: list[SignalOut], **ERRORS}, summary="Impersonation signals")
def signal_list(request, status: str = "", kind: str = "", estate_id: Id | None = None):
    """The signals the caller's office handles (and, for a district bureau, those of its street
    offices, read-only): open ones first, then the most recently detected. Filters: `status`
    (`open`, `dismissed`, `referred`, `complaint`), `kind`, `estate_id`. 403 `signal.forbidden`
    for anybody but street offices and district bureaus."""
    if not permissions.reviews_signals(request.auth):
        raise Forbidden(Code.FORBIDDEN, _("Only a street office or a district bureau reviews signals."))
    rows = selectors.signal_list(request.auth, status=status, kind=kind, estate_id=estate_id)
    return [signal_out(request.auth, s) for s in rows]


@router.get("/{signal_id}", response={200: SignalDetailOut, **ERRORS}, summary="A signal")
def signal_detail(request, signal_id: Id):
    """Its measure against the threshold, its evidence (masked), its reviews and reveals."""
    return signal_detail_out(request.auth, access_signal(request.auth, signal_id))


@router.post("/{signal_id}/review", response={200: SignalDetailOut, **ERRORS}, summary="Review a signal")
def review(request, signal_id: Id, body: ReviewIn):
    """The handling office records the `outcome` with its reason (`note`, 422
    `signal.note_required`). `complaint` opens a complaint on the office's own initiative
    (`complaint_id`). 409 `signal.already_reviewed` when the signal is not open; 422
    `signal.outcome_invalid`."""
    services.signal_review(actor=request.auth, signal_id=signal_id, outcome=body.outcome, note=body.note)
    return signal_detail_out(request.auth, access_signal(request.auth, signal_id))


@router.post(
    "/{signal_id}/reveal",
    response={200: SignalRevealValueOut, **ERRORS},
    summary="One evidence value in clear",
)
def reveal(request, signal_id: Id, body: SignalRevealIn):
    """The handling office only (403), with the `reason` (422 `signal.reason_required`). The value
    is read from the record the evidence names; every reveal is logged (the signal's history and
    the audit log). 404 `signal.evidence_not_found`, 422 `signal.field_not_revealable`."""
    value = services.signal_reveal(
        actor=request.auth, signal_id=signal_id, item=body.item, field=body.field, reason=body.reason
    )
    return {"item": body.item, "field": body.field, "value": value}
