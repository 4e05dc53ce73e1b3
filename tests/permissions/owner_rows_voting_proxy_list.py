"""/api/voting proxy list: who sees the public list of proxies in force (R-TRUST-3).

- The owners bound in estate a (zhang, li) and its convener see it while the voting is open.
- Staff who see the meeting but do not convene it (the street office, the city operator) are
  refused 403 ``proxy_list.forbidden``: the list is publicity to the estate's owners; the
  supervising office reads proxy concentration through the impersonation signals (R-TRUST-1).
- People who do not see the meeting (wang, verified but not bound; newcomer; the other estate's
  convener) get 404, as if it did not exist; no sign-in 401.
- Outside the voting (the publicised meeting, the closed one) those who may see it get 409
  ``proxy_list.not_open``.
"""

from __future__ import annotations

from .owner_matrix import OwnerRow, roles

R = "/api/voting"
ROUTE = f"GET {R}/meetings/{{meeting_id}}/proxy-list"

ROWS = [
    OwnerRow(
        ROUTE,
        "voting open: bound owners and the convener (R-TRUST-3)",
        f"{R}/meetings/{{voting}}/proxy-list",
        roles(200, 200, 404, 404, 200, 403, 404, 403),
    ),
    OwnerRow(
        ROUTE,
        "publicised, voting not open yet",
        f"{R}/meetings/{{published}}/proxy-list",
        roles(409, 409, 404, 404, 409, 403, 404, 403),
    ),
    OwnerRow(
        ROUTE,
        "voting closed",
        f"{R}/meetings/{{closed}}/proxy-list",
        roles(409, 409, 404, 404, 409, 403, 404, 403),
    ),
    OwnerRow(
        ROUTE,
        "no such meeting",
        f"{R}/meetings/999999/proxy-list",
        roles(404, 404, 404, 404, 404, 404, 404, 404),
    ),
]
