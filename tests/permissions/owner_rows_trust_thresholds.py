"""Who may call /api/trust/thresholds (R-TRUST-1), written from the rule: the thresholds of the
impersonation signals are the city's, set by the city operator only; staff of every other body get
403, owners' accounts 403 (a staff-only route), no credentials 401."""

from __future__ import annotations

from .owner_matrix import OwnerRow, roles

T = "/api/trust/thresholds"
CITY_ONLY = roles(
    zhang=403, li=403, wang=403, newcomer=403, convener=403, street=403, other_convener=403, city=200
)

ROWS = [
    OwnerRow(
        "GET /api/trust/thresholds",
        "the city operator only",
        T,
        CITY_ONLY,
    ),
    OwnerRow(
        "PUT /api/trust/thresholds",
        "the city operator only",
        T,
        CITY_ONLY,
        body={"shared_flats": 4, "onsite_share": 70},
    ),
]
