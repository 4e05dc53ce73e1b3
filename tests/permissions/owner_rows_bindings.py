"""/api/bindings (R-BIND-1): every signed-in account may list its own bindings and find estates
and flats (public); only a verified person binds (403 for anybody else), and only a flat they own
in the roster (422), once (409); only the owner ends their binding (404 for everybody else)."""

from __future__ import annotations

from .owner_matrix import OwnerRow

ALL_200 = {
    "zhang": 200,
    "li": 200,
    "wang": 200,
    "newcomer": 200,
    "convener": 200,
    "street": 200,
    "other_convener": 200,
    "city": 200,
    "anonymous": 401,
}
UNVERIFIED = {
    "newcomer": 403,
    "convener": 403,
    "street": 403,
    "other_convener": 403,
    "city": 403,
    "anonymous": 401,
}

ROWS = [
    OwnerRow("GET /api/bindings", "my bindings", "/api/bindings", ALL_200),
    OwnerRow(
        "POST /api/bindings",
        "co-owned 1栋-102: wang binds, li already bound, zhang not an owner",
        "/api/bindings",
        {"zhang": 422, "li": 409, "wang": 201, **UNVERIFIED},
        body=lambda ids: {"flat_id": ids["flat102"]},
    ),
    OwnerRow(
        "POST /api/bindings",
        "1栋-201 belongs to 赵六, who has no account",
        "/api/bindings",
        {"zhang": 422, "li": 422, "wang": 422, **UNVERIFIED},
        body=lambda ids: {"flat_id": ids["flat201"]},
    ),
    OwnerRow(
        "POST /api/bindings",
        "a flat that does not exist",
        "/api/bindings",
        {"zhang": 404, "li": 404, "wang": 404, **UNVERIFIED},
        body={"flat_id": 999999},
    ),
    OwnerRow(
        "POST /api/bindings/{binding_id}/end",
        "zhang's binding: only zhang",
        "/api/bindings/{zhang_binding}/end",
        {
            "zhang": 200,
            "li": 404,
            "wang": 404,
            "newcomer": 404,
            "convener": 404,
            "street": 404,
            "other_convener": 404,
            "city": 404,
            "anonymous": 401,
        },
    ),
    OwnerRow(
        "POST /api/bindings/{binding_id}/end",
        "li's binding: only li",
        "/api/bindings/{li_binding}/end",
        {
            "zhang": 404,
            "li": 200,
            "wang": 404,
            "newcomer": 404,
            "convener": 404,
            "street": 404,
            "other_convener": 404,
            "city": 404,
            "anonymous": 401,
        },
    ),
    OwnerRow("GET /api/bindings/estates", "find by name (public)", "/api/bindings/estates?q=碧海", ALL_200),
    OwnerRow(
        "GET /api/bindings/estates/{estate_id}/flats",
        "another district's estate (public)",
        "/api/bindings/estates/{c}/flats",
        ALL_200,
    ),
    OwnerRow(
        "GET /api/bindings/estates/{estate_id}/flats",
        "missing estate",
        "/api/bindings/estates/999999/flats",
        {**{role: 404 for role in ALL_200 if role != "anonymous"}, "anonymous": 401},
    ),
    OwnerRow(
        "GET /api/bindings/estates/{estate_id}/suggestions",
        "only one's own matches",
        "/api/bindings/estates/{a}/suggestions",
        ALL_200,
    ),
]


# R-DATA-1: only the city operator imports another platform's bindings; everybody else, owners and
# every other staff role alike, is refused with 403 (the route exists for all; nothing is hidden).
def _import_body(ids: dict) -> list[dict]:
    from tests.rosterfiles import mobile, person_id

    return [
        {
            "external_ref": "wx-1",
            "estate_id": ids["a"],
            "building": "1栋",
            "room": "201",
            "owner_name": "赵六",
            "id_number": person_id(4),
            "mobile": mobile(4),
            "verification_method": "face",
            "verified_on": "2024-03-01",
        }
    ]


CITY_ONLY = {
    "zhang": 403,
    "li": 403,
    "wang": 403,
    "newcomer": 403,
    "convener": 403,
    "street": 403,
    "other_convener": 403,
}
ROWS += [
    OwnerRow(
        "POST /api/bindings/import",
        "赵六's binding from the former platform, dry run: the city operator only",
        "/api/bindings/import?source=platform:test&dry_run=true",
        {**CITY_ONLY, "city": 200, "anonymous": 401},
        body=_import_body,
    ),
    OwnerRow(
        "POST /api/bindings/import",
        "the same, imported: the city operator only",
        "/api/bindings/import?source=platform:test",
        {**CITY_ONLY, "city": 200, "anonymous": 401},
        body=_import_body,
    ),
    OwnerRow(
        "POST /api/bindings/import",
        "a body that is no list of records: refused before it is read, but for the city (422)",
        "/api/bindings/import?source=platform:test",
        {**CITY_ONLY, "city": 422, "anonymous": 401},
        body={"records": "none"},
    ),
]
