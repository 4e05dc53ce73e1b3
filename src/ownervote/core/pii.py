"""Personal data columns: each attribute is stored three times - encrypted (``<attr>_enc``),
masked for display (``<attr>_masked``) and as a keyed hash for lookups (``<attr>_hash``).

Pages and the API show ``<attr>_masked``. The plaintext is only reachable through
``ownervote.audit.pii.reveal``, which writes a ``pii.read`` audit event in the same transaction
(it lives in ``audit``, above ``core``: ``core`` imports no app).
"""

from __future__ import annotations

from django.db import models

from . import crypto, masking, validators

MASKERS = {
    "name": masking.mask_name,
    "mobile": masking.mask_mobile,
    "id_number": masking.mask_id_number,
}
NORMALISERS = {
    "name": lambda v: " ".join((v or "").split()),
    "mobile": validators.normalise_mobile,
    "id_number": validators.normalise_id_number,
}


def pii_fields(verbose_name) -> tuple[models.Field, models.Field, models.Field]:
    """The three columns of one attribute, to unpack in a model body:
    ``mobile_enc, mobile_masked, mobile_hash = pii_fields(_("mobile"))``."""
    return (
        models.TextField(blank=True, editable=False),
        models.CharField(verbose_name, max_length=64, blank=True, editable=False),
        models.CharField(max_length=64, blank=True, db_index=True, editable=False),
    )


def kind_of(attr: str) -> str:
    return attr if attr in MASKERS else attr.rsplit("_", 1)[-1]


def lookup(attr: str, value: str) -> str:
    kind = kind_of(attr)
    return crypto.lookup_hash(kind, NORMALISERS[kind](value))


def sealed(kind: str, value: str, *, hashed: str | None = None) -> tuple[str, str, str]:
    """The three columns (encrypted, masked, keyed hash) of a plaintext value of ``kind``, for
    bulk inserts that build no model instance. ``hashed``: the keyed hash when the caller has it."""
    value = NORMALISERS[kind](value)
    lookup_hash = crypto.lookup_hash(kind, value) if hashed is None else hashed
    return crypto.encrypt_text(value), MASKERS[kind](value), lookup_hash


def seal(obj: models.Model, attr: str, value: str) -> None:
    """Set the three columns of ``attr`` on ``obj`` from a plaintext value (not saved)."""
    kind = kind_of(attr)
    value = NORMALISERS[kind](value)
    setattr(obj, f"{attr}_enc", crypto.encrypt_text(value))
    setattr(obj, f"{attr}_masked", MASKERS[kind](value))
    if hasattr(obj, f"{attr}_hash"):
        setattr(obj, f"{attr}_hash", crypto.lookup_hash(kind, value))
