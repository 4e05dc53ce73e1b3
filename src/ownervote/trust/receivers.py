"""What the impersonation signals do when an app below them reports something (connected in
``TrustConfig.ready()``; the apps below never import trust)."""

from __future__ import annotations

from ownervote.objections.models import ResultObjection

from . import facts
from .detection import signal_raise
from .models import Kind


def disowned_ballot(sender, *, objection: ResultObjection, **kwargs) -> None:
    """R-TRUST-2 and R-TRUST-1: an owner says "I never voted" while a ballot is recorded for their
    flat; the street office gets a DISOWNED_BALLOT signal at once, one per flat and meeting, its
    evidence the ballots recorded for the flat and every such objection (masked, as every signal's).
    Sent after the objection committed, so the signal is its own transaction."""
    if objection.kind != ResultObjection.Kind.NEVER_VOTED or objection.flat_id is None:
        return
    disowning = ResultObjection.objects.filter(
        meeting_id=objection.meeting_id, flat_id=objection.flat_id, kind=ResultObjection.Kind.NEVER_VOTED
    ).order_by("raised_at", "pk")
    evidence = facts.flat_ballots(objection.meeting_id, objection.flat_id) + [
        {"type": "objection", "id": o.pk, "flat": str(objection.flat), "at": o.raised_at.isoformat()}
        for o in disowning
    ]
    signal_raise(
        kind=Kind.DISOWNED_BALLOT,
        estate=objection.estate,
        meeting=objection.meeting,
        key=f"flat:{objection.flat_id}",
        measure={"objections": len(disowning), "threshold": {"objections": 1}},
        evidence=evidence,
        now=objection.raised_at,
    )
