"""Who may do what with impersonation signals (R-TRUST-1): the only place that decides it.

- Review (dismiss, refer to the convener, turn into a complaint) and reveal a masked value: the
  body fixed on the signal when first detected (``Signal.handler_kind`` / ``handler_division``,
  ``orgs.scoping.supervisor_of``): the street office of the estate's street, or its district
  bureau where the street office itself convenes.
- See (read-only): also the district bureau above a street office that handles it.
- Nobody else sees a signal (404); an owner's account never does (403): signals are for staff.
"""

from __future__ import annotations

from ownervote.orgs import scoping
from ownervote.orgs.models import Organisation
from ownervote.orgs.staff import is_staff_account

from .models import Signal

K = Organisation.Kind
SUPERVISOR_KINDS = {K.STREET_OFFICE, K.DISTRICT_BUREAU}


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_staff(user) -> bool:
    return _signed_in(user) and is_staff_account(user)


def reviews_signals(user) -> bool:
    """Staff of a body that reviews or oversees signals: a street office or a district bureau."""
    return _signed_in(user) and scoping.is_supervisor(user)


def handling_organisation(user, signal: Signal) -> Organisation | None:
    """The user's organisation that is the signal's handling body, or None."""
    return next(
        (
            a.organisation
            for a in scoping.approved_associations(user)
            if a.organisation.kind == signal.handler_kind and a.division_id == signal.handler_division_id
        ),
        None,
    )


def can_review(user, signal: Signal) -> bool:
    """Review the signal and reveal its masked evidence: its handling office only."""
    return _signed_in(user) and handling_organisation(user, signal) is not None


def oversees(user, signal: Signal) -> bool:
    """The district bureau above the street office that handles the signal: reads it only."""
    if signal.handler_kind != K.STREET_OFFICE:
        return False
    district_id = signal.handler_division.parent_id
    return any(
        a.organisation.kind == K.DISTRICT_BUREAU and a.division_id == district_id
        for a in scoping.approved_associations(user)
    )


def can_see(user, signal: Signal) -> bool:
    return _signed_in(user) and (can_review(user, signal) or oversees(user, signal))
