"""Reading personal data in the clear: every read is an audit event (R-SEC-1).

The three columns of an attribute are ``core.pii``'s (encrypted, masked, hashed); only this
function turns the encrypted one back into plaintext, and it records who read what and why in the
same transaction."""

from __future__ import annotations

from django.db import models, transaction

from ownervote.core import crypto

from .services import record


def reveal(obj: models.Model, attr: str, *, actor, purpose: str, estate_id: int | None = None) -> str:
    """The plaintext of ``attr``; every call is written to the audit log."""
    with transaction.atomic():
        record(
            actor=actor,
            action="pii.read",
            obj=obj,
            estate_id=estate_id,
            summary={"field": attr, "purpose": purpose},
        )
    return crypto.decrypt_text(getattr(obj, f"{attr}_enc"))
