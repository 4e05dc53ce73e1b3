"""The row type and roles of the owner-facing permission table (test_owner_api_matrix.py).
Each app adds its rows in ``owner_rows_<app>.py`` as ``ROWS = [OwnerRow(...), ...]``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

OWNER_ROLES = (
    "zhang",  # verified, bound to 1栋-101 of estate a
    "li",  # verified, bound to 1栋-102 of a
    "wang",  # verified co-owner of 1栋-102, not bound
    "newcomer",  # signed in, not verified
    "convener",  # keeps estate a
    "street",  # Shatou street office (a's street)
    "other_convener",  # keeps estate c (Nanshan)
    "city",  # the city operator
    "anonymous",
)


@dataclass(frozen=True)
class OwnerRow:
    route: str  # "METHOD /api/path/{param}" exactly as registered
    case: str
    path: str  # formatted with the world's ids: a, b, c, flat101, flat102, flat201, zhang_binding,
    #            li_binding, publication, objection, onsite
    expected: dict[str, int]
    body: dict | Callable[[dict], dict] | None = None
    multipart: bool = False
    setup: Callable[[dict], None] | None = None  # runs inside the rolled-back cell, before the call

    @property
    def id(self) -> str:
        return f"{self.route} :: {self.case}"


def roles(zhang, li, wang, newcomer, convener, street, other_convener, city, anonymous=401) -> dict[str, int]:
    """The expected status for each role, in OWNER_ROLES order."""
    return dict(
        zip(
            OWNER_ROLES,
            (zhang, li, wang, newcomer, convener, street, other_convener, city, anonymous),
            strict=True,
        )
    )
