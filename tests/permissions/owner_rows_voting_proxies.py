"""/api/voting proxies: who gives, sees, lists and revokes a written proxy (R-VOTE-6, R-VOTE-7;
art. 20).

- A proxy is given by an owner bound to the flats (zhang for flat101): li, bound elsewhere in the
  estate, is refused 403 ``proxy.not_bound``; staff who see the meeting but are not bound too;
  people who do not see the meeting get 404.
- A proxy (``zhang_proxy``, given by zhang in the ``voting`` meeting to a person without an
  account) is seen by its grantor and the meeting's convener; anybody else gets 404. Only the
  grantor revokes it: the convener, who sees it, gets 403. Only its holder accepts it: the grantor
  and the convener, who see it, get 403.
- The list of every proxy of a meeting is the convener's: the others who see the meeting get 403.
- ``GET /meetings/{id}/proxies`` (the caller's own) answers everyone who sees the meeting.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.rosterfiles import mobile, person_id

from .owner_matrix import OwnerRow, roles

R = "/api/voting"
PROXY = {"name": "钱七", "id_number": person_id(60), "mobile": mobile(60)}


_roles = roles


def _term() -> dict:
    today = timezone.localdate()
    return {"term_from": today.isoformat(), "term_until": (today + dt.timedelta(days=30)).isoformat()}


def _grant_body(ids: dict) -> dict:
    return {"flat_ids": [ids["flat101"]], **PROXY, **_term()}


def _zhang_proxy(world: dict) -> None:
    """zhang gives a proxy in the voting meeting (rolled back with the cell)."""
    from ownervote.voting.services.proxies import proxy_grant

    ids = world["ids"]
    p = proxy_grant(
        actor=world["users"]["zhang"],
        meeting_id=ids["voting"],
        flat_ids=[ids["flat101"]],
        matters="",
        authority="",
        **PROXY,
        **{k: dt.date.fromisoformat(v) for k, v in _term().items()},
    )
    ids["zhang_proxy"] = p.pk


SEE_MEETING = _roles(200, 200, 404, 404, 200, 200, 404, 200)
SEE_PROXY = _roles(200, 404, 404, 404, 200, 404, 404, 404)

ROWS = [
    OwnerRow(
        f"POST {R}/meetings/{{meeting_id}}/proxies",
        "zhang gives a proxy for his flat",
        f"{R}/meetings/{{voting}}/proxies",
        _roles(201, 403, 404, 404, 403, 403, 404, 403),
        body=_grant_body,
    ),
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/proxies",
        "my proxies in the meeting",
        f"{R}/meetings/{{voting}}/proxies",
        SEE_MEETING,
    ),
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/proxies/all",
        "every proxy of the meeting",
        f"{R}/meetings/{{voting}}/proxies/all",
        _roles(403, 403, 404, 404, 200, 403, 404, 403),
    ),
    OwnerRow(
        f"GET {R}/proxies/{{proxy_id}}",
        "zhang's proxy",
        f"{R}/proxies/{{zhang_proxy}}",
        SEE_PROXY,
        setup=_zhang_proxy,
    ),
    OwnerRow(
        f"GET {R}/proxies/{{proxy_id}}/document",
        "zhang's written proxy",
        f"{R}/proxies/{{zhang_proxy}}/document",
        SEE_PROXY,
        setup=_zhang_proxy,
    ),
    OwnerRow(
        f"POST {R}/proxies/{{proxy_id}}/revoke",
        "zhang's proxy",
        f"{R}/proxies/{{zhang_proxy}}/revoke",
        _roles(200, 404, 404, 404, 403, 404, 404, 404),
        setup=_zhang_proxy,
    ),
    OwnerRow(
        f"POST {R}/proxies/{{proxy_id}}/confirm",
        "accepting zhang's proxy: its holder only (art. 20); the grantor and the convener see it",
        f"{R}/proxies/{{zhang_proxy}}/confirm",
        _roles(403, 404, 404, 404, 403, 404, 404, 404),
        setup=_zhang_proxy,
    ),
]
