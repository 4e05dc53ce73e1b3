"""The flats an owner bound after the meeting's eligibility was frozen (R-VOTE-4, art. 18), for the
vote page and ``GET /api/voting/meetings/{id}/flats``.

Voting's opening writes one ``meetings.Eligibility`` row per binding active at that moment, and a
binding made through ``bind_flat`` while the meeting votes gets its paper-only row
(``sales.on_binding_created``). A binding that has neither (made another way once the eligibility
was frozen) leaves the owner with no row: ``cast.voter_flats`` does not list the flat, and the page
said only that there was nothing to vote. Here each such flat (``selectors.bound_late``, one
statement) becomes a refused ``cast.VoterFlat``, with why in words: bound after the publicity
began, so this meeting takes its vote on a paper ballot from the convener.

The code is ``ballot.not_eligible`` (``rules.eligibility.NOT_ELIGIBLE``), the code casting the
flat's electronic ballot is refused with: a client sees the same code in the list and on a refused
cast, and one it already knows ("not bound when voting opened: ask for a paper ballot"); the reason
names the case. Read only: nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.utils.translation import gettext_lazy as _

from ownervote.meetings.models import Meeting
from ownervote.rules import eligibility as rules

from ..selectors import bound_late
from .cast import VoterFlat, reason_text, window_state

BOUND_LATE = _(
    "You bound this flat after this meeting's publicity began, so in this meeting it votes on a "
    "paper ballot, not on your phone (art. 18). Ask the convener for a paper ballot and hand it in "
    "before voting closes."
)


def _reason(code: str, binding, voted_at: dt.datetime | None) -> str:
    """``cast``'s words for the same case (one translation), but NOT_ELIGIBLE's: bound late."""
    if code == rules.NOT_ELIGIBLE:
        return str(BOUND_LATE)
    return reason_text(code, None, binding, voted_at)


def late_flats(actor, meeting: Meeting, *, skip: Collection[int] = ()) -> list[VoterFlat]:
    """The actor's flats of ``meeting`` bound after its eligibility was frozen, each refused with
    its code and reason (never votable electronically); flats in ``skip`` (those ``voter_flats``
    already lists) are left out."""
    state = window_state(meeting)
    out = []
    for binding in bound_late(actor, meeting):
        flat = binding.flat
        if flat.pk in skip:
            continue
        voted_at = binding.voted_at
        facts = rules.FlatFacts(
            on_roll=True, voted=voted_at is not None, mode="", staff=binding.staff_id is not None
        )
        decision = rules.decide(voter_id=actor.pk, facts=facts, state=state)
        out.append(
            VoterFlat(
                flat=flat,
                label=f"{flat.building.name}-{flat.room}",
                roll=None,
                via=decision.via,
                proxy=None,
                binding=binding,
                can_vote=False,
                code=decision.code,
                reason=_reason(decision.code, binding, voted_at),
                voted_at=voted_at,
            )
        )
    return out
