"""R-SEC-5 (with R-SEC-2): the chain heads are anchored outside the log, and ``verify_audit``
proves the log still extends every anchor. Someone with the database file (SQLite: raw SQL, no
access control below the ORM) re-chains a rewritten event and recomputes the head, cuts the tail
off, or empties both tables: the chain alone still looks intact, the anchors do not."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownervote.audit import anchors
from ownervote.audit.chain import event_hash
from ownervote.audit.chainer import chain_pending
from ownervote.audit.models import AuditAnchor, AuditEvent, AuditHead, AuditLink
from ownervote.audit.services import _hashed_fields, record, stream_for, verify_all
from ownervote.audit.tasks import ensure_daily_anchor
from ownervote.notify.testing import run_worker

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
ESTATE = 7
STREAM = stream_for(ESTATE)


def _events(n: int, estate_id: int | None = ESTATE) -> list[AuditEvent]:
    with transaction.atomic():
        events = [
            record(actor="system", action="test.event", object_id=i, estate_id=estate_id, summary={"i": i})
            for i in range(n)
        ]
    chain_pending()  # what the worker does a moment later
    return events


TABLES = ("audit_auditevent", "audit_auditlink", "audit_audithead")


def _raw(sql: str, params=()):
    """What someone with direct database access runs (on PostgreSQL: as the tables' owner, who
    can switch the triggers off)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TABLES:
                cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            cur.execute(sql, params)
            for table in TABLES:
                cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            cur.execute(sql, params)


def _rechain(stream: str, seq: int, summary: dict) -> None:
    """Rewrite event ``seq``, recompute its hash, every later hash and the head: a forgery the
    chain alone cannot see."""
    prev = None
    links = AuditLink.objects.filter(stream=stream, seq__gte=seq).select_related("event").order_by("seq")
    for link in links:
        event = link.event
        if link.seq == seq:
            event.summary = summary
            _raw("UPDATE audit_auditevent SET summary = %s WHERE id = %s", [json.dumps(summary), event.pk])
        else:
            link.prev_hash = prev
        link.hash = event_hash(_hashed_fields(event, link.seq), link.prev_hash)
        _raw(
            "UPDATE audit_auditlink SET prev_hash = %s, hash = %s WHERE event_id = %s",
            [link.prev_hash, link.hash, event.pk],
        )
        prev = link.hash
    _raw("UPDATE audit_audithead SET hash = %s WHERE stream = %s", [prev, stream])


def _cut_tail(stream: str, keep: int) -> None:
    """Delete every event after ``keep`` (and its link) and set the head back to it."""
    ids = list(AuditLink.objects.filter(stream=stream, seq__gt=keep).values_list("event_id", flat=True))
    for event_id in ids:
        _raw("DELETE FROM audit_auditlink WHERE event_id = %s", [event_id])
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [event_id])
    last = AuditLink.objects.filter(stream=stream, seq=keep).values_list("hash", flat=True).first() or ""
    _raw("UPDATE audit_audithead SET seq = %s, hash = %s WHERE stream = %s", [keep, last, stream])


def _verify(capsys, *args) -> tuple[str, str]:
    call_command("verify_audit", *args)
    out = capsys.readouterr()
    return out.out, out.err


def _refused(capsys, *args) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit", *args)
    return f"{capsys.readouterr().err}\n{exc.value}"


def test_a_rechained_rewrite_is_detected_against_the_daily_anchor(capsys):  # R-SEC-5 R-SEC-2
    _events(5)
    anchors.anchor_daily(day=dt.date(2026, 3, 1))
    anchored = AuditHead.objects.get(stream=STREAM)
    _rechain(STREAM, 3, {"i": 99, "forged": True})
    assert verify_all()[1] == []  # the chain alone is fooled
    err = _refused(capsys)
    assert f"BROKEN stream {STREAM}, seq 5" in err
    assert "daily anchor of 2026-03-01" in err and anchored.hash in err
    assert "re-chained" in err


