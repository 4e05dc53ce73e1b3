"""Who may do what with identity verification: the only place that decides it, built on
``orgs.scoping`` (which decides who sees which estate)."""

from __future__ import annotations

from ownervote.orgs import scoping
from ownervote.roster.models import Estate


def can_see_onsite(user, estate: Estate) -> bool:
    """R-ID-2: the on-site verifications of an estate (and their photos) are seen by its convener,
    who made them, and the street office of its street."""
    return scoping.can_keep_roster(user, estate) or scoping.supervises_estate(user, estate)


def can_verify_onsite(user, estate: Estate) -> bool:
    """R-ID-2: the estate's convener verifies its owners on site (and is accountable for it)."""
    return scoping.can_keep_roster(user, estate)


def can_change_methods(user) -> bool:
    """R-ID-3: the city operator enables and disables the verification methods."""
    return scoping.is_city_operator(user)
