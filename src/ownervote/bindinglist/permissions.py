"""Who may do what with the binding list and its objections (art. 14, 15): the only place that
decides it, built on ``orgs.scoping`` (who sees which estate) and the bindings (who is an owner
with a bound flat in it)."""

from __future__ import annotations

from ownervote.bindings.selectors import is_bound_in
from ownervote.orgs import scoping
from ownervote.roster.models import Estate

from .models import Objection


def can_see_list(user, estate: Estate) -> bool:
    """R-BIND-3 (art. 14 "向全体业主公示"): the staff who see the estate and the owners with an active
    binding in it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return scoping.can_see_estate(user, estate) or is_bound_in(user, estate)


def can_publish(user, estate: Estate) -> bool:
    """R-BIND-3: the estate's approved convener publishes and withdraws its binding list (art. 14)."""
    return scoping.can_keep_roster(user, estate)


def can_object(user, estate: Estate) -> bool:
    """R-BIND-4: an owner with an active binding in the estate objects in writing to its list's
    bindings (art. 15); when the objection may be filed is decided by the service."""
    return is_bound_in(user, estate)


def can_see_objection(user, objection: Objection) -> bool:
    """Its filer, and the staff who see its estate."""
    if not getattr(user, "is_authenticated", False):
        return False
    return objection.filed_by_id == user.pk or scoping.can_see_estate(user, objection.binding.estate)


def can_decide_objection(user, objection: Objection) -> bool:
    """R-BIND-4: the estate's approved convener checks an objection and records the outcome (art. 15)."""
    return scoping.can_keep_roster(user, objection.binding.estate)
