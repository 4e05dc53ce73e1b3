"""A flat sold while voting runs (R-VOTE-10, with R-VOTE-4 and R-BIND-2).

- A ballot the seller already cast stands: nothing here or in the roster touches a cast ballot, and
  the flat's one electronic ballot (``ballot_one_electronic_per_flat``) keeps the buyer from voting it
  again; a paper the buyer hands in stays on record, superseded (R-PAPER-1).
- Once the roster records the sale, the seller's binding ends (``roster.signals.roster_changed``,
  R-BIND-2): their eligibility row stays, but they can no longer vote the flat, and the vote page
  says the flat changed owner.
- The buyer, once bound, may vote the flat if the seller had not: ``on_binding_created`` gives a
  binding made while a meeting of the estate is voting its eligibility row in that meeting, decided
  as at the opening (``opening.eligibility_rows``): bound after the publicity began, so on paper only
  (art. 18). A flat not on the meeting's roll gets none.
"""

from __future__ import annotations

from ownervote.audit.services import record
from ownervote.bindings.models import Binding
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Eligibility, Meeting

from ..models import RollFlat
from .opening import eligibility_rows


def on_binding_created(sender, *, binding: Binding, actor, **kwargs) -> None:
    """``bindings.signals.binding_created``, inside ``bind_flat``'s transaction: an eligibility row
    in every meeting of the estate now voting whose roll has the flat (R-VOTE-10, R-VOTE-4)."""
    voting = Meeting.objects.select_for_update().filter(
        estate_id=binding.estate_id, status=Meeting.Status.VOTING
    )
    for meeting in voting.order_by("pk"):
        if not RollFlat.objects.filter(meeting=meeting, flat_id=binding.flat_id).exists():
            continue
        if Eligibility.objects.filter(meeting=meeting, binding=binding).exists():
            continue
        first = meeting_selectors.first_publicity(meeting)
        since = meeting_selectors.day_start(first.starts_on if first else meeting_selectors.held_on(meeting))
        binding = Binding.objects.select_related(
            "flat", "user", "user__verified_identity", "verification"
        ).get(pk=binding.pk)
        (row,) = eligibility_rows([binding], since, meeting)
        row.save()
        record(
            actor=actor,
            action="meeting.eligibility_added",
            obj=meeting,
            estate_id=meeting.estate_id,
            summary={
                "binding": binding.pk,
                "flat": str(binding.flat),
                "user": binding.user_id,
                "mode": row.mode,
                "reason": row.reason,
            },
        )
