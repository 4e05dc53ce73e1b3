"""/api/voting paper counts: who may open a count, enter, resolve and commit paper ballots, read
the sessions and print the ballots (R-PAPER-1..4, art. 24).

- Only the meeting's convener (convener) opens, enters and commits; the staff who see estate a
  (convener, street, city) read the sessions; the bound owners who see the meeting (zhang, li)
  get 403; anybody else 404.
- The world's ``voting`` meeting is still voting (its close is ahead): opening a count and
  committing are refused 409 ``paper.not_closed`` even for the convener. Entries are tried on a
  session made directly in the row's setup.
- The printable ballots: the convener only."""

from __future__ import annotations

from django.utils import timezone

from .owner_matrix import OwnerRow, roles

V = "/api/voting"


_roles = roles


READ = _roles(403, 403, 404, 404, 200, 200, 404, 200)


def _convener_only(status: int) -> dict[str, int]:
    return _roles(403, 403, 404, 404, status, 403, 404, 403)


def _session(world: dict) -> None:
    """An open count session of the ``voting`` meeting, as ``count_session`` (made directly: the
    service would refuse it before the close)."""
    from ownervote.voting.models import CountSession

    session = CountSession.objects.create(
        meeting_id=world["ids"]["voting"],
        caller="陈唱票",
        counter="林计票",
        scrutineer="黄监票",
        opened_by=world["users"]["convener"],
    )
    world["ids"]["count_session"] = session.pk


def _session_with_entry(world: dict) -> None:
    from ownervote.voting.models import PaperEntry

    _session(world)
    PaperEntry.objects.create(
        session_id=world["ids"]["count_session"],
        flat_id=world["ids"]["flat101"],
        round=1,
        answers={str(world["ids"]["voting_item"]): "yes"},
        dated_on=timezone.localdate(),
        entered_by=world["users"]["convener"],
    )


def _roles_body(ids: dict) -> dict:
    return {"caller": "陈唱票", "counter": "林计票", "scrutineer": "黄监票", "place": "会所"}


def _entry_body(ids: dict) -> dict:
    import datetime as dt

    return {
        "answers": {str(ids["voting_item"]): "yes"},
        "dated_on": timezone.localdate().isoformat(),
        "received_at": (timezone.now() - dt.timedelta(days=30)).isoformat(),  # before the close
        "received_via": "hand",
    }


ROWS = [
    OwnerRow(
        "POST /api/voting/meetings/{meeting_id}/count-sessions",
        "open a count before the close",
        V + "/meetings/{voting}/count-sessions",
        _convener_only(409),
        body=_roles_body,
    ),
    OwnerRow(
        "GET /api/voting/meetings/{meeting_id}/count-sessions",
        "the meeting's count sessions",
        V + "/meetings/{voting}/count-sessions",
        READ,
    ),
    OwnerRow(
        "GET /api/voting/count-sessions/{session_id}",
        "a count session",
        V + "/count-sessions/{count_session}",
        READ,
        setup=_session,
    ),
    OwnerRow(
        "PUT /api/voting/count-sessions/{session_id}/entries/{flat_id}/{round}",
        "enter a flat's paper",
        V + "/count-sessions/{count_session}/entries/{flat101}/1",
        _convener_only(200),
        body=_entry_body,
        setup=_session,
    ),
    OwnerRow(
        "DELETE /api/voting/count-sessions/{session_id}/entries/{flat_id}/{round}",
        "remove an entry",
        V + "/count-sessions/{count_session}/entries/{flat101}/1",
        _convener_only(204),
        setup=_session_with_entry,
    ),
    OwnerRow(
        "GET /api/voting/count-sessions/{session_id}/mismatches",
        "what to resolve",
        V + "/count-sessions/{count_session}/mismatches",
        READ,
        setup=_session_with_entry,
    ),
    OwnerRow(
        "POST /api/voting/count-sessions/{session_id}/commit",
        "commit before the close",
        V + "/count-sessions/{count_session}/commit",
        _convener_only(409),
        setup=_session_with_entry,
    ),
    OwnerRow(
        "GET /api/voting/meetings/{meeting_id}/paper-ballots.pdf",
        "printable ballots",
        V + "/meetings/{voting}/paper-ballots.pdf",
        _convener_only(200),
    ),
]
