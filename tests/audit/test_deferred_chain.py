"""R-SEC-2 and R-SEC-5 with deferred chaining: an event is only inserted in the transaction of its
change (no shared row), the worker's chainer links it into its stream's hash chain a moment later,
in the order it finds the events committed, never skipping one and never linking one twice; the
unchained tail is explained by ``verify_audit``; anchors chain first."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from ownervote.audit import anchors
from ownervote.audit.chainer import chain_pending, chain_stream
from ownervote.audit.models import AuditAnchor, AuditEvent, AuditHead, AuditLink, AuditPending
from ownervote.audit.services import record, stream_for, unchained, verify_all
from ownervote.core import periodic

BEIJING = ZoneInfo("Asia/Shanghai")
ESTATE = 7
STREAM = stream_for(ESTATE)
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions: PostgreSQL"
)


def _record(i: int, estate_id: int | None = ESTATE) -> AuditEvent:
    return record(actor="system", action="test.event", object_id=i, estate_id=estate_id, summary={"i": i})


def _events(n: int, estate_id: int | None = ESTATE) -> list[int]:
    with transaction.atomic():
        return [_record(i, estate_id).pk for i in range(n)]


def _chain() -> list[tuple[int, int]]:
    """(event id, seq) of the stream's chain, by seq."""
    return list(AuditLink.objects.filter(stream=STREAM).order_by("seq").values_list("event_id", "seq"))


@pytest.mark.django_db
def test_recording_writes_no_shared_row():  # R-SEC-2: no hot row in the change's transaction
    _events(1)  # the stream's head exists already
    chain_pending()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        _record(1)
    sql = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    # Inserts only (on PostgreSQL the event and its pending row in one WITH ... INSERT).
    assert sql and all(s.strip().startswith(("INSERT", "WITH e AS (INSERT")) for s in sql), sql
    assert not any("UPDATE" in s or "FOR UPDATE" in s for s in sql), sql
    assert not any("audit_audithead" in s for s in sql)


@pytest.mark.django_db
def test_events_are_chained_later_in_their_order():  # R-SEC-2
    ids = _events(3) + _events(2)
    other = _events(2, estate_id=None)
    assert AuditLink.objects.count() == 0 and AuditEvent.objects.get(pk=ids[0]).seq is None
    assert chain_pending() == 7
    assert _chain() == [(pk, i) for i, pk in enumerate(ids, start=1)]
    assert [AuditEvent.objects.get(pk=pk).seq for pk in other] == [1, 2]
    assert AuditPending.objects.count() == 0
    head = AuditHead.objects.get(stream=STREAM)
    assert (head.seq, head.hash) == (5, AuditLink.objects.get(event_id=ids[-1]).hash)
    assert verify_all() == (2, [])
    assert chain_pending() == 0  # idempotent: nothing linked twice
    assert _chain() == [(pk, i) for i, pk in enumerate(ids, start=1)]


@pytest.mark.django_db
def test_the_chainer_works_in_batches_and_continues_a_chain():  # R-SEC-2
    first = _events(3)
    chain_pending()
    later = _events(5)
    assert chain_stream(STREAM, batch=2) == 5
    assert _chain() == [(pk, i) for i, pk in enumerate(first + later, start=1)]
    assert verify_all() == (1, [])


@pytest.mark.django_db
def test_the_worker_tick_chains():  # R-SEC-2: the worker runs the chainer every tick
    _events(2)
    periodic.tick()
    assert len(_chain()) == 2 and unchained() == []


@pytest.mark.django_db
def test_an_event_whose_queue_row_is_lost_is_still_reported(capsys):  # R-SEC-2
    """The queue only spares the chainer a search: ``verify_audit`` counts every unlinked event."""
    start = dt.datetime(2026, 3, 2, 9, tzinfo=BEIJING)
    with time_machine.travel(start, tick=False):
        _events(2)
        chain_pending()
        (lost,) = _events(1)
        with connection.cursor() as cur:  # someone empties the chainer's queue
            cur.execute("DELETE FROM audit_auditpending")
        assert chain_pending() == 0
    late = time_machine.travel(start + dt.timedelta(minutes=5), tick=False)
    with late, pytest.raises(CommandError, match="left unchained longer than 60 s"):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert f"UNCHAINED stream {STREAM}: 1 events not yet chained, the oldest 300 s old" in err
    assert AuditEvent.objects.get(pk=lost).seq is None


