"""Who may cast the electronic ballot of a flat, now (R-VOTE-1, R-VOTE-4, R-VOTE-6..9, R-TALLY-9).
Pure Python: no Django. The service gathers the facts from the database; this module decides.

A flat's electronic ballot is cast once (R-VOTE-1), during the voting period, by:
- a co-owner bound when voting opened whose eligibility is electronic (R-VOTE-4): paper only for
  those bound or verified during the publicity (art. 18), and for everybody in a meeting held
  wholly on paper (art. 11);
- for an organisation owner, its authorised staff, while the authorisation is in force (R-VOTE-9);
- when the co-owners chose a representative, that representative alone (R-VOTE-8), or the proxy
  the representative gave; otherwise every co-owner, or the proxy that co-owner gave, and the
  first completed ballot counts (the database keeps one electronic ballot per flat);
- a written proxy acts for the owner who gave it only (R-VOTE-6, R-VOTE-8): that owner revokes it
  first to vote in person (R-VOTE-7), while another co-owner of the flat still votes it;
- a proxy votes only once they have confirmed accepting the proxy (art. 20); until then the owner
  who gave it still votes in person.

Flats of one counted owner (the same set of owners; the developer's unsold flats) are voted together
in one submission (R-TALLY-9): ``missing_from_groups`` names what a submission left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Refusal codes, checked in this order (the first that applies is the reason shown).
NOT_ON_ROLL = "ballot.not_on_roll"
ALREADY_VOTED = "ballot.already_voted"
NOT_OPEN = "ballot.not_open"
CLOSED = "ballot.closed"
NOT_ELIGIBLE = "ballot.not_eligible"
PAPER_ONLY = "ballot.paper_only"
AUTHORISATION_ENDED = "ballot.authorisation_ended"
PROXY_GRANTED = "ballot.proxy_granted"
PROXY_UNCONFIRMED = "ballot.proxy_unconfirmed"
REPRESENTATIVE = "ballot.representative"

CODES = (
    NOT_ON_ROLL,
    ALREADY_VOTED,
    NOT_OPEN,
    CLOSED,
    NOT_ELIGIBLE,
    PAPER_ONLY,
    AUTHORISATION_ENDED,
    PROXY_GRANTED,
    PROXY_UNCONFIRMED,
    REPRESENTATIVE,
)

# How a flat is voted by the person in front of the screen.
VIA_OWNER = "owner"
VIA_STAFF = "staff"
VIA_REPRESENTATIVE = "representative"
VIA_PROXY = "proxy"

# The voting window.
OPEN = "open"
BEFORE = "not_open"
AFTER = "closed"


def window(*, status: str, opens_at: dt.datetime, closes_at: dt.datetime, at: dt.datetime) -> str:
    """``open`` when the meeting is in its voting status and ``opens_at <= at < closes_at``;
    ``closed`` once the close has passed or the meeting left the voting status for good; else
    ``not_open``."""
    if status in ("closed", "cancelled") or at >= closes_at:
        return AFTER
    if status != "voting" or at < opens_at:
        return BEFORE
    return OPEN


def staff_in_force(
    *, valid_from: dt.date, valid_until: dt.date | None, revoked: bool, today: dt.date
) -> bool:
    """An organisation's authorisation of its staff is in force today (R-VOTE-9, R-ORG-2)."""
    return not revoked and valid_from <= today and (valid_until is None or today <= valid_until)


@dataclass(frozen=True)
class FlatFacts:
    """What is known about one flat for one voter (the person, or the grantor of a proxy).

    ``mode``: the voter's frozen eligibility for the flat ("electronic" / "paper_only"), or ""
    when they were not bound to it when voting opened. ``representative``: the user id of the
    co-owners' representative in effect, or None. ``proxy_active``: the owner the voter is bound as
    gave a proxy in force, which the proxy has confirmed, covering the flat (only relevant when the
    voter votes in person); a proxy another co-owner gave is not the voter's and never sets it
    (R-VOTE-8). ``proxy_confirmed``: voting ``by_proxy``, the proxy has confirmed accepting it."""

    on_roll: bool
    voted: bool
    mode: str
    binding_active: bool = True
    staff: bool = False  # the binding is an organisation's authorised staff's
    staff_in_force: bool = True
    representative: int | None = None
    proxy_active: bool = False
    proxy_confirmed: bool = True
    paper_meeting: bool = False  # the meeting is held wholly on paper


@dataclass(frozen=True)
class Decision:
    can_vote: bool
    code: str  # "" when allowed
    via: str


def decide(*, voter_id: int, facts: FlatFacts, state: str, by_proxy: bool = False) -> Decision:
    """May the flat be voted electronically now by ``voter_id`` (in person) or, with
    ``by_proxy``, by the holder of ``voter_id``'s proxy? ``state`` comes from ``window``."""
    if by_proxy:
        via = VIA_PROXY
    elif facts.representative is not None and facts.representative == voter_id:
        via = VIA_REPRESENTATIVE
    elif facts.staff:
        via = VIA_STAFF
    else:
        via = VIA_OWNER

    def no(code: str) -> Decision:
        return Decision(False, code, via)

    if not facts.on_roll:
        return no(NOT_ON_ROLL)
    if facts.voted:
        return no(ALREADY_VOTED)
    if state == AFTER:
        return no(CLOSED)
    if state != OPEN:
        return no(NOT_OPEN)
    if not facts.mode or not facts.binding_active:
        return no(NOT_ELIGIBLE)
    if facts.paper_meeting or facts.mode != "electronic":
        return no(PAPER_ONLY)
    if facts.staff and not facts.staff_in_force:
        return no(AUTHORISATION_ENDED)
    if by_proxy and not facts.proxy_confirmed:
        return no(PROXY_UNCONFIRMED)
    if facts.proxy_active and not by_proxy:
        return no(PROXY_GRANTED)
    if facts.representative is not None and facts.representative != voter_id:
        return no(REPRESENTATIVE)
    return Decision(True, "", via)


def missing_from_groups(submitted: Iterable[int], votable: Mapping[int, str]) -> set[int]:
    """R-TALLY-9: the flats a submission must also cover. ``votable`` maps each flat the voter
    may vote (by the same route) to its counted owner; every votable flat sharing a counted owner
    with a submitted flat belongs in the same submission."""
    submitted = set(submitted)
    groups = {votable[f] for f in submitted if f in votable}
    return {f for f, g in votable.items() if g in groups and f not in submitted}


def groups_of(submitted: Iterable[int], owner_group: Mapping[int, str]) -> set[str]:
    """The counted owners a submission covers (one submission covers one)."""
    return {owner_group[f] for f in submitted if f in owner_group}
