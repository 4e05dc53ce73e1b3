"""Reads for owners binding their flats (R-BIND-1). ``verified_identity`` (who the signed-in person
was verified to be, or None) is verification's, read here as binding needs it.

Estates, buildings and rooms are public information: anybody signed in may find them. Who owns
a flat is not: ``my_matching_flats`` only ever answers about the signed-in person themself (the
flats where *their* verified ID number, or that of an organisation that authorised them, is a
current owner in the roster), never about anybody else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from ownervote.core import pii
from ownervote.orgs.models import AuthorisedStaff
from ownervote.roster.models import Estate, Flat, Owner, Ownership
from ownervote.verification.selectors import verified_identity

from .models import Binding

SEARCH_LIMIT = 20
ORGANISATION_KINDS = (Owner.Kind.ORGANISATION, Owner.Kind.DEVELOPER)


# --- bindings ---------------------------------------------------------------------------------


def bindings_of(user) -> QuerySet[Binding]:
    """All the user's bindings, active and ended, newest first."""
    return Binding.objects.filter(user=user).select_related(
        "estate", "flat", "flat__building", "owner", "staff__organisation"
    )


def active_bindings(user) -> QuerySet[Binding]:
    if not getattr(user, "is_authenticated", False):
        return Binding.objects.none()
    return bindings_of(user).filter(status=Binding.Status.ACTIVE)


def is_bound_in(user, estate) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    estate_id = estate.pk if isinstance(estate, Estate) else estate
    return Binding.objects.filter(user=user, estate_id=estate_id, status=Binding.Status.ACTIVE).exists()


# --- estates and flats (public) ---------------------------------------------------------------


def estate_search(q: str) -> QuerySet[Estate]:
    """Estates whose name or address contains ``q`` (at most 20), with their street and district."""
    q = " ".join((q or "").split())
    if not q:
        return Estate.objects.none()
    return (
        Estate.objects.filter(Q(name__icontains=q) | Q(address__icontains=q))
        .select_related("street", "street__parent", "community")
        .order_by("name", "pk")[:SEARCH_LIMIT]
    )


def flats_of_estate(estate) -> QuerySet[Flat]:
    """The estate's flats in the roster: building and room only, no owner data."""
    return (
        Flat.objects.filter(estate=estate, removed_at__isnull=True)
        .select_related("building")
        .only("id", "room", "estate_id", "building_id", "building__name", "sort_key")
        .order_by("sort_key", "pk")
    )


# --- who may bind what ------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """A flat the person may bind: as ``owner`` themself, or for ``owner`` as ``staff``."""

    flat: Flat
    owner: Owner
    staff: AuthorisedStaff | None = None
    bound: bool = False  # the person already has an active binding to this flat


def valid_staff_q(today=None, prefix: str = "") -> Q:
    """An authorisation in force today: started, not expired, not revoked (R-ORG-2)."""
    today = today or timezone.localdate()
    p = prefix
    return Q(**{f"{p}revoked_at__isnull": True, f"{p}valid_from__lte": today}) & (
        Q(**{f"{p}valid_until__isnull": True}) | Q(**{f"{p}valid_until__gte": today})
    )


def matches(identity, *, estate=None, flat_id: int | None = None) -> list[Match]:
    """Current ownerships that ``identity`` may bind, in ``estate`` or of one flat: where the
    person is a current owner (same ID number), or where an organisation that authorises them
    today owns the flat (its unified social credit code is the owner's ID number). Persons first."""
    if identity is None or not identity.id_number_hash:
        return []
    current = Ownership.objects.filter(ended_at__isnull=True, flat__removed_at__isnull=True)
    if estate is not None:
        current = current.filter(flat__estate=estate)
    if flat_id is not None:
        current = current.filter(flat_id=flat_id)
    current = current.select_related("flat", "flat__building", "owner")
    found: list[Match] = [
        Match(flat=o.flat, owner=o.owner)
        for o in current.filter(owner__kind=Owner.Kind.PERSON, owner__id_number_hash=identity.id_number_hash)
    ]
    staff_by_code: dict[str, AuthorisedStaff] = {}
    for staff in (
        AuthorisedStaff.objects.filter(valid_staff_q(), id_number_hash=identity.id_number_hash)
        .exclude(organisation__credit_code="")
        .select_related("organisation")
        .order_by("pk")
    ):
        staff_by_code.setdefault(pii.lookup("id_number", staff.organisation.credit_code), staff)
    if staff_by_code:
        found += [
            Match(flat=o.flat, owner=o.owner, staff=staff_by_code[o.owner.id_number_hash])
            for o in current.filter(
                owner__kind__in=ORGANISATION_KINDS, owner__id_number_hash__in=list(staff_by_code)
            )
        ]
    found.sort(key=lambda m: (m.flat.sort_key, m.flat.pk, m.staff is not None, m.owner.pk))
    return found


def my_matching_flats(user, estate) -> list[Match]:
    """Flats of ``estate`` the signed-in person may bind, each marked if already bound by them.
    Reveals nothing about other people: it only answers for the person's own ID number."""
    identity = verified_identity(user)
    found = matches(identity, estate=estate)
    if not found:
        return []
    bound = set(
        Binding.objects.filter(user=user, estate=estate, status=Binding.Status.ACTIVE).values_list(
            "flat_id", flat=True
        )
    )
    return [Match(m.flat, m.owner, m.staff, m.flat.pk in bound) for m in found]
