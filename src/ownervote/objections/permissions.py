"""Who may do what with objections to the result (R-TRUST-2): the only place that decides it.

- Raise: an owner of the estate (``complaints.permissions.is_owner_of``: bound, verified and
  listed, or signed in with the mobile the roster lists). ``never_voted`` and ``wrong_choice`` only
  on a flat they own (``own_flat_ids``), ``doubt_other`` only on another flat (``rules.objections``).
- Answer: the meeting's convener (``meetings.permissions.can_manage``).
- Accept or dispute the answer: whoever raised it.
- Read a meeting's objections: the convener and the staff who oversee the estate (the result
  console's people, ``results.permissions.can_see_result``); their raiser reads their own.
- Refer a signal to the convener as an objection: the body supervising the convener (the street
  office, or the district bureau where the street office convened).
"""

from __future__ import annotations

from ownervote.bindings.selectors import active_bindings, matches
from ownervote.complaints import permissions as complaint_permissions
from ownervote.meetings import permissions as meeting_permissions
from ownervote.meetings.models import Meeting
from ownervote.results import permissions as result_permissions
from ownervote.roster.models import Estate, Ownership
from ownervote.verification.selectors import verified_identity

from .models import ResultObjection


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def own_flat_ids(user, estate: Estate) -> set[int]:
    """The flats of ``estate`` the user owns: bound to them, or where their verified identity or
    the mobile they signed in with is a current owner's in the roster."""
    if not _signed_in(user):
        return set()
    found = set(active_bindings(user).filter(estate=estate).values_list("flat_id", flat=True))
    found.update(m.flat.pk for m in matches(verified_identity(user), estate=estate))
    if getattr(user, "mobile_hash", ""):
        found.update(
            Ownership.objects.filter(
                flat__estate=estate,
                flat__removed_at__isnull=True,
                ended_at__isnull=True,
                owner__mobile_hash=user.mobile_hash,
            ).values_list("flat_id", flat=True)
        )
    return found


def can_raise(user, estate: Estate) -> bool:
    return complaint_permissions.is_owner_of(user, estate)


def can_answer(user, meeting: Meeting) -> bool:
    return _signed_in(user) and meeting_permissions.can_manage(user, meeting)


def can_see_meeting_objections(user, meeting: Meeting) -> bool:
    return result_permissions.can_see_result(user, meeting)


def can_refer(user, meeting: Meeting) -> bool:
    return meeting_permissions.supervises(user, meeting)


def is_raiser(user, objection: ResultObjection) -> bool:
    return _signed_in(user) and objection.raised_by_id == user.pk


def can_see_objection(user, objection: ResultObjection) -> bool:
    return is_raiser(user, objection) or can_see_meeting_objections(user, objection.meeting)
