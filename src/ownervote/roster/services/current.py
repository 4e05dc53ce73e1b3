"""The roster as it stands: each flat in it by (building, room) with its current owners, and the
digest of all that, which tells whether the roster changed since an import was previewed (and is
kept with every confirmed totals snapshot)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from ..models import Estate, Flat, Ownership


@dataclass
class Current:
    flat_id: int
    building: str
    room: str
    area: Decimal
    area_source: str
    use: str
    owners: dict[str, tuple[int, int, str]]  # id hash -> (ownership id, owner id, share)


def current_roster(estate: Estate) -> dict[tuple[str, str], Current]:
    current: dict[tuple[str, str], Current] = {}
    by_id: dict[int, Current] = {}
    for f in Flat.objects.filter(estate=estate, removed_at__isnull=True).values_list(
        "id", "building__name", "room", "area", "area_source", "use"
    ):
        c = Current(f[0], f[1], f[2], f[3], f[4], f[5], {})
        current[(c.building, c.room)] = c
        by_id[c.flat_id] = c
    for oid, flat_id, owner_id, id_hash, share in Ownership.objects.filter(
        flat__estate=estate, flat__removed_at__isnull=True, ended_at__isnull=True
    ).values_list("id", "flat_id", "owner_id", "owner__id_number_hash", "share"):
        by_id[flat_id].owners[id_hash] = (oid, owner_id, share)
    return current


def digest(current: dict[tuple[str, str], Current]) -> str:
    h = hashlib.sha256()
    for key in sorted(current):
        c = current[key]
        owners = ",".join(f"{k}:{v[2]}" for k, v in sorted(c.owners.items()))
        h.update(f"{c.building}|{c.room}|{c.area}|{c.area_source}|{c.use}|{owners}\n".encode())
    return h.hexdigest()


def roster_digest(estate: Estate) -> str:
    return digest(current_roster(estate))
