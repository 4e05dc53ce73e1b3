"""How much of the roster a roster file may change without a second look (issue 22, R-ROSTER-1):
the convener confirms the roster, so an import that would quietly remove most of it (a file of one
building, one sheet or one row) must not pass behind a small note. Pure Python: no Django.

- ``REFUSE``: the file obviously holds only part of the roster: it would remove more than half of
  the flats of a roster of at least ``MIN_FLATS_FOR_REFUSAL``. It is refused with the reason; a
  real large removal (an estate split, a wrong first import) is done in steps of at most half,
  each confirmed, so that nobody loses most of a roster by one wrong upload.
- ``CONFIRM``: the file would remove or change more than ``CONFIRM_SHARE`` of the roster's flats,
  remove every flat of a building, or remove or change a flat that holds a ballot of a meeting
  still voting. The user types the number of flats removed or changed (``affected``), shown first.
- ``NONE``: anything smaller applies with the reason alone (a first import changes no flat).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

CONFIRM_SHARE = Fraction(1, 10)
REFUSE_SHARE = Fraction(1, 2)
MIN_FLATS_FOR_REFUSAL = 10

NONE = "none"
CONFIRM = "confirm"
REFUSE = "refuse"

# Stable reason codes; callers map them to messages.
PARTIAL = "partial"
LARGE_SHARE = "large_share"
BUILDINGS_REMOVED = "buildings_removed"
BALLOTS = "ballots"


@dataclass(frozen=True)
class Guard:
    level: str  # NONE, CONFIRM or REFUSE
    affected: int  # flats removed or changed: what the user types to confirm
    reasons: tuple[str, ...] = ()


def import_guard(
    *, roster_flats: int, removed: int, changed: int, buildings_removed: int, flats_with_ballots: int
) -> Guard:
    """The check an import needs. ``roster_flats``: flats in the roster now; ``removed``: flats the
    file drops; ``changed``: flats whose area, source, use or owners change; ``buildings_removed``:
    buildings all of whose flats the file drops; ``flats_with_ballots``: removed or changed flats
    holding a ballot of a meeting still voting."""
    if not 0 <= removed <= roster_flats or not 0 <= changed <= roster_flats - removed:
        raise ValueError("removed and changed flats must be flats of the roster, each counted once")
    affected = removed + changed
    if roster_flats >= MIN_FLATS_FOR_REFUSAL and removed > REFUSE_SHARE * roster_flats:
        return Guard(REFUSE, affected, (PARTIAL,))
    reasons = []
    if affected > CONFIRM_SHARE * roster_flats:
        reasons.append(LARGE_SHARE)
    if buildings_removed:
        reasons.append(BUILDINGS_REMOVED)
    if flats_with_ballots:
        reasons.append(BALLOTS)
    return Guard(CONFIRM if reasons else NONE, affected, tuple(reasons))
