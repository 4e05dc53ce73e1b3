"""A cast racing with the close of the voting (R-VOTE-1, R-VOTE-5; issue 21): the cast takes the
meeting's advisory lock shared, the close exclusive (voting/services/locks.py). A cast in flight
when the close runs lands before it (the close waits for it and counts it); a cast that reaches the
lock while the close holds it is refused once the close commits. Never a ballot after the close.
Real threads, each with its own connection, on PostgreSQL (SQLite runs one writer at a time)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict
from ownervote.meetings.models import Meeting
from ownervote.voting.models import Ballot, Submission
from ownervote.voting.services import cast, progress

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrency"),
    pytest.mark.django_db(transaction=True),
]


def _clocks(monkeypatch, meeting, closer: str) -> None:
    """The thread named ``closer`` lives a second after the close, every other one a second before
    it: the cast's window check passes, the close's too; only the lock decides."""
    before = meeting.voting_closes_at - dt.timedelta(seconds=1)
    after = meeting.voting_closes_at + dt.timedelta(seconds=1)
    monkeypatch.setattr(
        timezone, "now", lambda: after if threading.current_thread().name == closer else before
    )


def _wait_for_a_waiter() -> None:
    """Until another connection waits on an advisory lock (the lock at work; not a timing test:
    without the lock nobody ever waits and this fails)."""
    for _ in range(600):
        with connection.cursor() as c:
            c.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            if c.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("nobody waited on the meeting's lock")


def _thread(name: str, results: dict, work) -> threading.Thread:
    def run() -> None:
        try:
            results[name] = work()
        except Exception as exc:
            results[name] = exc
        finally:
            connections.close_all()

    t = threading.Thread(target=run, name=name)
    t.start()
    return t


def test_a_cast_in_flight_lands_before_the_close(transactional_db, cast_world, monkeypatch):  # R-VOTE-5
    w = cast_world
    meeting = w["meeting"]
    _clocks(monkeypatch, meeting, closer="close")
    inside, go = threading.Event(), threading.Event()
    tell = cast._tell

    def paused_tell(*args, **kwargs):  # inside the cast's transaction, its ballot written
        tell(*args, **kwargs)
        inside.set()
        assert go.wait(60)

    monkeypatch.setattr(cast, "_tell", paused_tell)
    results: dict = {}
    flat_id = w["flat"]["1栋-101"]
    caster = _thread(
        "cast",
        results,
        lambda: cast.ballot_cast(
            actor=w["zhang"], meeting_id=meeting.pk, flat_ids=[flat_id], answers=w["answers"]
        ),
    )
    assert inside.wait(60)
    closer = _thread("close", results, lambda: progress.voting_close(meeting_id=meeting.pk))
    try:
        _wait_for_a_waiter()  # the close waits for the cast
    finally:
        go.set()
        caster.join(60)
        closer.join(60)
    assert isinstance(results["cast"], Submission), results
    assert isinstance(results["close"], Meeting) and results["close"].status == Meeting.Status.CLOSED
    assert Ballot.objects.filter(meeting=meeting, flat_id=flat_id).count() == 1
    sealed = AuditEvent.objects.get(action="meeting.voting_closed")
    assert sealed.summary["flats_voted"] == 1  # the close counted the cast that was in flight


def test_a_cast_reaching_a_running_close_is_refused(transactional_db, cast_world, monkeypatch):  # R-VOTE-5
    w = cast_world
    meeting = w["meeting"]
    _clocks(monkeypatch, meeting, closer="close")
    inside, go = threading.Event(), threading.Event()
    record = progress.record

    def paused_record(**kwargs):  # inside the close's transaction, the meeting saved CLOSED
        record(**kwargs)
        inside.set()
        assert go.wait(60)

    monkeypatch.setattr(progress, "record", paused_record)
    results: dict = {}
    flat_id = w["flat"]["1栋-101"]
    closer = _thread("close", results, lambda: progress.voting_close(meeting_id=meeting.pk))
    assert inside.wait(60)
    caster = _thread(
        "cast",
        results,
        lambda: cast.ballot_cast(
            actor=w["zhang"], meeting_id=meeting.pk, flat_ids=[flat_id], answers=w["answers"]
        ),
    )
    try:
        _wait_for_a_waiter()  # the cast waits for the close
    finally:
        go.set()
        closer.join(60)
        caster.join(60)
    assert isinstance(results["close"], Meeting) and results["close"].status == Meeting.Status.CLOSED
    refused = results["cast"]
    assert isinstance(refused, Conflict) and refused.code == "ballot.closed", refused
    assert not Ballot.objects.filter(meeting=meeting).exists()
    assert AuditEvent.objects.get(action="meeting.voting_closed").summary["flats_voted"] == 0
