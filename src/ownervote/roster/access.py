"""Reaching an estate and what it holds (``core.access``): one function per kind of object.

Not found and not visible are the same ``NotFound``; visible but not allowed what ``need`` asks is
``Forbidden`` (``roster.forbidden``), decided by ``roster.permissions``. With ``lock`` the estate
(and the object) are locked for the rest of the caller's transaction, after the checks.
"""

from __future__ import annotations

from enum import Enum

from django.utils.translation import gettext_lazy as _

from ownervote.core.access import fetch, reach
from ownervote.core.errors import Forbidden, NotFound
from ownervote.orgs import scoping

from . import permissions
from .errors import Code
from .models import Estate, Flat, ImportBatch, Owner


class Need(Enum):
    SEE = "see"  # the estate, its roster masked, its totals and history
    CHANGE = "change"  # import, correct, confirm the totals, change the settings
    READ_PERSONAL_DATA = "read_personal_data"  # one owner's data in full
    EXPORT_PERSONAL_DATA = "export_personal_data"  # the roster with personal data in full


_GRANTS = {
    Need.CHANGE: (
        permissions.can_change_roster,
        _("Only the estate's approved convener can change its roster."),
    ),
    Need.READ_PERSONAL_DATA: (
        permissions.can_read_personal_data,
        _("Only the estate's approved convener can see full personal data."),
    ),
    Need.EXPORT_PERSONAL_DATA: (
        permissions.can_read_personal_data,
        _("Only the estate's approved convener can export full personal data."),
    ),
}


def _visible_estates(actor):
    return Estate.objects.filter(scoping.estate_scope(actor)).select_related(
        "street", "street__parent", "community"
    )


def _allow(actor, estate: Estate, need: Need) -> bool:
    return need is Need.SEE or _GRANTS[need][0](actor, estate)


def _refusal(need: Need) -> Forbidden | None:
    return Forbidden(Code.FORBIDDEN, _GRANTS[need][1]) if need in _GRANTS else None


def access_estate(actor, estate_id, *, need: Need = Need.SEE, lock: bool = False) -> Estate:
    """The estate, if the actor sees it (else ``estate.not_found``) and may do what ``need`` asks
    (else ``roster.forbidden``); with ``lock``, read again locked for update."""
    estate = reach(
        _visible_estates(actor),
        estate_id,
        lock=False,
        sees=lambda _estate: True,  # the queryset holds only the visible estates
        may=lambda e: _allow(actor, e, need),
        missing=NotFound(Code.ESTATE_NOT_FOUND, _("Estate not found.")),
        refused=_refusal(need),
    )
    if lock:
        # Locked on its own row: PostgreSQL cannot lock the nullable side of the scope's joins.
        estate = Estate.objects.select_for_update().get(pk=estate.pk)
    return estate


def access_flat(actor, flat_id, *, estate_id=None, need: Need = Need.SEE, lock: bool = False) -> Flat:
    """A flat still in the roster (``flat.not_found``), through its estate. With ``estate_id`` (a
    flat named under an estate in a path) the estate is checked first and the flat must be in it."""
    flats = Flat.objects.filter(removed_at__isnull=True).select_related("building")
    if estate_id is not None:
        estate = access_estate(actor, estate_id)
        flat = fetch(flats.filter(estate=estate), flat_id)
        if flat is None:
            raise NotFound(Code.FLAT_NOT_FOUND, _("Flat not found."))
        if not _allow(actor, estate, need):
            raise _refusal(need)
        if lock:
            estate = Estate.objects.select_for_update().get(pk=estate.pk)
    else:
        flat = fetch(flats, flat_id)
        if flat is None:
            raise NotFound(Code.FLAT_NOT_FOUND, _("Flat not found."))
        estate = access_estate(actor, flat.estate_id, need=need, lock=lock)
    if lock:
        flat = Flat.objects.select_for_update().select_related("building").get(pk=flat.pk)
    flat.estate = estate
    return flat


def access_owner(actor, owner_id, *, estate_id=None, need: Need = Need.SEE) -> Owner:
    """An owner (``owner.not_found``; with ``estate_id``, one of that estate's), then its estate."""
    owners = Owner.objects.all() if estate_id is None else Owner.objects.filter(estate_id=estate_id)
    owner = fetch(owners, owner_id)
    if owner is None:
        raise NotFound(Code.OWNER_NOT_FOUND, _("Owner not found."))
    owner.estate = access_estate(actor, owner.estate_id, need=need)
    return owner


def access_import(
    actor, batch_id, *, estate_id=None, need: Need = Need.SEE, lock: bool = False
) -> ImportBatch:
    """A roster import (``import.not_found``) through its estate. With ``estate_id`` the estate is
    checked first and the import must be one of its own."""
    missing = NotFound(Code.IMPORT_NOT_FOUND, _("Import not found."))
    if estate_id is not None:
        estate = access_estate(actor, estate_id)
        found = fetch(ImportBatch.objects.filter(estate=estate), batch_id)
        if found is None:
            raise missing
        if not _allow(actor, estate, need):
            raise _refusal(need)
        if lock:
            estate = Estate.objects.select_for_update().get(pk=estate.pk)
    else:
        found = fetch(ImportBatch.objects.only("estate_id"), batch_id)
        if found is None:
            raise missing
        estate = access_estate(actor, found.estate_id, need=need, lock=lock)
    batches = ImportBatch.objects.select_related("file", "created_by")
    if lock:
        batches = batches.select_for_update(of=("self",))
    batch = batches.get(pk=found.pk)
    batch.estate = estate
    return batch
