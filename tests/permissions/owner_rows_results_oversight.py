"""/api/results/oversight (issue 6 oversight): the street office, the district bureau and the city
operator see the results across their division; drilling into a division outside one's own is 404
(as if it did not exist); owners and conveners are 403, whatever they own or convene."""

from __future__ import annotations

from .owner_matrix import OwnerRow, roles

R = "/api/results/oversight"
ROUTE = f"GET {R}"


def _yuehai(world: dict) -> None:
    """The id of Yuehai street (Nanshan), where the world's street office (Shatou) has no say."""
    from ownervote.orgs.models import Division

    world["ids"]["yuehai"] = Division.objects.get(code="440305007").pk


def _shatou(world: dict) -> None:
    from ownervote.orgs.models import Division

    world["ids"]["shatou"] = Division.objects.get(code="440304005").pk


STAFF_ONLY = roles(403, 403, 403, 403, 403, 200, 403, 200)

ROWS = [
    OwnerRow(ROUTE, "own division, this year (the world's closed meeting has a result)", R, STAFF_ONLY),
    OwnerRow(ROUTE, "a past year", f"{R}?year=2024", STAFF_ONLY),
    OwnerRow(
        ROUTE,
        "drill into Shatou street: the street office's own, within the city",
        f"{R}?division_id={{shatou}}",
        STAFF_ONLY,
        setup=_shatou,
    ),
    OwnerRow(
        ROUTE,
        "drill into Yuehai street: outside the Shatou street office",
        f"{R}?division_id={{yuehai}}",
        roles(403, 403, 403, 403, 403, 404, 403, 200),
        setup=_yuehai,
    ),
    OwnerRow(
        ROUTE,
        "a year out of range",
        f"{R}?year=1999",
        roles(403, 403, 403, 403, 403, 422, 403, 422),
    ),
]