def test_a_deleted_tail_is_detected(capsys):  # R-SEC-5 R-SEC-2
    _events(5)
    anchors.anchor_daily(day=dt.date(2026, 3, 1))
    _cut_tail(STREAM, 3)
    assert verify_all()[1] == []
    err = _refused(capsys)
    assert f"BROKEN stream {STREAM}, seq 5 (missing row)" in err
    assert "tail deleted" in err and "daily anchor of 2026-03-01" in err


def test_emptying_both_tables_is_detected_not_reported_intact(capsys):  # R-SEC-5 R-SEC-2
    _events(4)
    _events(1, estate_id=None)
    anchors.anchor_daily(day=dt.date(2026, 3, 1))
    for table in ("audit_auditlink", "audit_auditpending", "audit_auditevent", "audit_audithead"):
        _raw(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    assert verify_all() == (0, [])  # what main reported: "audit log intact: 0 events"
    err = _refused(capsys)
    assert "intact" not in err
    assert f"BROKEN stream {STREAM}, seq 4 (missing row)" in err and "truncated" in err
    assert "BROKEN stream global" in err  # the anchoring itself was audited in the global chain


def test_an_untouched_log_with_anchors_is_intact_and_says_what_it_checked(capsys):  # R-SEC-5
    _events(3)
    anchors.anchor_daily(day=dt.date(2026, 3, 1))
    _events(2)  # the log grows past its anchor: still extends it
    anchors.anchor_daily(day=dt.date(2026, 3, 2))
    out, _ = _verify(capsys)
    assert "audit log intact: 7 events in 2 chains" in out
    assert "checked against 3 anchored heads kept in this database and 0 given from outside" in out
    assert "only the anchors kept in this database were checked" in out and "--anchors" in out


def test_anchors_kept_outside_catch_a_forger_who_also_rewrote_the_anchor_table(
    capsys, tmp_path
):  # R-SEC-5: on SQLite the anchor table is as writable as the log
    _events(5)
    anchors.anchor_daily(day=dt.date(2026, 3, 1))
    head = AuditHead.objects.get(stream=STREAM)
    kept = tmp_path / "anchors.json"
    kept.write_text(json.dumps({"anchors": [{"stream": STREAM, "seq": head.seq, "hash": head.hash}]}))
    _rechain(STREAM, 2, {"forged": True})
    forged = AuditHead.objects.get(stream=STREAM).hash
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditanchor DISABLE TRIGGER USER")
        cur.execute("UPDATE audit_auditanchor SET hash = %s WHERE stream = %s", [forged, STREAM])
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditanchor ENABLE TRIGGER USER")
    out, _ = _verify(capsys)  # the database agrees with itself
    assert "intact" in out and "only the anchors kept in this database" in out
    err = _refused(capsys, "--anchors", str(kept))
    assert f"BROKEN stream {STREAM}, seq 5" in err and f"anchor in {kept}" in err
    err = _refused(capsys, "--expect-head", f"{STREAM}:{head.seq}:{head.hash}")
    assert "expected head (--expect-head)" in err and head.hash in err


def test_external_anchors_that_the_log_extends_pass(capsys, tmp_path):  # R-SEC-5
    _events(3)
    head = AuditHead.objects.get(stream=STREAM)
    _events(2)
    kept = tmp_path / "heads.json"
    kept.write_text(json.dumps([{"stream": STREAM, "seq": head.seq, "hash": head.hash}]))
    out, _ = _verify(capsys, "--anchors", str(kept), "--expect-head", f"{STREAM}:{head.seq}:{head.hash}")
    assert "intact: 5 events" in out and "and 1 given from outside" in out
    assert "only the anchors kept in this database" not in out


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("not json", "cannot read anchors"),
        (json.dumps({"nothing": 1}), "no anchors found"),
        (json.dumps([{"stream": STREAM, "seq": 0, "hash": "0" * 64}]), "not a positive whole number"),
        (json.dumps([{"stream": STREAM, "seq": 1, "hash": "xyz"}]), "not 64 hexadecimal digits"),
    ],
)
def test_unreadable_anchors_are_refused_plainly(capsys, tmp_path, content, said):  # R-SEC-5
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with pytest.raises(CommandError, match=said):
        call_command("verify_audit", "--anchors", str(bad))
    with pytest.raises(CommandError, match="STREAM:SEQ:HASH"):
        call_command("verify_audit", "--expect-head", "estate:7")


