"""An owner's personal data in full (R-SEC-1)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ownervote.audit.pii import reveal
from ownervote.core.errors import InvalidInput, require

from ..access import Need, access_owner
from ..errors import Code

REVEALABLE = ("name", "id_number", "mobile")


def owner_reveal(*, actor, owner_id: int, field: str) -> str:
    """One field of an owner in full, for the estate's convener; the read is logged (R-SEC-1)."""
    require(field in REVEALABLE, InvalidInput(Code.OWNER_FIELD, _("Unknown field.")))
    owner = access_owner(actor, owner_id, need=Need.READ_PERSONAL_DATA)
    return reveal(owner, field, actor=actor, purpose="roster", estate_id=owner.estate_id)
