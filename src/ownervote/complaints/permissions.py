"""Who may do what with complaints (R-SEC-4, rules art. 5(5)): the only place that decides it.

- Complain: an owner of the estate, bound or not, signed in by mobile (``is_owner_of``).
- Handle (see who complained, accept or decline, conclude, open the files): the body fixed on the
  complaint at filing, ``orgs.scoping.supervisor_of``: the street office of the estate's street,
  or its district bureau where the street office itself convened.
- Oversee (figures and the overdue list, never who complained): the district bureau and the city
  operator over the estate's division.
- The complainant sees their own complaint, its deadlines and outcome.
"""

from __future__ import annotations

from ownervote.bindings.selectors import is_bound_in, matches
from ownervote.orgs import scoping
from ownervote.orgs.models import Division, Organisation
from ownervote.roster.models import Estate, Ownership
from ownervote.verification.selectors import verified_identity

from .models import Complaint

K = Organisation.Kind
OVERSIGHT_KINDS = {K.DISTRICT_BUREAU, K.CITY_OPERATOR}


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def owner_by_mobile(user, estate: Estate) -> Ownership | None:
    """A current ownership in ``estate`` whose owner the roster lists with the mobile number the
    user signed in with (the SMS code proved the number)."""
    if not _signed_in(user) or not getattr(user, "mobile_hash", ""):
        return None
    return (
        Ownership.objects.filter(
            flat__estate=estate,
            flat__removed_at__isnull=True,
            ended_at__isnull=True,
            owner__mobile_hash=user.mobile_hash,
        )
        .select_related("owner")
        .order_by("pk")
        .first()
    )


def is_owner_of(user, estate: Estate) -> bool:
    """An owner of ``estate``, bound or not (R-SEC-4): an active binding there; or a verified
    identity the roster lists as a current owner there (R-BIND-1's match); or, not verified, the
    mobile number they signed in with is the one the roster lists for a current owner there."""
    if not _signed_in(user):
        return False
    if is_bound_in(user, estate):
        return True
    if matches(verified_identity(user), estate=estate):
        return True
    return owner_by_mobile(user, estate) is not None


def can_complain(user, estate: Estate) -> bool:
    return is_owner_of(user, estate)


def can_open_on_own_initiative(user, estate: Estate, convener_kind: str | None = None) -> bool:
    """Open a complaint without an owner filing it (e.g. from an impersonation signal, R-TRUST-1):
    the body that would handle it, the estate's supervisor (``scoping.supervises_estate``)."""
    return _signed_in(user) and scoping.supervises_estate(user, estate, convener_kind)


def handling_organisation(user, complaint: Complaint) -> Organisation | None:
    """The user's organisation that is the complaint's handling body, or None."""
    return next(
        (
            a.organisation
            for a in scoping.approved_associations(user)
            if a.organisation.kind == complaint.handler_kind
            and a.division_id == complaint.handler_division_id
        ),
        None,
    )


def can_handle(user, complaint: Complaint) -> bool:
    """Accept, decline, conclude, see who complained and open the files: the handling office."""
    return _signed_in(user) and handling_organisation(user, complaint) is not None


def is_filer(user, complaint: Complaint) -> bool:
    """The owner who filed it; a complaint the office opened on its own initiative has none (its
    opener sees it only while its office handles it)."""
    return _signed_in(user) and complaint.filed_by_id == user.pk and not complaint.on_own_initiative


def can_see_complaint(user, complaint: Complaint) -> bool:
    """Its complainant and its handling office."""
    return is_filer(user, complaint) or can_handle(user, complaint)


def handles_complaints(user) -> bool:
    """Staff of a body that may handle complaints: a street office or a district bureau."""
    return scoping.is_supervisor(user)


def oversight_roots(user) -> list[Division]:
    """The divisions whose complaints' figures ``user`` sees: its approved district bureau and
    city operator associations, highest first."""
    roots = {
        a.division.pk: a.division
        for a in scoping.approved_associations(user)
        if a.division_id and a.organisation.kind in OVERSIGHT_KINDS
    }
    return sorted(roots.values(), key=lambda d: (d.path.count("/"), d.code))


def can_oversee(user) -> bool:
    """The complaints' figures and overdue list: the district bureau and the city operator."""
    return _signed_in(user) and bool(oversight_roots(user))
