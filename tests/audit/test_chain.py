"""R-SEC-2: an append-only, tamper-evident log that can be verified end to end."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from ownervote.audit.chainer import chain_pending
from ownervote.audit.models import AuditEvent
from ownervote.audit.services import record, verify_all
from ownervote.core.appendonly import AppendOnlyError


def _events(n=5, estate_id=None, *, chain=True):
    with transaction.atomic():
        events = [
            record(
                actor="system",
                action="test.event",
                object_type="x",
                object_id=i,
                estate_id=estate_id,
                summary={"i": i, "text": "变更"},
            )
            for i in range(n)
        ]
    if chain:
        chain_pending()  # what the worker does a moment later
    return [AuditEvent.objects.get(pk=e.pk) for e in events]


TABLES = ("audit_auditevent", "audit_auditlink")


def _delete_chained(event_id: int) -> None:
    """A chained row removed, its link with it (the link's foreign key would refuse otherwise)."""
    _without_triggers("DELETE FROM audit_auditlink WHERE event_id = %s", [event_id])
    _without_triggers("DELETE FROM audit_auditevent WHERE id = %s", [event_id])


def _without_triggers(sql: str, params=()):
    """What someone with direct database access could do: disable the guard and tamper."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # flush deferred FK checks before ALTER
            for table in TABLES:
                cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            cur.execute(sql, params)
            for table in TABLES:
                cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:  # SQLite: no access control below the ORM; raw SQL is what a tamperer would use
            cur.execute(sql, params)


@pytest.mark.django_db
def test_events_chain_and_verify():  # R-SEC-2
    events = _events(4) + _events(3, estate_id=7)
    assert [e.seq for e in events] == [1, 2, 3, 4, 1, 2, 3]
    assert events[1].prev_hash == events[0].hash
    streams, breaks = verify_all()
    assert (streams, breaks) == (2, [])


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():  # R-SEC-2: an audit row commits with its change
    with pytest.raises(RuntimeError):
        record(actor="system", action="test.event")


@pytest.mark.django_db
def test_the_orm_refuses_update_and_delete():  # R-SEC-2
    event = _events(1)[0]
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers guard raw SQL on PostgreSQL only")
def test_postgresql_refuses_raw_update_delete_and_truncate():  # R-SEC-2
    event = _events(1)[0]
    for sql in (
        "UPDATE audit_auditevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql, [event.pk])
    with (
        pytest.raises(DatabaseError, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET LOCAL ownervote.allow_truncate = off")
        cur.execute("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


@pytest.mark.django_db
def test_an_altered_row_is_named(capsys):  # R-SEC-2
    events = _events(5)
    victim = events[2]
    _without_triggers("UPDATE audit_auditevent SET summary = %s WHERE id = %s", ['{"i": 99}', victim.pk])
    with pytest.raises(CommandError):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert f"seq {victim.seq} (row id={victim.pk})" in err
    assert "altered" in err


@pytest.mark.django_db
def test_a_deleted_row_is_named(capsys):  # R-SEC-2
    events = _events(5)
    _delete_chained(events[1].pk)
    with pytest.raises(CommandError):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert "seq 2" in err and "missing" in err


@pytest.mark.django_db
def test_a_deleted_last_row_is_caught_by_the_head(capsys):  # R-SEC-2
    events = _events(3)
    _delete_chained(events[-1].pk)
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert "head says 3" in capsys.readouterr().err


@pytest.mark.django_db
def test_intact_log_reports_ok(capsys):  # R-SEC-2
    _events(3)
    call_command("verify_audit")
    assert "intact: 3 events" in capsys.readouterr().out
