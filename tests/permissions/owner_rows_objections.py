"""/api/objections: objections to the publicised result (询异, R-TRUST-2).

The world's ``closed`` meeting (estate a; zhang voted for 1栋-101); each row's setup publicises its
result from today and, for the rows about one objection, has zhang object that his ballot's
recorded choices differ (``wrong_choice`` on 1栋-101).

- Raising: an owner of estate a, about a flat with a counted ballot; ``wrong_choice`` on one's own
  flat only (li and wang own 1栋-102: 422 ``objection.not_own_flat``); anybody owning nothing in
  a: 403; before the publicity: 404.
- A meeting's objections: the convener and the staff who oversee the estate (street, city); 404
  for the rest. The counts: public once publicised.
- One objection: its raiser, the convener, the overseeing staff; answering: the convener (the
  raiser and the staff 403); accepting or disputing: its raiser (the convener and the staff 403).
"""

from __future__ import annotations

from .owner_matrix import OwnerRow, roles

R = "/api/objections"


def _publicised(world: dict) -> None:
    from .test_owner_api_matrix import publicise_result

    publicise_result(world)


def _raised(world: dict) -> None:
    from ownervote.objections import services

    _publicised(world)
    objection = services.objection_raise(
        actor=world["users"]["zhang"],
        meeting_id=world["ids"]["closed"],
        flat_id=world["ids"]["flat101"],
        kind="wrong_choice",
        text="",
    )
    world["ids"]["result_objection"] = objection.pk


def _answered(world: dict) -> None:
    from ownervote.objections import services

    _raised(world)
    services.objection_answer(
        actor=world["users"]["convener"], objection_id=world["ids"]["result_objection"], answer="已核查。"
    )


def _body(ids: dict) -> dict:
    return {"meeting_id": ids["closed"], "flat_id": ids["flat101"], "kind": "wrong_choice"}


SEE = roles(200, 404, 404, 404, 200, 200, 404, 200)
ANSWER = roles(403, 404, 404, 404, 200, 403, 404, 403)
RESPOND = roles(200, 404, 404, 404, 403, 403, 404, 403)

ROWS = [
    OwnerRow(
        f"POST {R}",
        "wrong_choice on 1栋-101 while publicised: zhang's own flat",
        R,
        roles(201, 422, 422, 403, 403, 403, 403, 403),
        body=_body,
        setup=_publicised,
    ),
    OwnerRow(
        f"POST {R}",
        "before the publicity: nothing to object to",
        R,
        roles(404, 404, 404, 404, 404, 404, 404, 404),
        body=_body,
    ),
    OwnerRow(
        f"GET {R}/mine", "one's own objections", f"{R}/mine", roles(200, 200, 200, 200, 200, 200, 200, 200)
    ),
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}",
        "a meeting's objections: the convener and the overseeing staff",
        f"{R}/meetings/{{closed}}",
        roles(404, 404, 404, 404, 200, 200, 404, 200),
        setup=_raised,
    ),
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/counts",
        "how many were raised and answered: public once publicised",
        f"{R}/meetings/{{closed}}/counts",
        roles(200, 200, 200, 200, 200, 200, 200, 200, anonymous=200),
        setup=_raised,
    ),
    OwnerRow(
        f"GET {R}/meetings/{{meeting_id}}/counts",
        "before the publicity: nobody",
        f"{R}/meetings/{{closed}}/counts",
        roles(404, 404, 404, 404, 404, 404, 404, 404, anonymous=404),
    ),
    OwnerRow(
        f"GET {R}/{{objection_id}}", "zhang's objection", f"{R}/{{result_objection}}", SEE, setup=_raised
    ),
    OwnerRow(
        f"POST {R}/{{objection_id}}/answer",
        "answer it: the convener",
        f"{R}/{{result_objection}}/answer",
        ANSWER,
        body={"answer": "经核查，记录无误。"},
        setup=_raised,
    ),
    OwnerRow(
        f"POST {R}/{{objection_id}}/accept",
        "accept the answer: its raiser",
        f"{R}/{{result_objection}}/accept",
        RESPOND,
        setup=_answered,
    ),
    OwnerRow(
        f"POST {R}/{{objection_id}}/dispute",
        "dispute the answer (a complaint at once): its raiser",
        f"{R}/{{result_objection}}/dispute",
        RESPOND,
        body={"reason": "记录与我的选择不符。"},
        setup=_answered,
    ),
]
