"""The meeting's roll: the flats that count, frozen when voting opens (R-ROSTER-3..5, R-TALLY-9).

The roll is the estate's latest totals confirmed under the parking setting the meeting froze at its
publicity (``TotalsSnapshot``, the figures publicised with the meeting) when there is one; otherwise
the current roster, counted by the same rules (``rules.counting``: parking spaces only where the
meeting's frozen setting counts them; flats with the same set of
owners, and the developer's unsold flats, form one counted owner). Everything later (who may vote,
progress, reminders, the tally) reads these rows, never the roster as it changes afterwards."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ownervote.meetings.models import Meeting
from ownervote.roster.models import Flat
from ownervote.roster.selectors import latest_snapshot
from ownervote.roster.services import _facts
from ownervote.rules.counting import counted, owner_group

from ..models import Progress, ProgressSlot, RollFlat
from .progress import slots_for


def counted_flats(meeting: Meeting) -> tuple[list[tuple[int, Decimal, str]], int | None]:
    """(flat id, area, counted owner) of every flat that would count if voting opened now, and the
    snapshot used (or None). ``freeze`` stores them; printing ballots before voting opens reads them."""
    parking = meeting.counting_settings()[1]  # frozen at publicity (R-ROSTER-5, issue 24 item 5)
    snapshot = latest_snapshot(meeting.estate, parking_counts=parking)
    if snapshot is not None:
        rows = list(snapshot.flats.values_list("flat_id", "area", "owner_group").order_by("flat_id"))
        return rows, snapshot.pk
    facts = counted(_facts(meeting.estate), parking_counts=parking)
    return [(f.flat_id, f.area, owner_group(f)) for f in sorted(facts, key=lambda f: f.flat_id)], None


def freeze(meeting: Meeting) -> dict:
    """Write the roll and the progress counters' totals. Called once, by ``voting_open``, inside its
    transaction; returns what the audit event records."""
    rows, snapshot_id = counted_flats(meeting)
    building_of = dict(Flat.objects.filter(pk__in=[r[0] for r in rows]).values_list("pk", "building_id"))
    RollFlat.objects.bulk_create(
        [
            RollFlat(
                meeting=meeting,
                flat_id=flat_id,
                building_id=building_of[flat_id],
                area=area,
                owner_group=group,
            )
            for flat_id, area, group in rows
        ],
        batch_size=2000,
    )
    flats: dict[int, int] = defaultdict(int)
    areas: dict[int, Decimal] = defaultdict(Decimal)
    groups: dict[int, set[str]] = defaultdict(set)
    for flat_id, area, group in rows:
        b = building_of[flat_id]
        flats[b] += 1
        areas[b] += area
        groups[b].add(group)
    Progress.objects.bulk_create(
        [
            Progress(
                meeting=meeting,
                building=None,
                flats_total=len(rows),
                area_total=sum((r[1] for r in rows), Decimal(0)),
                owners_total=len({r[2] for r in rows}),
            )
        ]
        + [
            Progress(
                meeting=meeting,
                building_id=b,
                flats_total=flats[b],
                area_total=areas[b],
                owners_total=len(groups[b]),
            )
            for b in sorted(flats)
        ]
    )
    ProgressSlot.objects.bulk_create(slots_for(meeting.pk, sorted(flats)), batch_size=2000)
    return {
        "roll_flats": len(rows),
        "roll_area": str(sum((r[1] for r in rows), Decimal(0))),
        "roll_owners": len({r[2] for r in rows}),
        "totals_snapshot": snapshot_id,
    }
