"""/api/results printable tables (R-RES-1, R-RES-2, art. 25): who downloads a version's result
table and per-flat table, and the public result table (R-RES-3, art. 26).

The world's ``closed`` meeting (estate a, zhang voted for 1栋-101, result v1 generated and
submitted, not publicised):

- A version's tables (``result`` or ``flats``, PDF or .xlsx): the convener and the staff who
  supervise the estate (street office, city). Owners, even those who voted, and the other estate's
  convener 404; no sign-in 401. An unknown kind or version is 404 for everybody.
- The public result table: nobody before the publicity (404, without sign-in too); anybody from
  its first day. The per-flat table has no public route.
- The scans of the signed tables submitted with v1 (R-RES-2): as a version's tables; the signed
  result table is public from the publicity's first day, the per-flat one never."""

from __future__ import annotations

from .owner_matrix import OwnerRow, roles

R = "/api/results"
PDF = f"GET {R}/meetings/{{meeting_id}}/versions/{{number}}/{{kind}}.pdf"
XLSX = f"GET {R}/meetings/{{meeting_id}}/versions/{{number}}/{{kind}}.xlsx"
PUBLIC = f"GET {R}/meetings/{{meeting_id}}/public/result.pdf"
SCAN = f"GET {R}/meetings/{{meeting_id}}/versions/{{number}}/{{kind}}/signed"
PUBLIC_SCAN = f"GET {R}/meetings/{{meeting_id}}/public/signed"

STAFF_ONLY = roles(404, 404, 404, 404, 200, 200, 404, 200)
NOBODY = roles(404, 404, 404, 404, 404, 404, 404, 404)


def _publicised(world: dict) -> None:
    from .test_owner_api_matrix import publicise_result

    publicise_result(world)


ROWS = [
    OwnerRow(PDF, "the result table", f"{R}/meetings/{{closed}}/versions/1/result.pdf", STAFF_ONLY),
    OwnerRow(PDF, "an unknown kind", f"{R}/meetings/{{closed}}/versions/1/ballots.pdf", NOBODY),
    OwnerRow(PDF, "no such version", f"{R}/meetings/{{closed}}/versions/2/result.pdf", NOBODY),
    OwnerRow(PDF, "voting meeting: no result yet", f"{R}/meetings/{{voting}}/versions/1/result.pdf", NOBODY),
    OwnerRow(XLSX, "the per-flat table", f"{R}/meetings/{{closed}}/versions/1/flats.xlsx", STAFF_ONLY),
    OwnerRow(
        XLSX,
        "the per-flat table, publicised: still not public",
        f"{R}/meetings/{{closed}}/versions/1/flats.xlsx",
        STAFF_ONLY,
        setup=_publicised,
    ),
    OwnerRow(
        PUBLIC, "submitted, not publicised", f"{R}/meetings/{{closed}}/public/result.pdf", roles(*[404] * 9)
    ),
    OwnerRow(
        PUBLIC,
        "publicised (R-RES-3)",
        f"{R}/meetings/{{closed}}/public/result.pdf",
        roles(*[200] * 9),
        setup=_publicised,
    ),
    OwnerRow(
        SCAN, "the signed result table", f"{R}/meetings/{{closed}}/versions/1/result/signed", STAFF_ONLY
    ),
    OwnerRow(
        SCAN, "the signed per-flat table", f"{R}/meetings/{{closed}}/versions/1/flats/signed", STAFF_ONLY
    ),
    OwnerRow(SCAN, "an unknown kind", f"{R}/meetings/{{closed}}/versions/1/ballots/signed", NOBODY),
    OwnerRow(
        PUBLIC_SCAN, "submitted, not publicised", f"{R}/meetings/{{closed}}/public/signed", roles(*[404] * 9)
    ),
    OwnerRow(
        PUBLIC_SCAN,
        "publicised (R-RES-2, R-RES-3)",
        f"{R}/meetings/{{closed}}/public/signed",
        roles(*[200] * 9),
        setup=_publicised,
    ),
]
