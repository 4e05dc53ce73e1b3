"""What applying a roster file would change: the file's rows compared with the roster as it
stands (flats added, changed, removed, owners changed), and a masked sample of it for people.
Reads nothing from the database."""

from __future__ import annotations

from dataclasses import dataclass

from ownervote.core import pii
from ownervote.core.sorting import natural_key
from ownervote.rules import rosterimport

from .. import importing
from .current import Current


@dataclass
class Plan:
    """What applying a checked file to the roster as it stands would change."""

    added: list[importing.FlatRow]
    changed: list[tuple[Current, importing.FlatRow, list[str]]]  # fields changed
    owners_changed: list[tuple[Current, importing.FlatRow]]
    removed: list[Current]
    unchanged: int

    def counts(self) -> dict:
        return {
            "flats_added": len(self.added),
            "flats_changed": len(self.changed),
            "owners_changed": len(self.owners_changed),
            "flats_removed": len(self.removed),
            "unchanged": self.unchanged,
        }


def owner_hashes(row: importing.FlatRow) -> dict[str, importing.OwnerRow]:
    """A file row's owners by the keyed hash of their ID number (how the roster knows them)."""
    return {o.id_hash: o for o in row.owners}


def plan_for(current: dict[tuple[str, str], Current], rows: list[importing.FlatRow]) -> Plan:
    plan = Plan([], [], [], [], 0)
    keys = set()
    for row in rows:
        keys.add(row.key)
        cur = current.get(row.key)
        if cur is None:
            plan.added.append(row)
            continue
        fields = [
            f
            for f, new in (("area", row.area), ("area_source", row.area_source), ("use", row.use))
            if getattr(cur, f) != new
        ]
        wanted = {h: o.share for h, o in owner_hashes(row).items()}
        have = {h: v[2] for h, v in cur.owners.items()}
        if fields:
            plan.changed.append((cur, row, fields))
        if wanted != have:
            plan.owners_changed.append((cur, row))
        if not fields and wanted == have:
            plan.unchanged += 1
    plan.removed = [c for k, c in current.items() if k not in keys]
    return plan


def sample(plan: Plan, limit: int = 20) -> list[dict]:
    """Up to ``limit`` rows of each kind of change, personal data masked, for the preview and the
    change history."""
    out: list[dict] = []
    for row in plan.added[:limit]:
        out.append({"change": "added", "building": row.building, "room": row.room, "area": str(row.area)})
    for cur, row, fields in plan.changed[:limit]:
        out.append(
            {
                "change": "changed",
                "building": row.building,
                "room": row.room,
                "fields": {
                    f: {"before": str(getattr(cur, f)), "after": str(getattr(row, f))} for f in fields
                },
            }
        )
    for _cur, row in plan.owners_changed[:limit]:
        out.append(
            {
                "change": "owners",
                "building": row.building,
                "room": row.room,
                "owners_after": [pii.MASKERS["name"](o.name) for o in row.owners],
            }
        )
    for cur in plan.removed[:limit]:
        out.append({"change": "removed", "building": cur.building, "room": cur.room, "area": str(cur.area)})
    return out


def guard_for(current: dict[tuple[str, str], Current], plan: Plan, in_use: set[int]) -> dict:
    """What applying the plan needs (``rules.rosterimport``), with the counts shown first:
    ``level``, ``affected`` (what the user types to confirm), ``reasons`` and their figures."""
    touched = [cur for cur, _row, _fields in plan.changed] + [cur for cur, _row in plan.owners_changed]
    changed_ids = {c.flat_id for c in touched}
    removed_ids = {c.flat_id for c in plan.removed}
    kept_buildings = {c.building for c in current.values() if c.flat_id not in removed_ids}
    buildings_removed = sorted({c.building for c in plan.removed} - kept_buildings, key=natural_key)
    with_ballots = len((changed_ids | removed_ids) & in_use)
    guard = rosterimport.import_guard(
        roster_flats=len(current),
        removed=len(removed_ids),
        changed=len(changed_ids),
        buildings_removed=len(buildings_removed),
        flats_with_ballots=with_ballots,
    )
    return {
        "level": guard.level,
        "affected": guard.affected,
        "reasons": list(guard.reasons),
        "roster_flats": len(current),
        "flats_removed": len(removed_ids),
        "flats_touched": len(changed_ids),
        "buildings_removed": buildings_removed,
        "flats_with_ballots": with_ballots,
    }
