"""Objections to a publicised result (询异, R-TRUST-2). Pure Python: no Django.

During the result's publicity (art. 26: at least 10 days, ``ResultPublicity.starts_on`` to
``ends_on``, both days included) an owner of the estate may question a specific flat's ballot:

- ``never_voted``: "I never voted but a ballot is recorded for my flat". Only on a flat the owner
  owns, and only when a counted ballot is recorded for it (otherwise there is nothing to question:
  the receipt search already says so).
- ``wrong_choice``: "my ballot's recorded choices differ from what I chose". Own flat, ballot
  recorded.
- ``doubt_other``: another flat's ballot the owner has grounds to doubt. Grounds required (at
  least ``GROUNDS_MIN_CHARS`` characters), a ballot recorded for it.
- ``referred``: the street office referred an impersonation signal (R-TRUST-1) to the convener as
  an objection; not raised by owners.

The convener answers by the last day of the publicity (``answer_by`` = ``ends_on``: a day ends at
24:00 Beijing time, so an answer on that day is on time). An objection still unanswered on the
day after becomes a complaint to the street office (R-SEC-4), as does one whose answer the owner
disputes.
"""

from __future__ import annotations

import datetime as dt

NEVER_VOTED = "never_voted"
WRONG_CHOICE = "wrong_choice"
DOUBT_OTHER = "doubt_other"
REFERRED = "referred"
OWNER_KINDS = (NEVER_VOTED, WRONG_CHOICE, DOUBT_OTHER)
KINDS = (*OWNER_KINDS, REFERRED)

GROUNDS_MIN_CHARS = 10  # the grounds to doubt another flat's ballot: a sentence, not a word

# Why an owner may not raise an objection of a kind (``raise_problem``).
UNKNOWN_KIND = "unknown_kind"
NOT_OWN_FLAT = "not_own_flat"
OWN_FLAT = "own_flat"
NO_BALLOT = "no_ballot"
GROUNDS_REQUIRED = "grounds_required"


def raise_problem(kind: str, *, own_flat: bool, ballot_recorded: bool, text: str) -> str | None:
    """Why an owner may not raise an objection of ``kind`` about a flat, or None when they may.
    ``own_flat``: the owner owns the flat; ``ballot_recorded``: a counted ballot is recorded for
    it; ``text``: what the owner wrote."""
    if kind not in OWNER_KINDS:
        return UNKNOWN_KIND
    if kind in (NEVER_VOTED, WRONG_CHOICE) and not own_flat:
        return NOT_OWN_FLAT
    if kind == DOUBT_OTHER and own_flat:
        return OWN_FLAT
    if not ballot_recorded:
        return NO_BALLOT
    if kind == DOUBT_OTHER and len((text or "").strip()) < GROUNDS_MIN_CHARS:
        return GROUNDS_REQUIRED
    return None


def in_publicity(today: dt.date, starts_on: dt.date, ends_on: dt.date) -> bool:
    """Whether ``today`` is a day of the publicity, its first and last days included."""
    return starts_on <= today <= ends_on


def answer_by(ends_on: dt.date) -> dt.date:
    """The last day the convener may answer: the publicity's last day."""
    return ends_on


def may_answer(today: dt.date, last_day: dt.date) -> bool:
    return today <= last_day


def overdue(today: dt.date, last_day: dt.date) -> bool:
    """Unanswered past its last day: it becomes a complaint (from the day after)."""
    return today > last_day
