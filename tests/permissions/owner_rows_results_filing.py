"""/api/results filing (备案, R-DATA-1): who exports a publicised result for filing.

The world's ``closed`` meeting (estate a, result v1 generated and submitted, not publicised):

- The convener and the staff who oversee the estate (street office, city operator) export it once
  the result is publicised (from the first day of its publicity); before that 409
  ``result.not_publicised``. Each export is audited.
- Owners, bound or not, get 404: the filing is the staff's (owners have the public result and the
  archive); so does the other estate's convener; no sign-in 401."""

from __future__ import annotations

from .owner_matrix import OwnerRow, roles

R = "/api/results"
ROUTE = f"GET {R}/meetings/{{meeting_id}}/filing"


def _publicised(world: dict) -> None:
    from .test_owner_api_matrix import publicise_result

    publicise_result(world)


ROWS = [
    OwnerRow(
        ROUTE,
        "result generated and submitted, not publicised",
        f"{R}/meetings/{{closed}}/filing",
        roles(404, 404, 404, 404, 409, 409, 404, 409),
    ),
    OwnerRow(
        ROUTE,
        "result publicised (R-DATA-1)",
        f"{R}/meetings/{{closed}}/filing",
        roles(404, 404, 404, 404, 200, 200, 404, 200),
        setup=_publicised,
    ),
    OwnerRow(
        ROUTE,
        "voting meeting: no result yet",
        f"{R}/meetings/{{voting}}/filing",
        roles(404, 404, 404, 404, 409, 409, 404, 409),
    ),
    OwnerRow(
        ROUTE,
        "no such meeting",
        f"{R}/meetings/999999/filing",
        roles(404, 404, 404, 404, 404, 404, 404, 404),
    ),
]