@pytest.mark.django_db
def test_the_unchained_tail_is_explained_and_a_problem_only_when_old(capsys, settings):  # R-SEC-2
    start = dt.datetime(2026, 3, 2, 9, tzinfo=BEIJING)
    with time_machine.travel(start, tick=False):
        _events(2)
        chain_pending()
        _events(3)
    with time_machine.travel(start + dt.timedelta(seconds=2), tick=False):
        call_command("verify_audit")
        out = capsys.readouterr().out
        assert f"pending stream {STREAM}: 3 events not yet chained, the oldest 2 s old" in out
        assert "audit log intact: 5 events in 1 chains (3 not yet chained)" in out
    settings.AUDIT_UNCHAINED_ALERT_SECONDS = 30
    with time_machine.travel(start + dt.timedelta(seconds=31), tick=False):
        with pytest.raises(CommandError, match="1 chains have events left unchained longer than 30 s"):
            call_command("verify_audit")
        assert (
            f"UNCHAINED stream {STREAM}: 3 events not yet chained, the oldest 31 s old"
            in capsys.readouterr().err
        )
        chain_pending()  # the worker catches up
        call_command("verify_audit")
        assert "audit log intact: 5 events in 1 chains;" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_chained_row_edited_or_deleted_breaks_the_chain_still(capsys):  # R-SEC-2
    ids = _events(4)
    chain_pending()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # flush deferred checks before ALTER
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cur.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [ids[1]])
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert f"stream {STREAM}, seq 2 (row id={ids[1]}): content does not match" in capsys.readouterr().err


@pytest.mark.django_db
def test_anchors_chain_pending_events_first():  # R-SEC-5
    ids = _events(3)
    heads = anchors.heads_of_estate(ESTATE)  # what a result version and an archive carry
    assert heads == [{"stream": STREAM, "seq": 3, "hash": AuditLink.objects.get(event_id=ids[-1]).hash}]
    more = _events(2)
    _events(1, estate_id=None)
    assert anchors.anchor_daily(day=dt.date(2026, 3, 1)) == 2
    daily = AuditAnchor.objects.get(stream=STREAM, kind="daily")
    assert (daily.seq, daily.hash) == (5, AuditLink.objects.get(event_id=more[-1]).hash)
    assert unchained() == []  # the anchoring's own event is chained too
    assert anchors.verify_with_anchors().breaks == []


# --- PostgreSQL: transactions that overlap ------------------------------------------------------


def _in_thread(fn, *args):
    """Run ``fn`` in a thread with its own connection; its result or exception."""
    out: dict = {}

    def run():
        try:
            out["value"] = fn(*args)
        except BaseException as exc:  # handed back to the test
            out["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_event_committed_after_a_later_one_is_chained_after_it_never_skipped():  # R-SEC-2
    """The transaction holding the lower id commits after the chainer has linked a higher id: the
    lower one is linked in the next run, at the next seq."""
    _events(1)
    chain_pending()
    inserted, release = threading.Event(), threading.Event()

    def slow_change():
        with transaction.atomic():
            pk = _record(100).pk
            inserted.set()
            release.wait(30)
        return pk

    thread, slow = _in_thread(slow_change)
    assert inserted.wait(30)
    (fast,) = _events(1)  # a higher id, committed first
    assert chain_pending() == 1
    release.set()
    thread.join(30)
    assert "error" not in slow
    assert fast > slow["value"]
    assert chain_pending() == 1
    assert [pk for pk, _ in _chain()][1:] == [fast, slow["value"]]
    assert verify_all() == (1, [])


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_chainers_link_each_event_once():  # R-SEC-2
    ids = _events(300)
    barrier = threading.Barrier(4)  # three threads and this one

    def chainer():
        barrier.wait(30)
        return chain_stream(STREAM, batch=7)

    runs = [_in_thread(chainer) for _ in range(3)]
    barrier.wait(30)
    linked = chain_stream(STREAM, batch=11)
    for thread, out in runs:
        thread.join(60)
        assert "error" not in out, out
        linked += out["value"]
    assert linked == 300
    assert _chain() == [(pk, i) for i, pk in enumerate(ids, start=1)]
    assert verify_all() == (1, [])


@postgres_only
@pytest.mark.django_db
def test_postgresql_refuses_to_rewrite_a_link():  # R-SEC-2, R-SEC-5: links are append-only
    (pk,) = _events(1)
    chain_pending()
    for sql in (
        "UPDATE audit_auditlink SET hash = repeat('0', 64) WHERE event_id = %s",
        "DELETE FROM audit_auditlink WHERE event_id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql, [pk])
    assert verify_all() == (1, [])
