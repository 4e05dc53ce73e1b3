"""Correcting one flat (exclusive part) of the roster."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.errors import InvalidInput, require
from ownervote.core.files import Upload

from ..access import Need, access_flat
from ..errors import Code
from ..models import Flat, RosterChange
from .history import record_change, require_reason


def flat_update(
    *,
    actor,
    flat_id: int,
    reason: str,
    area: Decimal | None = None,
    area_source: str | None = None,
    use: str | None = None,
    files: Sequence[Upload] = (),
) -> Flat:
    """Correct one flat's area, area source or use, with the reason (R-ROSTER-2)."""
    reason = require_reason(reason)
    with transaction.atomic():
        flat = access_flat(actor, flat_id, need=Need.CHANGE, lock=True)
        estate = flat.estate
        changed = {}
        if area is not None:
            area = Decimal(area)
            require(
                0 < area < 10**10 and area.as_tuple().exponent >= -2,  # the column's 12 digits
                InvalidInput(Code.FLAT_AREA, _("Area must be greater than 0 with at most 2 decimals.")),
            )
            if area != flat.area:
                changed["area"] = {"before": str(flat.area), "after": str(area)}
                flat.area = area
        if area_source is not None:
            require(
                area_source in Flat.AreaSource.values,
                InvalidInput(Code.FLAT_AREA_SOURCE, _("Unknown area source.")),
            )
            if area_source != flat.area_source:
                changed["area_source"] = {"before": flat.area_source, "after": area_source}
                flat.area_source = area_source
        if use is not None:
            require(use in Flat.Use.values, InvalidInput(Code.FLAT_USE, _("Unknown use.")))
            if use != flat.use:
                changed["use"] = {"before": flat.use, "after": use}
                flat.use = use
        require(changed, InvalidInput(Code.FLAT_UNCHANGED, _("Nothing was changed.")))
        flat.save(update_fields=["area", "area_source", "use"])
        summary = {"flat": str(flat), "changed": changed}
        change = record_change(
            estate=estate,
            actor=actor,
            kind=RosterChange.Kind.EDIT,
            reason=reason,
            summary=summary,
            uploads=files,
        )
        record(
            actor=actor,
            action="roster.flat_updated",
            obj=flat,
            estate_id=estate.pk,
            summary={**summary, "reason": reason, "change": change.pk},
        )
    return flat
