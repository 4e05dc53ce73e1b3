"""Who may do what with the binding list and its objections (art. 14, 15): the only place that
decides it, built on ``orgs.scoping`` (who sees which estate) and the bindings (who is an owner
with a bound flat in it)."""

from __future__ import annotations

from ownervote.bindings.selectors import is_bound_in, matches
from ownervote.orgs import scoping
from ownervote.orgs.models import Organisation
from ownervote.roster.models import Estate
from ownervote.verification.selectors import verified_identity

from .models import Objection, Publication


def is_estate_owner(user, estate: Estate) -> bool:
    """An owner of ``estate``, bound or not (R-BIND-4, art. 15 "业主可以核对业主信息"): signed in
    by mobile, with an active binding there, or verified with an identity the roster lists as a
    current owner there (R-BIND-1's match; the same test as the complaints' owner, less its
    unverified path: an objection names a person, so the owner is verified)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_bound_in(user, estate) or bool(matches(verified_identity(user), estate=estate))


def can_see_list(user, estate: Estate) -> bool:
    """R-BIND-3 (art. 14 "向全体业主公示"): the staff who see the estate and its owners, bound or
    not (``is_estate_owner``)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return scoping.can_see_estate(user, estate) or is_estate_owner(user, estate)


def can_publish(user, estate: Estate) -> bool:
    """R-BIND-3: the estate's approved convener publishes and withdraws its binding list (art. 14)."""
    return scoping.can_keep_roster(user, estate)


def can_object(user, estate: Estate) -> bool:
    """R-BIND-4: any owner of the estate, bound or not, verified (``is_estate_owner``), objects in
    writing to its list's bindings (art. 15); when the objection may be filed is decided by the
    service."""
    return is_estate_owner(user, estate)


def can_see_objection(user, objection: Objection) -> bool:
    """Its filer, and the staff who see its estate (the supervising office among them)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return objection.filed_by_id == user.pk or scoping.can_see_estate(user, objection.binding.estate)


def supervising_organisation(user, publication: Publication) -> Organisation | None:
    """R-BIND-4: the user's organisation that supervises the convener who published the list
    (``orgs.scoping.supervisor_of``: the street office of the estate's street, or its district
    bureau where the street office convened): it is shown the objections left undecided past the
    publicity."""
    return scoping.supervising_organisation(user, publication.estate, publication.publisher_organisation.kind)


def sees_overdue_objections(user) -> bool:
    """Staff of a body that supervises conveners: a street office or a district bureau."""
    return scoping.is_supervisor(user)


def can_decide_objection(user, objection: Objection) -> bool:
    """R-BIND-4: the estate's approved convener checks an objection and records the outcome (art. 15)."""
    return scoping.can_keep_roster(user, objection.binding.estate)
