"""The cast is the request a deadline rush multiplies (issue 7, bench/cast.py): what it asks the
database is budgeted here, so that a change that adds a round trip per cast is noticed before the
benchmark. The budget counts every statement of the request: session, user, the checks, the
inserts, counters, audit, messages (R-VOTE-1, R-VOTE-3)."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ownervote.voting.models import Ballot
from ownervote.voting.services import answers

R = "/api/voting"
# Statements per cast of one owner's flats (about 30 before the cast was trimmed for issue 7),
# pinned (issue 21): the session, the user, the savepoint (BEGIN in production), on PostgreSQL the
# meeting's advisory lock (voting/services/locks.py), the meeting with its estate and the voter's
# eligibility rows with their flats, bindings and facts (one statement), the receipt with its ballots and
# choices (one statement on PostgreSQL, three on SQLite), the voter's inbox and outbox (one on
# PostgreSQL, two on SQLite), the audit event with its pending row (one on PostgreSQL, two on
# SQLite), the counter slots of the buildings and the meeting (a plain UPDATE a row by its unique
# index: three rows here, two for a flat alone), the release (COMMIT). Nothing is read back. Here
# two flats in two buildings. On PostgreSQL the lock goes with the read, and the inbox, the audit
# event and the slots go together (core.prepared.batch): the round trips are fewer than these.
STATEMENTS = {"postgresql": 12, "sqlite": 15}
SLOT_UPDATES = 3  # 1栋's slot, 2栋's slot, the meeting's: in this order (no two casts lock in a cycle)


def _cast(user, meeting, flat_ids, ballot):
    c = Client()
    c.force_login(user)
    with CaptureQueriesContext(connection) as q:
        r = c.post(
            f"{R}/meetings/{meeting.pk}/ballots",
            {"flat_ids": flat_ids, "answers": ballot},
            content_type="application/json",
        )
    assert r.status_code == 201, r.content
    return r.json(), [x["sql"] for x in q.captured_queries]


def test_a_cast_runs_a_pinned_number_of_statements(cast_world):  # R-VOTE-1 R-VOTE-2
    w = cast_world
    m = w["meeting"]
    _cast(w["zhang"], m, [w["flat"]["1栋-101"]], w["answers"])
    zhao_flats = [w["flat"]["1栋-201"], w["flat"]["2栋-201"]]
    receipt, sql = _cast(w["zhao"], m, zhao_flats, w["answers"])
    assert len(sql) == STATEMENTS[connection.vendor], "\n".join(sql)
    slots = [s for s in sql if "voting_progressslot" in s]
    assert len(slots) == SLOT_UPDATES
    assert ["building_id IS NULL" in s for s in slots] == [False, False, True]  # the meeting's last
    assert not [s for s in sql if "UPDATE" in s and s not in slots]  # no other row is updated
    assert not [s for s in sql if 'FROM "voting_ballot"' in s or 'FROM "voting_submission"' in s]
    # No row lock but the slots': the meeting's lock is advisory and shared between casts.
    assert not [s for s in sql if "FOR UPDATE" in s and s not in slots]
    # The items of a meeting whose voting runs are read once per process, not once per cast.
    assert not [s for s in sql if 'FROM "meetings_item"' in s]
    assert sorted(receipt["flats"]) == ["1栋-201", "2栋-201"] and receipt["partial"] is False
    assert Ballot.objects.filter(meeting=m, flat_id__in=zhao_flats).count() == 2


def test_items_are_read_again_once_the_voting_is_over(cast_world):  # R-VOTE-1
    w = cast_world
    m = w["meeting"]
    assert [i.pk for i in answers.voting_items(m)] == [i.pk for i in w["items"]]
    with CaptureQueriesContext(connection) as q:
        answers.voting_items(m)
    assert len(q.captured_queries) == 0
    m.status = m.Status.CLOSED
    with CaptureQueriesContext(connection) as q:
        assert [i.pk for i in answers.voting_items(m)] == [i.pk for i in w["items"]]
    assert len(q.captured_queries) == 2
