"""Who may do what with an estate and its roster (R-ROSTER-1..5, R-SEC-1), built on
``orgs.scoping``, which decides who acts for which estate.

- Seeing an estate, its roster (personal data masked), its totals and change history: everyone who
  sees the estate (``scoping.estate_scope``: its approved conveners, and the street office, district
  bureau and city above it).
- Changing the roster, its totals and settings; reading or exporting owners' personal data in
  full: the estate's approved conveners only (``scoping.roster_keepers``, art. 7).
- Registering an estate: a street office in its street, a district bureau or the city operator in
  theirs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ownervote.orgs import scoping

if TYPE_CHECKING:
    from ownervote.orgs.models import Division

    from .models import Estate


def can_see_estate(user, estate: Estate) -> bool:
    return scoping.can_see_estate(user, estate)


def can_change_roster(user, estate: Estate) -> bool:
    """Import, correct flats, confirm totals, change the estate's settings."""
    return scoping.can_keep_roster(user, estate)


def can_read_personal_data(user, estate: Estate) -> bool:
    """Owners' names, ID numbers and mobiles in full (each read logged, R-SEC-1), on the page or in
    an export."""
    return scoping.can_keep_roster(user, estate)


def can_register_estate_in(user, street: Division) -> bool:
    return scoping.can_create_estate_in(user, street)
