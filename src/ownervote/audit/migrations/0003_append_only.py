"""The database itself refuses UPDATE and DELETE on audit events (R-SEC-2).

PostgreSQL: row triggers refuse UPDATE and DELETE always; a statement trigger refuses TRUNCATE
unless the session sets ``ownervote.allow_truncate = on`` (only the test settings do, so that
the test runner can empty its throwaway database between tests).
SQLite has no access control of its own (whoever can write the file can do anything); there the
guard is the ORM layer (``ownervote.core.appendonly``), as for ballots.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION ownervote_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION ownervote_refuse_truncate() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('ownervote.allow_truncate', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'append-only table %: TRUNCATE refused', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION ownervote_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
  FOR EACH STATEMENT EXECUTE FUNCTION ownervote_refuse_truncate();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
