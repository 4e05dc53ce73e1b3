"""Registering an estate and changing its settings (R-ROSTER-1, R-ROSTER-5, R-TALLY-7)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, require
from ownervote.core.files import Upload
from ownervote.orgs.models import Division

from .. import permissions
from ..access import Need, access_estate
from ..errors import Code
from ..models import Estate, RosterChange
from .history import record_change, require_reason


def estate_create(
    *, actor, name: str, street: Division, address: str = "", community: Division | None = None
) -> Estate:
    name = (name or "").strip()
    require(name, InvalidInput(Code.ESTATE_NAME_REQUIRED, _("Enter the estate's name.")))
    require(street.kind == Division.Kind.STREET, InvalidInput(Code.ESTATE_STREET, _("Choose a street.")))
    require(
        permissions.can_register_estate_in(actor, street),
        Forbidden(Code.ESTATE_FORBIDDEN, _("You can only register estates in your own street or district.")),
    )
    if community is not None:
        require(
            community.parent_id == street.pk,
            InvalidInput(Code.ESTATE_COMMUNITY, _("The community must belong to the estate's street.")),
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                estate = Estate.objects.create(
                    name=name, street=street, community=community, address=address.strip()
                )
        except IntegrityError as exc:
            raise Conflict(
                Code.ESTATE_EXISTS, _("An estate of this name already exists in this street.")
            ) from exc
        record(
            actor=actor,
            action="estate.created",
            obj=estate,
            estate_id=estate.pk,
            summary={"name": name, "street": street.name, "community": community.name if community else None},
        )
    return estate


def estate_update(
    *,
    actor,
    estate_id: int,
    reason: str,
    address: str | None = None,
    community_id: int | None = None,
    parking_counts: bool | None = None,
    follow_majority: bool | None = None,
    files: Sequence[Upload] = (),
) -> Estate:
    """Complete the estate's community and address, or change whether parking spaces count
    (R-ROSTER-1, R-ROSTER-5), or whether non-voters count with the majority (随多数, R-TALLY-7);
    the change and its reason are kept (R-ROSTER-2)."""
    reason = require_reason(reason)
    with transaction.atomic():
        estate = access_estate(actor, estate_id, need=Need.CHANGE, lock=True)
        before = {
            "address": estate.address,
            "community": estate.community_id,
            "parking_counts": estate.parking_counts,
            "follow_majority": estate.follow_majority,
        }
        if address is not None:
            estate.address = address.strip()
        if community_id is not None:
            community = Division.objects.filter(
                pk=community_id, kind=Division.Kind.COMMUNITY, parent=estate.street_id
            ).first()
            require(
                community is not None,
                InvalidInput(Code.ESTATE_COMMUNITY, _("The community must belong to the estate's street.")),
            )
            estate.community = community
        if parking_counts is not None:
            estate.parking_counts = parking_counts
        if follow_majority is not None:
            estate.follow_majority = follow_majority
        after = {
            "address": estate.address,
            "community": estate.community_id,
            "parking_counts": estate.parking_counts,
            "follow_majority": estate.follow_majority,
        }
        changed = {k: {"before": before[k], "after": after[k]} for k in before if before[k] != after[k]}
        require(changed, InvalidInput(Code.ESTATE_UNCHANGED, _("Nothing was changed.")))
        estate.save(update_fields=["address", "community", "parking_counts", "follow_majority"])
        change = record_change(
            estate=estate,
            actor=actor,
            kind=RosterChange.Kind.SETTINGS,
            reason=reason,
            summary={"changed": changed},
            uploads=files,
        )
        record(
            actor=actor,
            action="estate.updated",
            obj=estate,
            estate_id=estate.pk,
            summary={"changed": changed, "reason": reason, "change": change.pk},
        )
    return estate
