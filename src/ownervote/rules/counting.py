"""Counting owners and area (R-ROSTER-3, R-ROSTER-5). Pure Python: no Django.

SPC interpretation on building ownership (法释〔2009〕7号) art. 9: owners are counted per
exclusive part; one buyer holding more than one exclusive part counts as one; the developer's
unsold or undelivered parts together count as one. Art. 8: area is the registered area, failing
that the surveyed area, failing that the contract area. Art. 2 / the rules of procedure decide
whether parking spaces count at all (R-ROSTER-5).

Co-owned flats count once (one exclusive part, one owner). Flats "held by the same owner" are
those whose *set* of current owners is identical (SPEC R-TALLY-9): {A} and {A, B} are two owners.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

DEVELOPER_GROUP = "developer"


@dataclass(frozen=True)
class FlatFacts:
    flat_id: int
    area: Decimal
    owner_keys: frozenset[str]  # stable ids of the flat's current owners
    developer: bool = False  # every current owner is the developer
    parking: bool = False


@dataclass(frozen=True)
class RosterTotals:
    area: Decimal  # total voting rights (总投票权数), m²
    owners: int  # total owners (业主总人数)
    flats: int  # exclusive parts counted
    parking_counts: bool


def owner_group(flat: FlatFacts) -> str:
    """The counted owner a flat belongs to; flats with equal groups count as one owner."""
    if flat.developer:
        return DEVELOPER_GROUP
    if not flat.owner_keys:
        return f"flat:{flat.flat_id}"
    joined = "\x1f".join(sorted(flat.owner_keys))
    return "owners:" + hashlib.sha256(joined.encode()).hexdigest()[:32]


def counted(flats: Iterable[FlatFacts], *, parking_counts: bool) -> list[FlatFacts]:
    return [f for f in flats if parking_counts or not f.parking]


def roster_totals(flats: Iterable[FlatFacts], *, parking_counts: bool) -> RosterTotals:
    kept = counted(flats, parking_counts=parking_counts)
    area = sum((f.area for f in kept), Decimal(0))
    groups = {owner_group(f) for f in kept}
    return RosterTotals(area=area, owners=len(groups), flats=len(kept), parking_counts=parking_counts)


def scope_totals(
    roll: Iterable[tuple[object, Decimal, str]], scope: Iterable[object]
) -> tuple[Decimal, int, int]:
    """(area, owners, flats) of the roll's flats in ``scope`` (R-MTG-9), counted as R-ROSTER-3
    counts them within it: ``roll`` gives each counted flat with its area and counted owner
    (``owner_group``), so an owner with several flats in the scope, or the developer's unsold flats
    in it, count once; his flats outside the scope do not count at all. Flats of the scope missing
    from the roll (not counted, R-ROSTER-5) are left out."""
    wanted = set(scope)
    kept = [(area, group) for flat, area, group in roll if flat in wanted]
    return sum((a for a, _g in kept), Decimal(0)), len({g for _a, g in kept}), len(kept)
