"""Reads of the roster, always through the actor's scope. Missing and forbidden look the same."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from ownervote.core import pii
from ownervote.orgs import scoping

from .access import access_estate, access_import
from .models import Estate, Flat, ImportBatch, Ownership, RosterChange, TotalsSnapshot


def estates_visible_to(actor) -> QuerySet[Estate]:
    """The estates the actor sees (``orgs.scoping.estate_scope`` decides which)."""
    return Estate.objects.filter(scoping.estate_scope(actor))


def estates_for(actor) -> QuerySet[Estate]:
    return estates_visible_to(actor).select_related("street", "street__parent", "community")


def current_ownerships() -> Prefetch:
    return Prefetch(
        "ownerships",
        queryset=Ownership.objects.filter(ended_at__isnull=True).select_related("owner").order_by("id"),
        to_attr="current_ownerships",
    )


def flats_for(actor, estate_id: int, q: str = "") -> QuerySet[Flat]:
    estate = access_estate(actor, estate_id)
    flats = Flat.objects.filter(estate=estate, removed_at__isnull=True).select_related("building")
    q = (q or "").strip()
    if q:
        cond = Q(room__icontains=q) | Q(building__name__icontains=q)
        # "1栋-1201" or "1栋 1201"
        for sep in ("-", " "):
            if sep in q:
                b, _, r = q.partition(sep)
                cond |= Q(building__name=b.strip(), room=r.strip())
        hashes = [pii.lookup("name", q), pii.lookup("id_number", q), pii.lookup("mobile", q)]
        owner_match = (
            Q(owner__name_hash=hashes[0])
            | Q(owner__id_number_hash=hashes[1])
            | Q(owner__mobile_hash=hashes[2])
        )
        flat_ids = Ownership.objects.filter(owner_match, flat__estate=estate, ended_at__isnull=True).values(
            "flat_id"
        )
        cond |= Q(pk__in=flat_ids)
        flats = flats.filter(cond)
    return flats.prefetch_related(current_ownerships()).order_by("sort_key", "pk")


def changes_for(actor, estate_id: int) -> QuerySet[RosterChange]:
    estate = access_estate(actor, estate_id)
    return RosterChange.objects.filter(estate=estate).select_related("submitted_by").prefetch_related("files")


def imports_for(actor, estate_id: int) -> QuerySet[ImportBatch]:
    estate = access_estate(actor, estate_id)
    return ImportBatch.objects.filter(estate=estate).select_related("file", "created_by")


def import_for(actor, estate_id: int, batch_id: int) -> ImportBatch:
    return access_import(actor, batch_id, estate_id=estate_id)


def snapshots_for(actor, estate_id: int) -> QuerySet[TotalsSnapshot]:
    estate = access_estate(actor, estate_id)
    return TotalsSnapshot.objects.filter(estate=estate).select_related("confirmed_by", "change")


def latest_snapshot(estate: Estate, *, parking_counts: bool | None = None) -> TotalsSnapshot | None:
    """The estate's latest confirmed totals; with ``parking_counts``, the latest confirmed under that
    parking setting (a meeting counts with the setting frozen at its publicity, R-ROSTER-5)."""
    snapshots = TotalsSnapshot.objects.filter(estate=estate)
    if parking_counts is not None:
        snapshots = snapshots.filter(parking_counts=parking_counts)
    return snapshots.order_by("-confirmed_at", "-id").first()
