"""The close of a meeting's voting and the casts in flight agree without a row every cast locks
(issue 21): a PostgreSQL transaction-level advisory lock keyed by the meeting.

- ``casting``: a cast takes the meeting's lock *shared* first thing in its transaction, before it
  reads the meeting's status: casts never wait for each other.
- ``closing``: the close takes it *exclusive* before it reads the meeting: it waits for the casts
  in flight to commit (they are counted in the figures it seals), and a cast that starts while the
  close holds it waits, then reads the meeting CLOSED and is refused. So no ballot lands after a
  close.

Both are released at the end of the transaction. On SQLite they do nothing: SQLite runs one
writing transaction at a time, which already keeps a cast and the close apart."""

from __future__ import annotations

from django.db import connection

from ownervote.core import prepared

# The first key of the two-key advisory lock: this lock's namespace ("OV" "c" "l"), so that another
# advisory lock of the application keyed by a meeting's id is a different lock.
NAMESPACE = 0x4F56_636C


def _take(function: str, meeting_id: int) -> None:
    if connection.vendor != "postgresql" or not str(meeting_id).isdigit():
        return  # no such meeting: nothing to agree on (the caller refuses it)
    with prepared.cursor() as c:
        # int4 keys: a meeting id beyond 2**31 wraps into the range (two meetings sharing a lock
        # only ever wait a little, they never miss one).
        key = (int(meeting_id) + 2**31) % 2**32 - 2**31
        c.execute(f"SELECT {function}(%s, %s)", [NAMESPACE, key])


def casting(meeting_id: int) -> None:
    """Inside the cast's transaction, before reading the meeting: the meeting's lock, shared."""
    _take("pg_advisory_xact_lock_shared", meeting_id)


def closing(meeting_id: int) -> None:
    """Inside the close's transaction, before reading the meeting: the meeting's lock, exclusive."""
    _take("pg_advisory_xact_lock", meeting_id)
