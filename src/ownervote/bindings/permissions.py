"""Who may do what with bindings: the only place that decides it.

Binding a flat needs no permission of its own but facts: a verified identity that the roster lists
as the flat's owner, or as the authorised staff of the organisation owning it (``selectors.matches``).
"""

from __future__ import annotations

from ownervote.orgs import scoping
from ownervote.roster.models import Estate

from .models import Binding


def can_end_binding(user, binding: Binding) -> bool:
    """A binding is ended by its own person (others: an upheld objection, a roster change)."""
    return getattr(user, "is_authenticated", False) and binding.user_id == user.pk


def can_bind_on_site(user, estate: Estate) -> bool:
    """R-ID-2: the estate's convener binds the flat of an owner it verified on site, for them."""
    return scoping.can_keep_roster(user, estate)
