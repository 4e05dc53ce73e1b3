"""The seal on a meeting's counted ballots once its result is publicised (R-SEC-6).

Once a result version is publicised, the ballots it counted cannot change: a late paper ballot
needs a correction of the result, with its reason, and a new version shown to owners as correcting
the earlier one (the results app: ``results.services.corrections``). Voting only keeps the seal:

- ``require_unsealed(meeting)``: 409 ``ballot.sealed`` while the seal holds; every paper step
  that would add or change a counted ballot (opening a count, saving or deleting an entry,
  committing) asks it with the meeting's row locked;
- ``seal(meeting, version=n)`` / ``unseal(meeting)``: for the results services, under the same
  lock, in the transaction that publicises a version, opens a correction or completes it.

The database enforces the same underneath (``BallotSeal``, migration 0006).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.core.errors import Conflict, require
from ownervote.meetings.models import Meeting

from ..errors import Code
from ..models import BallotSeal

SEALED = _(
    "The result of this meeting has been publicised: the ballots it counted can no longer change. "
    "To enter a late paper ballot, the convener first starts a correction of the result, with its "
    "reason, on the result page."
)


def is_sealed(meeting: Meeting) -> bool:
    return BallotSeal.objects.filter(meeting=meeting, sealed=True).exists()


def require_unsealed(meeting: Meeting) -> None:
    """409 ``ballot.sealed`` while the meeting's publicised result seals its ballots."""
    require(not is_sealed(meeting), Conflict(Code.BALLOTS_SEALED, SEALED))


def seal(meeting: Meeting, *, version: int) -> None:
    """Seal the meeting's counted ballots as version ``version`` counted them."""
    BallotSeal.objects.update_or_create(
        meeting=meeting, defaults={"sealed": True, "version": version, "changed_at": timezone.now()}
    )


def unseal(meeting: Meeting) -> None:
    """Let ballots in while a correction is open (the database refuses it otherwise)."""
    BallotSeal.objects.filter(meeting=meeting).update(sealed=False, changed_at=timezone.now())
