"""/api/results archive (R-RES-4, art. 27): who downloads a result's archive.

The world's ``closed`` meeting (estate a, zhang voted for 1栋-101, result v1 generated and
submitted, not publicised):

- The convener and the staff who supervise the estate (street office, city) get the current
  version any time after it was generated; before any result, 409 ``result.none``.
- An owner bound in estate a (zhang, li) gets it once the result is publicised; before that it is
  404, as if there were no result (the result is not public yet).
- Everybody else (wang is not bound, newcomer, the other estate's convener) 404; no sign-in 401."""

from __future__ import annotations

from .owner_matrix import OwnerRow, roles

R = "/api/results"
ROUTE = f"GET {R}/meetings/{{meeting_id}}/archive"


def _publicised(world: dict) -> None:
    from .test_owner_api_matrix import publicise_result

    publicise_result(world)


ROWS = [
    OwnerRow(
        ROUTE,
        "result generated and submitted, not publicised",
        f"{R}/meetings/{{closed}}/archive",
        roles(404, 404, 404, 404, 200, 200, 404, 200),
    ),
    OwnerRow(
        ROUTE,
        "result publicised (R-RES-3, R-RES-4)",
        f"{R}/meetings/{{closed}}/archive",
        roles(200, 200, 404, 404, 200, 200, 404, 200),
        setup=_publicised,
    ),
    OwnerRow(
        ROUTE,
        "voting meeting: no result yet",
        f"{R}/meetings/{{voting}}/archive",
        roles(404, 404, 404, 404, 409, 409, 404, 409),
    ),
    OwnerRow(
        ROUTE,
        "no such meeting",
        f"{R}/meetings/999999/archive",
        roles(404, 404, 404, 404, 404, 404, 404, 404),
    ),
]
