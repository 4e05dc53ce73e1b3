"""/api/voting casting, receipts and representatives: who votes which flat, who sees which ballot,
who chooses a co-owned flat's representative (R-VOTE-1, R-VOTE-3, R-VOTE-8; art. 16, 17, 21).

- In the ``voting`` meeting zhang votes flat101 and li flat102; every other caller who sees the
  meeting (li for flat101, the staff) is refused 403 ``ballot.not_eligible``; those who do not see
  it (wang, not bound; the newcomer; another estate's convener) get 404.
- The vote page's flat list, the caller's own ballots and the co-owned flats answer everybody who
  sees the meeting (possibly empty).
- The receipt check is public (no sign-in) and never shows the answers.
- A representative is proposed, consented to and withdrawn by the flat's bound co-owners only
  (li for flat102): a visible meeting gives the others 403 on proposing and 404 on someone
  else's choice.
"""

from __future__ import annotations

from .owner_matrix import OwnerRow, roles

R = "/api/voting"


_roles = roles


SEE_VOTING = _roles(200, 200, 404, 404, 200, 200, 404, 200)


def _ballot(flat: str):
    return lambda ids: {"flat_ids": [ids[flat]], "answers": {str(ids["voting_item"]): "yes"}}


def _receipt(world: dict) -> None:
    """zhang has voted; ``receipt`` is his code (rolled back with the cell)."""
    from ownervote.voting.services.cast import ballot_cast

    ids = world["ids"]
    sub = ballot_cast(
        actor=world["users"]["zhang"],
        meeting_id=ids["voting"],
        flat_ids=[ids["flat101"]],
        answers={str(ids["voting_item"]): "yes"},
    )
    ids["receipt"] = sub.code


def _li_user(world: dict) -> None:
    world["ids"]["li_user"] = world["users"]["li"].pk


def _proposed(world: dict) -> None:
    """li's own proposal for flat102, awaiting his consent (made directly, rolled back)."""
    from ownervote.voting.models import Representative

    ids = world["ids"]
    li = world["users"]["li"]
    ids["representative"] = Representative.objects.create(
        meeting_id=ids["voting"], flat_id=ids["flat102"], user=li, proposed_by=li
    ).pk


ROWS = [
    OwnerRow(
        route=f"GET {R}/meetings/{{meeting_id}}/flats",
        case="the vote page's flats (empty for staff)",
        path=f"{R}/meetings/{{voting}}/flats",
        expected=SEE_VOTING,
    ),
    OwnerRow(
        route=f"POST {R}/meetings/{{meeting_id}}/ballots",
        case="a ballot for flat101 (R-VOTE-1)",
        path=f"{R}/meetings/{{voting}}/ballots",
        body=_ballot("flat101"),
        expected=_roles(201, 403, 404, 404, 403, 403, 404, 403),
    ),
    OwnerRow(
        route=f"POST {R}/meetings/{{meeting_id}}/ballots",
        case="a ballot for flat102 (R-VOTE-1)",
        path=f"{R}/meetings/{{voting}}/ballots",
        body=_ballot("flat102"),
        expected=_roles(403, 201, 404, 404, 403, 403, 404, 403),
    ),
    OwnerRow(
        route=f"POST {R}/meetings/{{meeting_id}}/ballots",
        case="flat101 again after zhang voted (R-VOTE-1)",
        path=f"{R}/meetings/{{voting}}/ballots",
        body=_ballot("flat101"),
        setup=_receipt,
        expected=_roles(409, 403, 404, 404, 403, 403, 404, 403),
    ),
    OwnerRow(
        route=f"GET {R}/meetings/{{meeting_id}}/my-ballots",
        case="the caller's own ballots (R-VOTE-3)",
        path=f"{R}/meetings/{{voting}}/my-ballots",
        setup=_receipt,
        expected=SEE_VOTING,
    ),
    OwnerRow(
        route=f"GET {R}/receipts/{{code}}",
        case="a recorded receipt: public",
        path=f"{R}/receipts/{{receipt}}",
        setup=_receipt,
        expected=_roles(200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    OwnerRow(
        route=f"GET {R}/receipts/{{code}}",
        case="an unknown code",
        path=f"{R}/receipts/AAAA-BBBB-CCCC",
        expected=_roles(404, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    OwnerRow(
        route=f"GET {R}/meetings/{{meeting_id}}/representatives",
        case="the caller's co-owned flats",
        path=f"{R}/meetings/{{voting}}/representatives",
        expected=SEE_VOTING,
    ),
    OwnerRow(
        route=f"POST {R}/meetings/{{meeting_id}}/representatives",
        case="li for flat102 (R-VOTE-8)",
        path=f"{R}/meetings/{{voting}}/representatives",
        setup=_li_user,
        body=lambda ids: {"flat_id": ids["flat102"], "user_id": ids["li_user"]},
        expected=_roles(403, 201, 404, 404, 403, 403, 404, 403),
    ),
    OwnerRow(
        route=f"POST {R}/representatives/{{representative_id}}/consent",
        case="flat102's proposal (R-VOTE-8)",
        path=f"{R}/representatives/{{representative}}/consent",
        setup=_proposed,
        expected=_roles(404, 200, 404, 404, 404, 404, 404, 404),
    ),
    OwnerRow(
        route=f"POST {R}/representatives/{{representative_id}}/withdraw",
        case="flat102's proposal (R-VOTE-8)",
        path=f"{R}/representatives/{{representative}}/withdraw",
        setup=_proposed,
        expected=_roles(404, 200, 404, 404, 404, 404, 404, 404),
    ),
]