def test_the_daily_job_anchors_each_stream_once_a_day(capsys):  # R-SEC-5
    """The worker's periodic job (``core.periodic``) keeps every head once per Beijing day; the
    day's second run adds nothing, the next day's run anchors again."""
    day = dt.date(2026, 3, 10)
    with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=BEIJING), tick=False):
        _events(2)
        _events(1, estate_id=None)
        assert ensure_daily_anchor() is True
        assert ensure_daily_anchor() is False  # one is waiting
        run_worker()
        first = {(a.stream, a.seq, a.day) for a in AuditAnchor.objects.filter(kind="daily")}
        assert first == {(STREAM, 2, day), ("global", 1, day)}
        assert AuditEvent.objects.filter(action="audit.anchored").count() == 1
        assert anchors.anchor_daily() == 0  # a second run the same day adds nothing
    nxt = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 11), tzinfo=BEIJING)
    with time_machine.travel(nxt, tick=False):
        _events(1)
        assert run_worker() == 1  # the run queued for 00:10
        rows = AuditAnchor.objects.filter(kind="daily", day=day + dt.timedelta(days=1))
        assert {(a.stream, a.seq) for a in rows} == {(STREAM, 3), ("global", 2)}
    assert AuditAnchor.objects.filter(kind="daily", day=day).count() == 2
    out, _ = _verify(capsys)
    assert "intact" in out


def test_anchors_are_append_only():  # R-SEC-5
    from ownervote.core.appendonly import AppendOnlyError

    _events(1)
    anchors.anchor_daily(day=dt.date(2026, 3, 1))
    with pytest.raises(AppendOnlyError):
        AuditAnchor.objects.update(hash="0" * 64)
    with pytest.raises(AppendOnlyError):
        AuditAnchor.objects.all().delete()


# --- any rewrite, any cut ------------------------------------------------------------------------

_examples = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _anchored_chain(n: int) -> AuditHead:
    _events(n)
    anchors.anchor_daily(day=dt.date(2026, 3, 1))
    return AuditHead.objects.get(stream=STREAM)


@_examples
@given(data=st.data())
def test_any_single_event_rewrite_is_detected(data):  # R-SEC-5 R-SEC-2 (property)
    with transaction.atomic():
        n = data.draw(st.integers(min_value=1, max_value=10), label="events")
        seq = data.draw(st.integers(min_value=1, max_value=n), label="rewritten")
        _anchored_chain(n)
        _rechain(STREAM, seq, {"forged": seq})
        assert verify_all()[1] == []
        broken = anchors.verify_with_anchors().breaks
        assert [(b.stream, b.seq) for b in broken] == [(STREAM, n)]
        transaction.set_rollback(True)


@_examples
@given(data=st.data())
def test_any_tail_cut_is_detected(data):  # R-SEC-5 R-SEC-2 (property)
    with transaction.atomic():
        n = data.draw(st.integers(min_value=1, max_value=10), label="events")
        keep = data.draw(st.integers(min_value=0, max_value=n - 1), label="kept")
        _anchored_chain(n)
        _cut_tail(STREAM, keep)
        if keep == 0:
            _raw("DELETE FROM audit_audithead WHERE stream = %s", [STREAM])
        assert verify_all()[1] == []
        broken = anchors.verify_with_anchors().breaks
        assert [(b.stream, b.seq, b.event_id) for b in broken] == [(STREAM, n, None)]
        transaction.set_rollback(True)
