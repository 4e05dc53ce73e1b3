"""R-SEC-5 with R-SEC-2: the application's database role may only read and append to the audit
log. Connected as it, TRUNCATE (with or without the ``ownervote.allow_truncate`` switch), UPDATE
and DELETE of events, ALTER TABLE ... DISABLE TRIGGER, DROP TRIGGER and replacing the guard's
function are all refused, while recording events works; chain heads only move forward."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from ownervote.audit.chainer import chain_pending
from ownervote.audit.models import AuditEvent, AuditHead, AuditLink
from ownervote.audit.services import record, verify_all
from tests.dbroles import as_role, count, postgres_only, refused

pytestmark = [postgres_only, pytest.mark.django_db]


def _events(n=3, estate_id=11):
    with transaction.atomic():
        events = [
            record(actor="system", action="test.event", estate_id=estate_id, summary={"i": i})
            for i in range(n)
        ]
    chain_pending()
    return events


TAMPERING = [
    "TRUNCATE audit_auditevent, audit_audithead",
    "TRUNCATE audit_auditevent CASCADE",
    "SET LOCAL ownervote.allow_truncate = on; TRUNCATE audit_auditevent, audit_audithead",
    "UPDATE audit_auditevent SET action = 'forged'",
    "DELETE FROM audit_auditevent",
    "DELETE FROM audit_audithead",
    "UPDATE audit_auditlink SET hash = repeat('0', 64)",
    "DELETE FROM audit_auditlink",
    "TRUNCATE audit_auditlink CASCADE",
    "ALTER TABLE audit_auditlink DISABLE TRIGGER USER",
    "DROP TRIGGER audit_link_append_only ON audit_auditlink",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_truncate",
    "DROP TRIGGER audit_event_append_only ON audit_auditevent",
    "DROP TRIGGER audit_event_no_truncate ON audit_auditevent",
    "ALTER TABLE audit_auditevent OWNER TO CURRENT_USER",
    "CREATE OR REPLACE FUNCTION ownervote_refuse_truncate() RETURNS trigger AS $$ BEGIN RETURN NULL; END $$ "
    "LANGUAGE plpgsql",
    "CREATE TRIGGER forged BEFORE UPDATE ON audit_auditevent FOR EACH ROW "
    "EXECUTE FUNCTION suppress_redundant_updates_trigger()",
]


@pytest.mark.parametrize("sql", TAMPERING)
def test_the_app_role_cannot_erase_or_rewrite_the_audit_log(app_role, sql):  # R-SEC-5, R-SEC-2
    _events(3)
    before = list(AuditLink.objects.values_list("seq", "hash"))
    message = refused(app_role, sql)
    assert "permission denied" in message or "must be owner" in message, message
    assert list(AuditLink.objects.values_list("seq", "hash")) == before
    assert count("audit_audithead") == 1
    assert verify_all() == (1, [])


def test_the_app_role_records_events(app_role):  # R-SEC-5, R-SEC-2: the application's normal work
    _events(2)
    with as_role(app_role) as cur:
        cur.execute("SELECT current_user")
        assert cur.fetchone()[0] == app_role
        record(actor="system", action="test.as_app", estate_id=11)
        record(actor="system", action="test.as_app", estate_id=12)
        assert chain_pending() == 2  # the worker's chainer; a new chain: its head is created
    assert AuditEvent.objects.filter(action="test.as_app").count() == 2
    assert AuditHead.objects.get(stream=AuditEvent.objects.filter(estate_id=11).last().stream).seq == 3
    assert verify_all() == (2, [])


def test_a_chain_head_only_moves_forward_to_an_event_of_its_chain(app_role):  # R-SEC-2, R-SEC-5
    _events(3)
    head = AuditHead.objects.get()
    assert "only moves forward" in refused(app_role, "UPDATE audit_audithead SET seq = seq - 1")
    forged = "SET CONSTRAINTS ALL IMMEDIATE; UPDATE audit_audithead SET hash = repeat('0', 64)"
    assert "is no event of its chain" in refused(app_role, forged)
    ahead = "SET CONSTRAINTS ALL IMMEDIATE; UPDATE audit_audithead SET seq = seq + 1"
    assert "is no event of its chain" in refused(app_role, ahead)
    assert "is no event of its chain" in refused(
        app_role, "SET CONSTRAINTS ALL IMMEDIATE; INSERT INTO audit_audithead VALUES ('estate:99', 5, 'x')"
    )
    head.refresh_from_db()
    assert (head.seq, head.hash) == (3, AuditLink.objects.get(seq=3).hash)


def test_the_owner_cannot_delete_a_head_nor_truncate_without_saying_so():  # R-SEC-2
    """Even the owner (the test connection) is refused a head's DELETE, and TRUNCATE unless the
    session turns the switch on (a cascading TRUNCATE from another table never empties the log)."""
    _events(2)
    for sql in (
        "DELETE FROM audit_audithead",
        "SET LOCAL ownervote.allow_truncate = off; TRUNCATE audit_audithead",
        "SET LOCAL ownervote.allow_truncate = off; TRUNCATE orgs_user CASCADE",
    ):
        with pytest.raises(DatabaseError, match="refused"), transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute(sql)
    assert (count("audit_audithead"), count("audit_auditevent")) == (1, 2)


def test_probe_db_roles_passes_as_the_app_role_and_fails_as_the_owner(app_role):  # R-SEC-5
    """The probe .ci/run runs after a real login as the application role."""
    _events(2)
    out = io.StringIO()
    with as_role(app_role):
        call_command("probe_db_roles", stdout=out)
    assert f"{app_role}: read and insert only on" in out.getvalue()
    assert 'refused   SET LOCAL ownervote.allow_truncate = on; TRUNCATE "audit_auditevent"' in out.getvalue()
    with pytest.raises(CommandError, match="can rewrite the append-only tables"):
        call_command("probe_db_roles", stdout=io.StringIO())  # the test connection owns everything
    assert count("audit_auditevent") == 2
