"""Total owners and total voting rights (R-ROSTER-1, R-ROSTER-3, R-ROSTER-5): computed now from
the roster by ``rules.counting``, and confirmed by the convener as a dated snapshot that meetings
refer to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.errors import Conflict, require
from ownervote.core.files import Upload
from ownervote.rules.counting import FlatFacts, RosterTotals, counted, owner_group, roster_totals

from .. import signals
from ..access import Need, access_estate
from ..errors import Code
from ..models import Estate, Flat, Owner, Ownership, RosterChange, SnapshotFlat, TotalsSnapshot
from ..selectors import latest_snapshot
from .current import roster_digest
from .history import record_change, require_reason


def flat_facts(estate: Estate) -> list[FlatFacts]:
    """The facts ``rules.counting`` counts: every flat in the roster with its current owners."""
    owners: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for flat_id, owner_id, kind in Ownership.objects.filter(
        flat__estate=estate, flat__removed_at__isnull=True, ended_at__isnull=True
    ).values_list("flat_id", "owner_id", "owner__kind"):
        owners[flat_id].append((owner_id, kind))
    facts = []
    for flat_id, area, use in Flat.objects.filter(estate=estate, removed_at__isnull=True).values_list(
        "id", "area", "use"
    ):
        held = owners.get(flat_id, [])
        facts.append(
            FlatFacts(
                flat_id=flat_id,
                area=area,
                owner_keys=frozenset(str(o) for o, _ in held),
                developer=bool(held) and all(k == Owner.Kind.DEVELOPER for _, k in held),
                parking=use == Flat.Use.PARKING,
            )
        )
    return facts


@dataclass(frozen=True)
class TotalsCheck:
    """The estate's latest confirmed totals against its roster now (art. 7, 25, R-ROSTER-1).
    ``flats_changed``: counted flats added or removed since the confirmation, or whose area or
    counted owner (R-ROSTER-3) changed; the figures can match while flats changed."""

    snapshot: TotalsSnapshot | None
    now: RosterTotals
    flats_changed: int

    @property
    def confirmed(self) -> bool:
        return self.snapshot is not None

    @property
    def stale(self) -> bool:
        """Confirmed, but what the confirmation froze is not the roster any more."""
        return self.snapshot is not None and (
            self.flats_changed > 0
            or self.snapshot.parking_counts != self.now.parking_counts
            or self.snapshot.total_area != self.now.area
            or self.snapshot.total_owners != self.now.owners
            or self.snapshot.total_flats != self.now.flats
        )

    def as_dict(self) -> dict:
        """What the refusal and the pages show: confirmed and now, side by side."""
        s = self.snapshot
        return {
            "snapshot": s.pk if s else None,
            "confirmed_at": s.confirmed_at.isoformat() if s else None,
            "confirmed": {"flats": s.total_flats, "owners": s.total_owners, "area": str(s.total_area)}
            if s
            else None,
            "now": {"flats": self.now.flats, "owners": self.now.owners, "area": str(self.now.area)},
            "flats_changed": self.flats_changed,
        }


def totals_check(estate: Estate, *, parking_counts: bool | None = None) -> TotalsCheck:
    """Compare the latest confirmed totals, flat by flat, with the roster as it stands (no actor:
    the system asks it when voting opens; pages reach the estate first). ``parking_counts``: the
    setting a meeting froze at its publicity (the estate's current one when None); the totals
    confirmed under that setting are compared with the roster counted with it."""
    parking = estate.parking_counts if parking_counts is None else parking_counts
    facts = flat_facts(estate)
    now = roster_totals(facts, parking_counts=parking)
    snapshot = latest_snapshot(estate, parking_counts=parking_counts)
    if snapshot is None:
        return TotalsCheck(snapshot=None, now=now, flats_changed=0)
    frozen = {f: (a, g) for f, a, g in snapshot.flats.values_list("flat_id", "area", "owner_group")}
    current = {f.flat_id: (f.area, owner_group(f)) for f in counted(facts, parking_counts=parking)}
    changed = sum(1 for f in frozen.keys() | current.keys() if frozen.get(f) != current.get(f))
    return TotalsCheck(snapshot=snapshot, now=now, flats_changed=changed)


def totals_current(*, actor, estate_id: int) -> RosterTotals:
    estate = access_estate(actor, estate_id)
    return roster_totals(flat_facts(estate), parking_counts=estate.parking_counts)


def totals_confirm(*, actor, estate_id: int, reason: str, files: Sequence[Upload] = ()) -> TotalsSnapshot:
    """The convener confirms the total owners and total voting rights as a dated snapshot that
    meetings refer to (R-ROSTER-1, R-ROSTER-3, R-ROSTER-5)."""
    reason = require_reason(reason)
    with transaction.atomic():
        estate = access_estate(actor, estate_id, need=Need.CHANGE, lock=True)
        require(
            estate.community_id,
            Conflict(
                Code.TOTALS_COMMUNITY_MISSING,
                _("Complete the estate's community before confirming the totals."),
            ),
        )
        facts = flat_facts(estate)
        require(
            facts,
            Conflict(
                Code.TOTALS_EMPTY_ROSTER, _("The roster is empty: import it before confirming the totals.")
            ),
        )
        totals = roster_totals(facts, parking_counts=estate.parking_counts)
        summary = {
            "total_area": str(totals.area),
            "total_owners": totals.owners,
            "total_flats": totals.flats,
            "parking_counts": totals.parking_counts,
        }
        change = record_change(
            estate=estate,
            actor=actor,
            kind=RosterChange.Kind.TOTALS,
            reason=reason,
            summary=summary,
            uploads=files,
        )
        snapshot = TotalsSnapshot.objects.create(
            estate=estate,
            total_area=totals.area,
            total_owners=totals.owners,
            total_flats=totals.flats,
            parking_counts=totals.parking_counts,
            roster_digest=roster_digest(estate),
            confirmed_by=actor,
            change=change,
        )
        counted = [f for f in facts if totals.parking_counts or not f.parking]
        SnapshotFlat.objects.bulk_create(
            [
                SnapshotFlat(snapshot=snapshot, flat_id=f.flat_id, area=f.area, owner_group=owner_group(f))
                for f in counted
            ],
            batch_size=2000,
        )
        record(
            actor=actor,
            action="roster.totals_confirmed",
            obj=snapshot,
            estate_id=estate.pk,
            summary={**summary, "reason": reason, "change": change.pk},
        )
        # Voting held back for want of current totals opens now (voting listens, R-ROSTER-1).
        signals.totals_confirmed.send(sender=Estate, estate=estate, snapshot=snapshot, actor=actor)
    return snapshot
